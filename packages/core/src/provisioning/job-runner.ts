import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { HangarError } from '../errors/hangar-error.js';
import { extractArchive } from './archive-extract.js';
import type { AcquiredJob, BuildJobResult, BuildPayload, ImportJobResult, ImportPayload, JobFailure, JobResult } from './job-protocol.js';
import type { BuildContext, LogSink, Provisioner, ProvisionerRegistry, WorkspaceTransition } from './provisioner.js';

const applyStages: Record<WorkspaceTransition, string> = {
  start: 'Starting workspace',
  stop: 'Stopping workspace',
  delete: 'Destroying workspace',
};

/**
 * Runs one acquired job on this machine: extracts the template archive into a fresh
 * working directory (removed afterwards), calls the provisioner, and returns the result.
 * Import: parse, then plan for `start` and for `stop` with a placeholder context. Build:
 * plan, then apply with the real context (`delete` is an apply with that transition).
 * Shared by in-process and external daemons.
 */
export class JobRunner {
  constructor(
    private readonly provisioners: ProvisionerRegistry,
    /** Where per-job working directories are made (default: the OS temp dir). */
    private readonly workRoot: string = tmpdir(),
  ) {}

  /** Runs the job; a provisioner's failure is thrown (see {@link failureOf}). */
  async run(job: AcquiredJob, signal: AbortSignal, log: LogSink): Promise<JobResult> {
    const provisioner = this.provisioners.get(job.provisioner);
    if (!provisioner) throw new HangarError('HANGAR_ERR_PROVISIONER_UNAVAILABLE', { provisioner: job.provisioner });
    const directory = await mkdtemp(join(this.workRoot, 'hangar-job-'));
    try {
      log({ level: 'info', stage: 'Setting up', output: `Extracting the template into ${directory}` });
      await extractArchive(job.archive, directory);
      signal.throwIfAborted();
      return job.payload.type === 'import'
        ? await this.runImport(provisioner, job.payload, { directory, signal, log })
        : await this.runBuild(provisioner, job.payload, { directory, signal, log });
    } finally {
      await rm(directory, { recursive: true, force: true });
    }
  }

  private async runImport(provisioner: Provisioner, payload: ImportPayload, call: Call): Promise<ImportJobResult> {
    const parsed = await provisioner.parse({ ...call, log: staged(call.log, 'Parsing template parameters') });
    call.signal.throwIfAborted();
    const start = await provisioner.plan({ ...call, log: staged(call.log, 'Detecting persistent resources'), context: placeholderContext('start', payload) });
    call.signal.throwIfAborted();
    const stop = await provisioner.plan({ ...call, log: staged(call.log, 'Detecting ephemeral resources'), context: placeholderContext('stop', payload) });
    return {
      type: 'import',
      variables: parsed.variables,
      ...(parsed.readme !== undefined ? { readme: parsed.readme } : {}),
      parameters: start.parameters,
      startResources: start.resources,
      stopResources: stop.resources,
    };
  }

  private async runBuild(provisioner: Provisioner, payload: BuildPayload, call: Call): Promise<BuildJobResult> {
    const context = payload.context;
    const plan = await provisioner.plan({ ...call, log: staged(call.log, 'Planning infrastructure'), context });
    call.signal.throwIfAborted();
    const applied = await provisioner.apply({
      ...call,
      log: staged(call.log, applyStages[context.transition]),
      context,
      ...(plan.plan ? { plan: plan.plan } : {}),
    });
    return { type: 'build', state: applied.state, resources: applied.resources };
  }
}

interface Call {
  readonly directory: string;
  readonly signal: AbortSignal;
  readonly log: LogSink;
}

/** A sink that fills in the stage when the provisioner left it empty. */
function staged(log: LogSink, stage: string): LogSink {
  return (line) => log(line.stage ? line : { ...line, stage });
}

/** The build context an import plans with: no workspace exists yet. */
export function placeholderContext(transition: WorkspaceTransition, payload: ImportPayload): BuildContext {
  const none = '00000000-0000-0000-0000-000000000000';
  return {
    transition,
    workspace: { id: none, name: 'import', buildNumber: 0, templateId: none, templateName: '', templateVersionId: none, templateVersionName: '', organizationId: none },
    owner: { id: none, username: 'import', name: '', email: '', groups: [] },
    accessUrl: 'http://127.0.0.1',
    parameters: {},
    variables: payload.variables,
  };
}

/**
 * How a thrown error is reported: its message, its code when it has a `HANGAR_ERR_*` one
 * (`…_JOB_CANCELED` when the job was aborted), and the `state` it carries, if any — a
 * provisioner whose apply failed half-way throws an error with a `state` byte array so the
 * next build starts from what exists.
 */
export function failureOf(error: unknown, aborted: boolean): JobFailure {
  const message = (error as Error)?.message || String(error);
  const state = (error as { state?: unknown })?.state;
  const code = aborted ? 'HANGAR_ERR_PROVISIONER_JOB_CANCELED' : typeof (error as { code?: unknown })?.code === 'string' && /^HANGAR_ERR_/.test((error as { code: string }).code) ? (error as { code: string }).code : 'HANGAR_ERR_PROVISIONER_JOB_FAILED';
  return { message: aborted ? `The job was canceled: ${message}` : message, code, ...(state instanceof Uint8Array ? { state } : {}) };
}
