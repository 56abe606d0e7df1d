export { ModelOverviewContent } from './ModelOverviewContent';
