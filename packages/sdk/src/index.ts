export { createHangar, corePlugins, definePlugin, type Hangar, type HangarOptions, type HangarPlugin } from '@hangar/core';
export { main as runCli, createCli } from './cli/main.js';
export { referencePlugins } from './cli/server-command.js';
export type { CliIo } from './cli/cli-io.js';
