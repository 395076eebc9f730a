import { spawn } from 'node:child_process';
import { StringDecoder } from 'node:string_decoder';
import { TerraformError } from './terraform-errors.js';

/** How to run one terraform command. */
export interface TerraformCommand {
  /** Path or name (looked up on `PATH`) of the terraform executable. */
  readonly terraformPath: string;
  readonly args: readonly string[];
  readonly cwd: string;
  /** The complete environment; nothing of the caller's is added. */
  readonly env: NodeJS.ProcessEnv;
  /** Aborting it interrupts terraform (SIGINT), then kills it after `graceMs`. */
  readonly signal: AbortSignal;
  /** Milliseconds between SIGINT and SIGKILL on cancellation. */
  readonly graceMs: number;
  /** Receives each stdout line as it arrives; without it, stdout is only collected. */
  readonly onStdoutLine?: (line: string) => void;
  /** Receives each stderr line as it arrives. */
  readonly onStderrLine?: (line: string) => void;
  /** Keep stdout in the result (default true); turn off for long streamed output. */
  readonly collectStdout?: boolean;
}

/** How a terraform command ended. */
export interface TerraformExit {
  /** The exit code, or null when a signal ended it. */
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The call's signal was aborted while it ran (or before it started). */
  readonly canceled: boolean;
  /** It did not stop within the grace period and was killed. */
  readonly killed: boolean;
  readonly ms: number;
}

/**
 * Runs terraform as a child with no TTY (stdin ignored, output piped) in a process group of
 * its own. Cancellation follows Coder's provisioner: SIGINT first, so terraform stops
 * gracefully and writes its state, then SIGKILL for the whole group after the grace period.
 * When a canceled command has exited, processes its provisioners left in the group (a
 * `local-exec` still sleeping) are killed too. Never rejects for a non-zero exit: the caller
 * reads `code`; rejects only when terraform cannot be started.
 */
export function runTerraformCommand(command: TerraformCommand): Promise<TerraformExit> {
  const started = performance.now();
  if (command.signal.aborted) {
    return Promise.resolve({ code: null, stdout: '', stderr: '', canceled: true, killed: false, ms: 0 });
  }
  return new Promise((resolve, reject) => {
    const child = spawn(command.terraformPath, [...command.args], {
      cwd: command.cwd,
      env: command.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      // A new session: no controlling terminal, and one group to kill on cancellation.
      detached: true,
    });
    let canceled = false;
    let killed = false;
    let killTimer: NodeJS.Timeout | undefined;
    const stdout: string[] = [];
    const stderr: string[] = [];
    const collect = command.collectStdout ?? true;
    const outLines = lineSplitter((line) => {
      if (collect) stdout.push(line);
      command.onStdoutLine?.(line);
    });
    const errLines = lineSplitter((line) => {
      stderr.push(line);
      command.onStderrLine?.(line);
    });
    child.stdout.on('data', outLines.push);
    child.stderr.on('data', errLines.push);

    const killGroup = (): void => {
      try {
        if (child.pid) process.kill(-child.pid, 'SIGKILL');
      } catch {
        // The group is already gone.
      }
    };
    const onAbort = (): void => {
      if (canceled) return;
      canceled = true;
      child.kill('SIGINT');
      killTimer = setTimeout(() => {
        killed = true;
        killGroup();
      }, command.graceMs);
      killTimer.unref();
    };
    command.signal.addEventListener('abort', onAbort, { once: true });

    child.once('error', (err: NodeJS.ErrnoException) => {
      command.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      reject(new TerraformError('HANGAR_ERR_TERRAFORM_NOT_FOUND', { path: command.terraformPath, reason: err.code ?? err.message }, { cause: err }));
    });
    child.once('close', (code) => {
      command.signal.removeEventListener('abort', onAbort);
      clearTimeout(killTimer);
      if (canceled) killGroup();
      outLines.end();
      errLines.end();
      resolve({
        code,
        stdout: stdout.join('\n'),
        stderr: stderr.join('\n'),
        canceled,
        killed,
        ms: performance.now() - started,
      });
    });
  });
}

/** Splits a byte stream into UTF-8 lines without the line ends. */
function lineSplitter(onLine: (line: string) => void): { push: (chunk: Buffer) => void; end: () => void } {
  const decoder = new StringDecoder('utf8');
  let pending = '';
  const emit = (text: string): void => {
    pending += text;
    let at = pending.indexOf('\n');
    while (at >= 0) {
      onLine(pending.slice(0, at).replace(/\r$/, ''));
      pending = pending.slice(at + 1);
      at = pending.indexOf('\n');
    }
  };
  return {
    push: (chunk) => emit(decoder.write(chunk)),
    end: () => {
      emit(decoder.end());
      if (pending !== '') onLine(pending);
      pending = '';
    },
  };
}
