import type { UnaryRoute } from './grpc-server.js';

/**
 * Paths of go-plugin's streaming side services. Terraform opens both on every connection but
 * needs nothing from them, so they are answered with an immediate, successful end of stream.
 */
export const GO_PLUGIN_EMPTY_STREAMS: ReadonlySet<string> = new Set([
  '/plugin.GRPCStdio/StreamStdio',
  '/plugin.GRPCBroker/StartStream',
]);

/**
 * go-plugin's `GRPCController/Shutdown`. Without it terraform waits 2 s and then kills each
 * provider process, so a plan costs seconds more. `onShutdown` runs after the reply is sent.
 */
export function shutdownRoute(onShutdown: () => void): [string, UnaryRoute] {
  return [
    '/plugin.GRPCController/Shutdown',
    { request: 'Empty', response: 'Empty', handle: () => ({}), afterResponse: onShutdown },
  ];
}
