export { ModelHistoryContent } from './ModelHistoryContent';
