export * from './ModelEntity';
