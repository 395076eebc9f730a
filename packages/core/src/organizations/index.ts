export * from './organization-entities.js';
export * from './organization-errors.js';
export * from './organization-hooks.js';
export * from './organization-schemas.js';
export * from './organization-service.js';
export * from './organization-routes.js';
export * from './member-routes.js';
export * from './organizations-plugin.js';
