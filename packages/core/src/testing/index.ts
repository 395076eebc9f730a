export * from './start-test-server.js';
export * from './test-database.js';
export * from './test-cluster.js';
export * from './echo-provisioner.js';
export * from './template-archive.js';
