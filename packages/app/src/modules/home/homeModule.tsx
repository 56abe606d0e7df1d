import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { HomePageWidgetBlueprint } from '@backstage/plugin-home-react/alpha';
import { MarkdownContent } from '@backstage/core-components';

const content = `
## Model Registry portal

Machine-learning models are first-class citizens of this portal.

- **[Models](/models)**: every registered model, searchable.
- **[Catalog](/catalog)**: the teams, systems, services and data sets
  around the models.
- **[Create](/create)**: start a new model project from a template.

The registry's REST API lives under \`/api/model-registry\`; see the
repository README for the endpoints.
`;

const gettingStartedWidget = HomePageWidgetBlueprint.make({
  name: 'getting-started',
  params: {
    name: 'GettingStarted',
    title: 'Getting Started',
    description: 'Where to start in the Model Registry portal',
    components: async () => ({
      Content: () => <MarkdownContent content={content} />,
    }),
  },
});

export const homeModule = createFrontendModule({
  pluginId: 'home',
  extensions: [gettingStartedWidget],
});
