export * from './provisioner/index.js';
export * from './provider/index.js';
