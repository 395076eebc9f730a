import { homedir } from 'node:os';
import { join } from 'node:path';
import { HangarError } from '../errors/hangar-error.js';
import { type LogLevel, logLevels } from '../logging/logger.js';

/** The resolved configuration of a server. */
export interface HangarConfig {
  /** `host:port` the HTTP server binds; port 0 picks a free one. */
  readonly httpAddress: string;
  /** The URL users and workspaces reach the server at. */
  readonly accessUrl: string;
  /** Where Hangar keeps its state (the embedded database among it). */
  readonly dataDir: string;
  /** An external PostgreSQL; when absent an embedded one runs in `dataDir`. */
  readonly postgresUrl?: string;
  /** How many provisioner daemons run inside the server. */
  readonly provisionerDaemons: number;
  readonly logLevel: LogLevel;
}

/** The default data directory: `$XDG_DATA_HOME/hangar` or `~/.local/share/hangar`. */
export function defaultDataDir(): string {
  return join(process.env.XDG_DATA_HOME || join(homedir(), '.local', 'share'), 'hangar');
}

/** Fills defaults and checks values; throws `HANGAR_ERR_CONFIG_INVALID` naming the field. */
export function resolveConfig(input: Partial<HangarConfig> = {}): HangarConfig {
  const httpAddress = input.httpAddress ?? '127.0.0.1:3000';
  const { host, port } = parseHttpAddress(httpAddress);
  const accessUrl = (input.accessUrl ?? `http://${host.includes(':') ? `[${host}]` : host}:${port}`).replace(/\/+$/, '');
  assertUrl('accessUrl', accessUrl, ['http:', 'https:']);
  if (input.postgresUrl !== undefined) assertUrl('postgresUrl', input.postgresUrl, ['postgres:', 'postgresql:']);
  const provisionerDaemons = input.provisionerDaemons ?? 3;
  if (!Number.isInteger(provisionerDaemons) || provisionerDaemons < 0 || provisionerDaemons > 64) {
    throw invalid('provisionerDaemons', 'must be a whole number from 0 to 64');
  }
  const logLevel = input.logLevel ?? 'info';
  if (!logLevels.includes(logLevel)) throw invalid('logLevel', `must be one of ${logLevels.join(', ')}`);
  return Object.freeze({
    httpAddress,
    accessUrl,
    dataDir: input.dataDir ?? defaultDataDir(),
    ...(input.postgresUrl ? { postgresUrl: input.postgresUrl } : {}),
    provisionerDaemons,
    logLevel,
  });
}

/** Splits `host:port` (IPv6 in brackets); throws a coded error when it is not one. */
export function parseHttpAddress(address: string): { host: string; port: number } {
  const match = /^(?:\[([^\]]+)\]|([^:]+)):(\d{1,5})$/.exec(address);
  const port = Number(match?.[3]);
  if (!match || port > 65535) throw invalid('httpAddress', `"${address}" is not host:port (e.g. 127.0.0.1:3000)`);
  return { host: match[1] ?? match[2]!, port };
}

function assertUrl(field: string, value: string, protocols: string[]): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw invalid(field, `"${redactUrl(value)}" is not a URL`);
  }
  if (!protocols.includes(url.protocol)) throw invalid(field, `must start with ${protocols.map((p) => `${p}//`).join(' or ')}`);
}

function redactUrl(value: string): string {
  return value.replace(/\/\/([^:/@]+):[^@/]*@/, '//$1:***@');
}

function invalid(field: string, reason: string): HangarError {
  return new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `${field} ${reason}` }, { validations: [{ field, detail: reason }] });
}
