import { Command, InvalidArgumentError, Option } from 'commander';
import {
  corePlugins,
  createHangar,
  type Hangar,
  type HangarConfig,
  type HangarPlugin,
  isHangarError,
  isPortFree,
  parseHttpAddress,
  resolveConfig,
  type LogLevel,
  logLevels,
} from '@hangar/core';
import { terraformProvisionerPlugin } from '@hangar/provisioner-terraform';
import type { CliIo } from './cli-io.js';

/** Options of the `hangar server` command once parsed. */
interface ServerFlags {
  httpAddress: string;
  accessUrl?: string;
  dataDir?: string;
  postgresUrl?: string;
  provisionerDaemons: number;
  logLevel: LogLevel;
}

/** The plugins the reference server runs besides core's own. */
export function referencePlugins(): HangarPlugin[] {
  return [terraformProvisionerPlugin()];
}

/**
 * `hangar server`: the reference server. Every flag can also come from its environment
 * variable. It prints where it listens, and shuts down gracefully on SIGINT or SIGTERM (a
 * second signal exits at once).
 */
export function serverCommand(io: CliIo): Command {
  return new Command('server')
    .description('Run the Hangar server (API, embedded PostgreSQL unless --postgres-url, provisioner daemons).')
    .addOption(new Option('--http-address <host:port>', 'address the HTTP server binds').env('HANGAR_HTTP_ADDRESS').default('127.0.0.1:3000').argParser(httpAddress))
    .addOption(new Option('--access-url <url>', 'URL users and workspaces reach this server at').env('HANGAR_ACCESS_URL'))
    .addOption(new Option('--data-dir <dir>', 'where Hangar keeps its state (default ~/.local/share/hangar)').env('HANGAR_DATA_DIR'))
    .addOption(new Option('--postgres-url <url>', 'external PostgreSQL 13+; without it an embedded one runs in the data dir').env('HANGAR_POSTGRES_URL'))
    .addOption(new Option('--provisioner-daemons <n>', 'provisioner daemons run inside the server').env('HANGAR_PROVISIONER_DAEMONS').default(3).argParser(wholeNumber))
    .addOption(new Option('--log-level <level>', 'log level').env('HANGAR_LOG_LEVEL').default('info').choices(logLevels as string[]))
    .action(async (flags: ServerFlags) => {
      io.exitCode = await runServer(flags, io);
    });
}

async function runServer(flags: ServerFlags, io: CliIo): Promise<number> {
  let config: HangarConfig;
  try {
    config = resolveConfig(flags);
  } catch (error) {
    return fail(io, error);
  }
  const { host, port } = parseHttpAddress(config.httpAddress);
  if (port !== 0 && !(await isPortFree(port, host))) {
    io.stderr(`error: ${config.httpAddress} is already in use; choose another with --http-address.\n`);
    return 1;
  }
  let hangar: Hangar;
  try {
    io.stdout(config.postgresUrl ? 'Connecting to PostgreSQL…\n' : `Starting the embedded PostgreSQL in ${config.dataDir}/postgres…\n`);
    hangar = await createHangar({ config, corePlugins: corePlugins(), plugins: referencePlugins() });
  } catch (error) {
    return fail(io, error);
  }
  try {
    const info = await hangar.listen();
    io.stdout(`Hangar listening on ${info.url}\nAccess URL: ${config.accessUrl}\n`);
  } catch (error) {
    await hangar.close();
    return fail(io, error);
  }
  const signal = await io.waitForShutdownSignal();
  io.stdout(`Received ${signal}; shutting down gracefully (send it again to exit now)…\n`);
  await hangar.close();
  io.stdout('Stopped.\n');
  return 0;
}

function fail(io: CliIo, error: unknown): number {
  if (isHangarError(error)) {
    io.stderr(`error: ${error.message}${error.detail ? `\n  ${error.detail}` : ''}\n`);
  } else if ((error as NodeJS.ErrnoException)?.code === 'EADDRINUSE') {
    io.stderr(`error: the HTTP address is already in use (${(error as Error).message}).\n`);
  } else {
    io.stderr(`error: ${(error as Error)?.stack ?? String(error)}\n`);
  }
  return 1;
}

function httpAddress(value: string): string {
  try {
    parseHttpAddress(value);
    return value;
  } catch {
    throw new InvalidArgumentError('expected host:port, e.g. 127.0.0.1:3000');
  }
}

function wholeNumber(value: string): number {
  const number = Number(value);
  if (!/^\d+$/.test(value) || number > 64) throw new InvalidArgumentError('expected a whole number from 0 to 64');
  return number;
}
