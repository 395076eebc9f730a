export * from './archive-entry.js';
export * from './archive-reader.js';
export * from './archive-writer.js';
export * from './file-entity.js';
export * from './file-errors.js';
export * from './file-service.js';
export * from './files-plugin.js';
export { archiveContentTypes, maxUploadBytes } from './file-routes.js';
