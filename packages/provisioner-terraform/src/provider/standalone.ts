import { mkdtempSync, rmSync } from 'node:fs';
import { createSecureServer, createServer, type Http2SecureServer, type Http2Server } from 'node:http2';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { contextFromEnv } from './context-env.js';
import { detectFlavours } from './flavour.js';
import { providerRoutes } from './provider-service.js';
import { attachGrpcService, listenOnSocket } from './wire/grpc-server.js';
import { GO_PLUGIN_EMPTY_STREAMS, shutdownRoute } from './wire/go-plugin-services.js';
import { createSelfSignedCert } from './wire/self-signed-cert.js';
import { messages } from './wire/tfplugin6-messages.js';

/** go-plugin's handshake cookie for Terraform providers. */
const MAGIC_COOKIE_KEY = 'TF_PLUGIN_MAGIC_COOKIE';
const MAGIC_COOKIE_VALUE = 'd602bf8f470bc67ca7faa0386276bbdd4330efaf76d1a219cb4d6991ca9872b2';

/** Where {@link runStandalone} reads and writes; tests substitute these. */
export interface StandaloneIo {
  readonly argv: readonly string[];
  readonly env: NodeJS.ProcessEnv;
  writeStdout(line: string): void;
  writeStderr(line: string): void;
  exit(code: number): void;
}

const processIo: StandaloneIo = {
  argv: process.argv,
  env: process.env,
  writeStdout: (line) => process.stdout.write(line),
  writeStderr: (line) => process.stderr.write(line),
  exit: (code) => process.exit(code),
};

/**
 * Runs the provider as the program terraform starts (`terraform-provider-hangar`): checks the
 * go-plugin cookie, serves gRPC with AutoMTLS on a unix socket, prints the handshake line (the
 * only stdout output) and runs until terraform calls Shutdown. The build context comes from
 * `HANGAR_*` (and, when serving `coder/coder`, `CODER_*`) environment variables.
 */
export async function runStandalone(io: StandaloneIo = processIo): Promise<void> {
  const fail = (message: string): void => {
    io.writeStderr(`${message}\n`);
    io.exit(1);
  };
  if (io.env[MAGIC_COOKIE_KEY] !== MAGIC_COOKIE_VALUE) {
    return fail(
      'This binary is a plugin. These are not meant to be executed directly.\n' +
        'Please execute the program that consumes these plugins, which will load any plugins automatically.',
    );
  }
  const versions = (io.env.PLUGIN_PROTOCOL_VERSIONS ?? '6').split(',').map((v) => v.trim());
  if (!versions.includes('6')) {
    return fail(`terraform-provider-hangar speaks plugin protocol 6 only; terraform offered ${versions.join(',')}`);
  }
  // Anything printed to stdout before or after the handshake line would corrupt it.
  console.log = console.info = console.error;

  const flavours = detectFlavours(io.argv[1] ?? '', io.env);
  const source = contextFromEnv(io.env, flavours);
  const dir = mkdtempSync(join(io.env.PLUGIN_UNIX_SOCKET_DIR || tmpdir(), 'hangar-plugin-'));
  const socketPath = join(dir, 'provider.sock');
  const cleanup = (): void => rmSync(dir, { recursive: true, force: true });
  process.once('exit', cleanup);
  const quit = (): void => {
    cleanup();
    io.exit(0);
  };

  const clientCert = io.env.PLUGIN_CLIENT_CERT;
  const cert = clientCert ? createSelfSignedCert() : undefined;
  // AutoMTLS: trust only terraform's certificate and require it, as go-plugin does.
  const server: Http2Server | Http2SecureServer = cert
    ? createSecureServer({
        key: cert.keyPem,
        cert: cert.certPem,
        ca: [clientCert!],
        requestCert: true,
        rejectUnauthorized: true,
        ALPNProtocols: ['h2'],
      })
    : createServer();
  attachGrpcService(server, {
    messages,
    unary: new Map([...providerRoutes(flavours, source), shutdownRoute(quit)]),
    emptyStreams: GO_PLUGIN_EMPTY_STREAMS,
    log: (line) => io.writeStderr(`${line}\n`),
  });
  await listenOnSocket(server, socketPath);

  // go-plugin plugins ignore SIGINT: terraform handles Ctrl-C and then calls Shutdown.
  process.on('SIGINT', () => undefined);
  process.once('SIGTERM', quit);
  watchParent(quit);

  // go-plugin decodes the certificate with base64.RawStdEncoding: no padding allowed.
  const certField = cert ? cert.certDer.toString('base64').replace(/=+$/, '') : '';
  io.writeStdout(`1|6|unix|${socketPath}|grpc|${certField}\n`);
}

/** Exits when terraform goes away without calling Shutdown (a crash), instead of lingering. */
function watchParent(quit: () => void): void {
  const parent = process.ppid;
  setInterval(() => {
    if (process.ppid !== parent) quit();
  }, 2000).unref();
}
