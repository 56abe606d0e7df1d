export { ModelLineageContent } from './ModelLineageContent';
