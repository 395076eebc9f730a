import { execFile } from 'node:child_process';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

/** What one terraform command printed, how it ended and how long it took. */
export interface TerraformResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  readonly ms: number;
}

/** A throwaway terraform working directory with its own CLI configuration. */
export interface TerraformWorkdir {
  readonly dir: string;
  /** Environment every command gets (isolated from the caller's TF_*, HANGAR_* and CODER_* vars). */
  readonly env: NodeJS.ProcessEnv;
  /** Runs `terraform <args>` asynchronously (never sync: an in-process provider must keep serving). */
  run(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<TerraformResult>;
  /** Runs a command that must succeed and parses its stdout as JSON. */
  json<T = unknown>(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<T>;
  /** Replaces or adds files of the template. */
  write(files: Readonly<Record<string, string>>): Promise<void>;
  /** Removes the directory. */
  dispose(): Promise<void>;
}

/** Options of {@link createTerraformWorkdir}. */
export interface TerraformWorkdirOptions {
  /** Content of the CLI configuration file (TF_CLI_CONFIG_FILE); empty by default. */
  readonly cliConfig?: string;
  /** Extra environment for every command (e.g. TF_REATTACH_PROVIDERS). */
  readonly env?: NodeJS.ProcessEnv;
  /** Kills a command that runs longer than this (default 60 s). */
  readonly timeoutMs?: number;
}

/**
 * Creates a temp directory holding the template `files`, ready for the real terraform CLI,
 * offline: no checkpoint calls, no input prompts, no inherited provider settings.
 */
export async function createTerraformWorkdir(
  files: Readonly<Record<string, string>>,
  options: TerraformWorkdirOptions = {},
): Promise<TerraformWorkdir> {
  const dir = await mkdtemp(join(tmpdir(), 'hangar-tf-test-'));
  const cliConfigFile = join(dir, '.terraformrc');
  await writeFile(cliConfigFile, options.cliConfig ?? '');
  const inherited = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^(TF_|HANGAR_|CODER_|PLUGIN_)/.test(key)),
  );
  const env: NodeJS.ProcessEnv = {
    ...inherited,
    TF_CLI_CONFIG_FILE: cliConfigFile,
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    ...options.env,
  };
  const timeout = options.timeoutMs ?? 60_000;
  const write = async (more: Readonly<Record<string, string>>): Promise<void> => {
    for (const [name, content] of Object.entries(more)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), content);
    }
  };
  const run = (args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<TerraformResult> =>
    new Promise((resolve) => {
      const started = performance.now();
      execFile(
        'terraform',
        [...args],
        { cwd: dir, env: { ...env, ...extraEnv }, timeout, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => {
          const code = err ? (typeof err.code === 'number' ? err.code : 1) : 0;
          resolve({ code, stdout, stderr, ms: performance.now() - started });
        },
      );
    });
  await write(files);
  return {
    dir,
    env,
    run,
    write,
    async json<T>(args: readonly string[], extraEnv?: NodeJS.ProcessEnv): Promise<T> {
      const result = await run(args, extraEnv);
      if (result.code !== 0) {
        throw new Error(`terraform ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
      }
      return JSON.parse(result.stdout) as T;
    },
    dispose: () => rm(dir, { recursive: true, force: true }),
  };
}

/** Runs a command that must succeed; throws with terraform's output otherwise. */
export async function mustRun(workdir: TerraformWorkdir, args: readonly string[]): Promise<TerraformResult> {
  const result = await workdir.run(args);
  if (result.code !== 0) {
    throw new Error(`terraform ${args.join(' ')} failed (${result.code}):\n${result.stderr}${result.stdout}`);
  }
  return result;
}
