export * from './subject.js';
export * from './rbac-resources.js';
export * from './role-definitions.js';
export * from './list-filter.js';
export * from './rbac-hooks.js';
export * from './rbac-errors.js';
export * from './authorizer.js';
export * from './rbac-plugin.js';
