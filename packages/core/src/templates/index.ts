export * from './template-entities.js';
export * from './template-errors.js';
export * from './template-service.js';
export * from './import-job-handler.js';
export * from './import-job-kind.js';
export * from './templates-plugin.js';
export { templateView, versionView, parameterView, variableView, resourceView } from './template-views.js';
