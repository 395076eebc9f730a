export * from './audit-entity.js';
export * from './audit-diff.js';
export * from './audit-hooks.js';
export * from './audit-service.js';
export * from './audit-schemas.js';
export * from './audit-plugin.js';
