export * from './provisioner.js';
export * from './resource-tree.js';
export * from './provisioner-registry.js';
export * from './provisioning-plugin.js';
