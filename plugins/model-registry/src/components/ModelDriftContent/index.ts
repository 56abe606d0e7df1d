export { ModelDriftContent } from './ModelDriftContent';
