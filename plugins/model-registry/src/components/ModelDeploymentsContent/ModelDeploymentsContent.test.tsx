import { screen } from '@testing-library/react';
import { renderModelTab } from '../__testUtils__';
import { ModelDeploymentsContent } from './ModelDeploymentsContent';

describe('ModelDeploymentsContent', () => {
  it('explains where deployments will come from, without showing any', async () => {
    await renderModelTab(<ModelDeploymentsContent />);

    expect(screen.getByText('No deployments yet')).toBeInTheDocument();
    expect(
      screen.getByText(
        /the registry's deployer records deployments here once a version is deployed through it/i,
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
