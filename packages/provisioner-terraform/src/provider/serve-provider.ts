import { spawn, type ChildProcess } from 'node:child_process';
import { chmod, mkdtemp, rm } from 'node:fs/promises';
import { createServer, type Http2Server } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextSource } from './build-context.js';
import { FLAVOURS, PROVIDER_SOURCES, type Flavour } from './flavour.js';
import { completeContext, type ProviderContextInit } from './provider-context.js';
import { providerRoutes } from './provider-service.js';
import { attachGrpcService, closeServer, listenOnSocket } from './wire/grpc-server.js';
import { GO_PLUGIN_EMPTY_STREAMS, shutdownRoute } from './wire/go-plugin-services.js';
import { messages } from './wire/tfplugin6-messages.js';

/** Options of {@link serveProvider}. */
export interface ServeProviderOptions {
  /** The build this provider reports on; missing fields take the defaults. */
  readonly context: ProviderContextInit;
  /** Parent of the private socket directory (default: the OS temp directory). Keep it short. */
  readonly socketDir?: string;
  /** Provider sources to serve (default both: `hangar/hangar` and `coder/coder`). */
  readonly flavours?: readonly Flavour[];
  /** Receives diagnostics about failed calls (default: ignored). */
  readonly log?: (line: string) => void;
}

/** A running in-process provider. */
export interface ServedProvider {
  /** Environment for terraform: `TF_REATTACH_PROVIDERS` naming each served source. */
  readonly env: { readonly TF_REATTACH_PROVIDERS: string };
  /** The private directory (mode 0700) holding the sockets; removed by {@link close}. */
  readonly dir: string;
  /** Socket path per served flavour. */
  readonly sockets: Readonly<Partial<Record<Flavour, string>>>;
  /** Stops serving and removes the sockets. Call it only after terraform has exited. */
  close(): Promise<void>;
}

/**
 * Serves the provider inside this process for one job, so terraform attaches to it through
 * `TF_REATTACH_PROVIDERS` instead of starting provider processes (plan + apply in about 0.2 s
 * instead of about 2 s). Each call has its own sockets, context and connection state, so
 * concurrent jobs never see each other's builds.
 *
 * @example
 * const provider = await serveProvider({ context: { workspace: { name: 'dev', transition: 'start' } } });
 * try {
 *   await run('terraform', ['apply', '-auto-approve'], { env: { ...process.env, ...provider.env } });
 * } finally {
 *   await provider.close();
 * }
 */
export async function serveProvider(options: ServeProviderOptions): Promise<ServedProvider> {
  const source = contextSource(completeContext(options.context));
  const flavours = options.flavours ?? FLAVOURS;
  const log = options.log ?? (() => undefined);
  const dir = await mkdtemp(join(options.socketDir ?? tmpdir(), 'hangar-tf-'));
  await chmod(dir, 0o700);
  const servers: [Http2Server, string][] = [];
  let sentinel: ChildProcess | undefined;
  const close = async (): Promise<void> => {
    await Promise.all(servers.splice(0).map(([server, path]) => closeServer(server, path)));
    stopSentinel(sentinel);
    await rm(dir, { recursive: true, force: true });
  };
  try {
    const sockets: Partial<Record<Flavour, string>> = {};
    for (const flavour of flavours) {
      const path = join(dir, `${flavour}.sock`);
      // Plaintext: terraform's reattach client has no TLS settings. The 0700 directory and the
      // 0600 socket are the access control.
      const server = createServer();
      attachGrpcService(server, {
        messages,
        unary: new Map([...providerRoutes([flavour], source), shutdownRoute(() => undefined)]),
        emptyStreams: GO_PLUGIN_EMPTY_STREAMS,
        log,
      });
      await listenOnSocket(server, path);
      servers.push([server, path]);
      sockets[flavour] = path;
    }
    sentinel = await startSentinel();
    const pid = sentinel.pid!;
    const reattach = Object.fromEntries(
      Object.entries(sockets).map(([flavour, path]) => [
        PROVIDER_SOURCES[flavour as Flavour],
        // Test: true is required: without it terraform assumes protocol 5 and panics.
        { Protocol: 'grpc', ProtocolVersion: 6, Pid: pid, Test: true, Addr: { Network: 'unix', String: path } },
      ]),
    );
    let closing: Promise<void> | undefined;
    return {
      env: { TF_REATTACH_PROVIDERS: JSON.stringify(reattach) },
      dir,
      sockets,
      close: () => (closing ??= close()),
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/**
 * Terraform checks the reattach `Pid` every second and SIGKILLs it when it cannot dial the
 * socket. Pointing it at a throwaway `sleep` keeps such a kill away from this process.
 */
async function startSentinel(): Promise<ChildProcess> {
  const child = spawn('sleep', ['2147483647'], { stdio: 'ignore' });
  await new Promise<void>((resolve, reject) => {
    child.once('spawn', resolve);
    child.once('error', (err) => reject(new Error(`start the reattach sentinel process (sleep): ${err.message}`)));
  });
  child.unref();
  liveSentinels.add(child);
  if (liveSentinels.size === 1 && !exitHookInstalled) {
    exitHookInstalled = true;
    // Do not leave sleeping orphans behind when the host process exits without closing.
    process.once('exit', () => liveSentinels.forEach((c) => c.kill('SIGKILL')));
  }
  return child;
}

const liveSentinels = new Set<ChildProcess>();
let exitHookInstalled = false;

function stopSentinel(child: ChildProcess | undefined): void {
  if (!child) return;
  liveSentinels.delete(child);
  if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
}
