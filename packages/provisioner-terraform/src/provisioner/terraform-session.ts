import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BuildContext, LogSink } from '@hangar/core';
import { serveProvider, type ProviderContextInit, type ServedProvider } from '../provider/index.js';
import { renderCliConfig, terraformEnvironment, type ProviderInstallation } from './terraform-environment.js';
import { TerraformError, type TerraformErrorCode } from './terraform-errors.js';
import { failureReason, parseJsonLogLine, textLines, type TerraformDiagnostic } from './terraform-log.js';
import { runTerraformCommand, type TerraformExit } from './terraform-process.js';

/** Settings shared by every job of one provisioner. */
export interface SessionSettings extends ProviderInstallation {
  readonly terraformPath: string;
  readonly cancelGracePeriodMs: number;
  /** Parent of each job's private temporary directory (default: the OS temp directory). */
  readonly tempDir?: string;
}

/** What one session runs for. */
export interface SessionCall {
  readonly directory: string;
  readonly signal: AbortSignal;
  readonly log: LogSink;
  /** The build, for plan and apply: it starts the in-process provider with this context. */
  readonly context?: BuildContext;
}

/** How a logged command fails. */
export interface FailureSpec {
  readonly code: TerraformErrorCode;
  /** State to attach to the error (read after the command ended). */
  readonly state?: () => Promise<Uint8Array | undefined>;
}

/**
 * One job's terraform: a private 0700 temporary directory holding its CLI configuration and
 * the sockets of its in-process provider (served with the job's context), the environment
 * every command gets, and the commands themselves. `close()` stops the provider and removes
 * the temporary directory; the job's working directory is the runner's to remove.
 */
export class TerraformSession {
  private constructor(
    private readonly settings: SessionSettings,
    private readonly call: SessionCall,
    private readonly privateDir: string,
    private readonly provider: ServedProvider | undefined,
    /** The environment of every command of this session. */
    readonly env: NodeJS.ProcessEnv,
  ) {}

  /** Prepares a session; the provider is served only when the call has a build context. */
  static async open(settings: SessionSettings, call: SessionCall): Promise<TerraformSession> {
    const privateDir = await mkdtemp(join(settings.tempDir ?? tmpdir(), 'hangar-tfjob-'));
    let provider: ServedProvider | undefined;
    try {
      await chmod(privateDir, 0o700);
      const cliConfigFile = join(privateDir, 'cli.tfrc');
      await writeFile(cliConfigFile, renderCliConfig(settings), { mode: 0o600 });
      if (call.context) {
        provider = await serveProvider({
          socketDir: privateDir,
          context: providerContextOf(call.context),
          log: (output) => call.log({ level: 'debug', stage: 'Provider', output }),
        });
      }
      const env = terraformEnvironment({
        base: process.env,
        cliConfigFile,
        ...(provider ? { provider: provider.env } : {}),
        variables: call.context?.variables ?? {},
      });
      return new TerraformSession(settings, call, privateDir, provider, env);
    } catch (err) {
      await provider?.close();
      await rm(privateDir, { recursive: true, force: true });
      throw err;
    }
  }

  /**
   * Runs a `-json` command, streaming each line to the build log under `stage`. A non-zero
   * exit throws `failure.code` with terraform's first error as the reason; cancellation throws
   * core's `HANGAR_ERR_PROVISIONER_JOB_CANCELED`. Both carry `failure.state()` when given.
   */
  async runLogged(args: readonly string[], stage: string, failure: FailureSpec): Promise<TerraformExit> {
    const diagnostics: TerraformDiagnostic[] = [];
    const exit = await this.run(args, {
      onStdoutLine: (raw) => {
        const parsed = parseJsonLogLine(raw, stage);
        if (parsed.diagnostic) diagnostics.push(parsed.diagnostic);
        parsed.lines.forEach(this.call.log);
      },
      onStderrLine: (raw) => textLines(raw, 'warn', stage).forEach(this.call.log),
      collectStdout: false,
    });
    if (exit.code === 0 && !exit.canceled) return exit;
    const state = await failure.state?.();
    const options = state ? { state } : {};
    if (exit.canceled) {
      this.call.log({ level: 'warn', stage, output: `Canceled: terraform ${args[0]} was ${exit.killed ? 'killed after the grace period' : 'interrupted'}.` });
      throw new TerraformError('HANGAR_ERR_PROVISIONER_JOB_CANCELED', {}, options);
    }
    const reason = failureReason(diagnostics, exit.stderr);
    throw new TerraformError(failure.code, { reason }, { ...options, detail: reason });
  }

  /** Runs a command whose stdout is data (`show -json`, `graph`); failures are logged and thrown. */
  async output(args: readonly string[], stage: string): Promise<string> {
    const exit = await this.run(args, {});
    if (exit.canceled) throw new TerraformError('HANGAR_ERR_PROVISIONER_JOB_CANCELED');
    if (exit.code !== 0) {
      textLines(exit.stderr, 'error', stage).forEach(this.call.log);
      const reason = failureReason([], exit.stderr);
      throw new TerraformError('HANGAR_ERR_TERRAFORM_COMMAND_FAILED', { command: args[0], reason }, { detail: reason });
    }
    return exit.stdout;
  }

  /** Stops the provider (terraform has exited by now) and removes the private directory. */
  async close(): Promise<void> {
    try {
      await this.provider?.close();
    } finally {
      await rm(this.privateDir, { recursive: true, force: true });
    }
  }

  private run(args: readonly string[], streams: { onStdoutLine?: (line: string) => void; onStderrLine?: (line: string) => void; collectStdout?: boolean }): Promise<TerraformExit> {
    return runTerraformCommand({
      terraformPath: this.settings.terraformPath,
      args,
      cwd: this.call.directory,
      env: this.env,
      signal: this.call.signal,
      graceMs: this.settings.cancelGracePeriodMs,
      ...streams,
    });
  }
}

/**
 * The provider's view of a build. Missing parameter values read as `""` rather than failing:
 * the server resolves and validates values before a build (required ones included), and a
 * template import plans without any.
 */
export function providerContextOf(context: BuildContext): ProviderContextInit {
  return {
    workspace: {
      id: context.workspace.id,
      name: context.workspace.name,
      transition: context.transition,
      accessUrl: context.accessUrl,
      templateId: context.workspace.templateId,
      templateName: context.workspace.templateName,
      templateVersion: context.workspace.templateVersionName,
    },
    owner: {
      id: context.owner.id,
      name: context.owner.username,
      fullName: context.owner.name,
      email: context.owner.email,
      groups: [...context.owner.groups],
      ...(context.owner.sshPublicKey !== undefined ? { sshPublicKey: context.owner.sshPublicKey } : {}),
    },
    parameters: { ...context.parameters },
    ...(context.previousParameters ? { previousParameters: { ...context.previousParameters } } : {}),
    missingParameters: 'empty',
  };
}
