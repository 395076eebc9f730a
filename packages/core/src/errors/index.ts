export * from './error-codes.js';
export * from './hangar-error.js';
