export { serveProvider, type ServeProviderOptions, type ServedProvider } from './serve-provider.js';
export { runStandalone, type StandaloneIo } from './standalone.js';
export {
  completeContext,
  DEFAULT_OWNER,
  DEFAULT_WORKSPACE,
  type OwnerInfo,
  type ProviderContext,
  type ProviderContextInit,
  type RbacRole,
  type WorkspaceInfo,
  type WorkspaceTransition,
} from './provider-context.js';
export { contextFromEnv, contextToEnv, coderParameterEnvName, parameterEnvName } from './context-env.js';
export { detectFlavours, FLAVOURS, PROVIDER_SOURCES, type Flavour } from './flavour.js';
export { AGENT_BINARY_PATH, agentBinaryUrl, agentInitScript, type InitScriptOptions } from './init-script.js';
export type { ProviderBuildContext, ContextSource } from './build-context.js';
