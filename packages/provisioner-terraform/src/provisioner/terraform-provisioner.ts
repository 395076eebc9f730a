import { mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { ApplyResult, BuildCall, ParseResult, PlanResult, Provisioner, ProvisionerCall, WorkspaceTransition } from '@hangar/core';
import { parseDependencyGraph } from './dependency-graph.js';
import { mapParameters } from './parameter-mapping.js';
import { decodePlanBundle, encodePlanBundle, type PlanBundle } from './plan-bundle.js';
import { mapResourceTree } from './resource-mapping.js';
import { parameterDeclarationOrder, readTemplate } from './template-source.js';
import { TerraformError } from './terraform-errors.js';
import { plannedResources, stateFileResources, stateResources, type TerraformPlanJson, type TerraformStateJson } from './terraform-json.js';
import { TerraformSession, type SessionSettings } from './terraform-session.js';

/** Options of {@link createTerraformProvisioner}. */
export interface TerraformProvisionerOptions {
  /** The terraform executable (default `terraform`, looked up on `PATH`). */
  readonly terraformPath?: string;
  /** Provider cache shared by all jobs (`plugin_cache_dir`); created when missing. */
  readonly pluginCacheDir?: string;
  /** Filesystem mirrors holding the providers templates may use (besides Hangar's own). */
  readonly providerMirrors?: readonly string[];
  /** Let terraform download providers from their registries (default false: offline). */
  readonly allowProviderDownloads?: boolean;
  /** Milliseconds between SIGINT and SIGKILL when a job is canceled (default 15 000). */
  readonly cancelGracePeriodMs?: number;
  /** Parent of each job's private temporary directory (default: the OS temp directory). */
  readonly tempDir?: string;
}

/** Default grace period between interrupting and killing terraform. */
export const DEFAULT_CANCEL_GRACE_PERIOD_MS = 15_000;

/** The state file terraform reads and writes in the job's working directory. */
export const STATE_FILE = 'terraform.tfstate';
const PLAN_FILE = 'hangar.tfplan';
// Marks a working directory `terraform init` already prepared in this job.
const INIT_MARKER = '.hangar-terraform-init';

const SETUP = 'Setting up';
const PLANNING = 'Planning infrastructure';
const APPLY_STAGES: Readonly<Record<WorkspaceTransition, string>> = {
  start: 'Starting workspace',
  stop: 'Stopping workspace',
  delete: 'Destroying workspace',
};

/**
 * The Terraform provisioner. `parse` reads variables and README from the files alone; `plan`
 * runs `init`, `plan -out` (destroy mode for `delete`), `show -json` and `graph`; `apply` runs
 * the saved plan and reads the new state. The `hangar/hangar` and `coder/coder` provider is
 * served in this process per job, with the job's context, and attached through
 * `TF_REATTACH_PROVIDERS`. Failures throw a {@link TerraformError}; one from `apply` carries
 * the state terraform left in `state`.
 */
export function createTerraformProvisioner(options: TerraformProvisionerOptions = {}): Provisioner {
  const settings: SessionSettings = {
    terraformPath: options.terraformPath ?? 'terraform',
    cancelGracePeriodMs: options.cancelGracePeriodMs ?? DEFAULT_CANCEL_GRACE_PERIOD_MS,
    providerMirrors: options.providerMirrors ?? [],
    allowProviderDownloads: options.allowProviderDownloads ?? false,
    ...(options.pluginCacheDir ? { pluginCacheDir: options.pluginCacheDir } : {}),
    ...(options.tempDir ? { tempDir: options.tempDir } : {}),
  };
  let cacheReady: Promise<unknown> | undefined;
  // terraform's plugin cache is not safe for concurrent installs (Coder serialises init too).
  const initLock = createLock();
  const prepareCache = () => (cacheReady ??= options.pluginCacheDir ? mkdir(options.pluginCacheDir, { recursive: true }) : Promise.resolve());

  const withSession = async <T>(call: ProvisionerCall & { context?: BuildCall['context'] }, work: (session: TerraformSession) => Promise<T>): Promise<T> => {
    await prepareCache();
    const session = await TerraformSession.open(settings, call);
    try {
      return await work(session);
    } finally {
      await session.close();
    }
  };

  return {
    async parse(call: ProvisionerCall): Promise<ParseResult> {
      try {
        const source = await readTemplate(call.directory);
        return { variables: source.variables, ...(source.readme !== undefined ? { readme: source.readme } : {}) };
      } catch (err) {
        if (err instanceof TerraformError) call.log({ level: 'error', stage: 'Parsing template', output: err.message });
        throw err;
      }
    },

    async plan(call: BuildCall): Promise<PlanResult> {
      return withSession(call, async (session) => {
        await initOnce(session, call.directory, initLock);
        const { bundle, json, order } = await plan(session, call);
        const resources = plannedResources(json);
        return {
          resources: mapResourceTree({ resources, graph: parseDependencyGraph(bundle.graph) }),
          parameters: mapParameters(resources, order),
          plan: encodePlanBundle(bundle),
        };
      });
    },

    async apply(call: BuildCall & { readonly plan?: Uint8Array }): Promise<ApplyResult> {
      return withSession(call, async (session) => {
        const { directory, context } = call;
        let bundle: PlanBundle;
        if (call.plan) {
          bundle = decodePlanBundle(call.plan);
          if (bundle.transition !== context.transition) {
            throw new TerraformError('HANGAR_ERR_TERRAFORM_PLAN_INVALID', { reason: `it was made for "${bundle.transition}", not "${context.transition}"` });
          }
          await initOnce(session, directory, initLock);
          await writePriorState(directory, context.priorState);
          await writeFile(join(directory, PLAN_FILE), bundle.planFile);
        } else {
          await initOnce(session, directory, initLock);
          bundle = (await plan(session, call)).bundle;
        }
        const stage = APPLY_STAGES[context.transition];
        await session.runLogged(['apply', '-json', '-input=false', '-auto-approve', PLAN_FILE], stage, {
          code: 'HANGAR_ERR_TERRAFORM_APPLY_FAILED',
          state: () => readState(directory),
        });
        const state = (await readState(directory)) ?? new Uint8Array();
        // The state file itself is enough for format 4; `show -json` is the fallback.
        const resources = stateFileResources(state) ?? stateResources(parseJson<TerraformStateJson>(await session.output(['show', '-json'], stage), 'show'));
        return { resources: mapResourceTree({ resources, graph: parseDependencyGraph(bundle.graph) }), state };
      });
    },
  };
}

/** `terraform init`, once per working directory (an import plans twice in one directory). */
async function initOnce(session: TerraformSession, directory: string, lock: Lock): Promise<void> {
  if (await exists(join(directory, INIT_MARKER))) return;
  await lock(() => session.runLogged(['init', '-json', '-input=false'], SETUP, { code: 'HANGAR_ERR_TERRAFORM_INIT_FAILED' }));
  await writeFile(join(directory, INIT_MARKER), '');
}

type Lock = <T>(work: () => Promise<T>) => Promise<T>;

/** Runs the works given to it one at a time, in call order. */
function createLock(): Lock {
  let tail: Promise<unknown> = Promise.resolve();
  return (work) => {
    const run = tail.then(work, work);
    tail = run.catch(() => undefined);
    return run;
  };
}

async function plan(session: TerraformSession, call: BuildCall): Promise<{ bundle: PlanBundle; json: TerraformPlanJson; order: Map<string, number> }> {
  const { directory, context } = call;
  await writePriorState(directory, context.priorState);
  const destroy = context.transition === 'delete' ? ['-destroy'] : [];
  // The graph depends on the configuration only: draw it while terraform plans. Its outcome
  // is held as a value so a failure cannot go unhandled while the plan runs.
  const graphing = settle(session.output(['graph', '-type=plan'], PLANNING));
  try {
    await session.runLogged(['plan', '-json', '-input=false', `-out=${PLAN_FILE}`, ...destroy], PLANNING, { code: 'HANGAR_ERR_TERRAFORM_PLAN_FAILED' });
  } finally {
    // Either way the graph command ends before the session closes the provider it talks to.
    await graphing;
  }
  const [show, graph, order, planFile] = await Promise.all([
    session.output(['show', '-json', PLAN_FILE], PLANNING),
    graphing.then(unwrap),
    parameterDeclarationOrder(directory),
    readFile(join(directory, PLAN_FILE)),
  ]);
  return {
    bundle: { transition: context.transition, graph, planFile: new Uint8Array(planFile) },
    json: parseJson<TerraformPlanJson>(show, 'show'),
    order,
  };
}

/** Puts the previous build's state where terraform reads it, or makes sure none is there. */
async function writePriorState(directory: string, state: Uint8Array | undefined): Promise<void> {
  const path = join(directory, STATE_FILE);
  if (state && state.byteLength > 0) await writeFile(path, state);
  else await rm(path, { force: true });
}

async function readState(directory: string): Promise<Uint8Array | undefined> {
  try {
    return new Uint8Array(await readFile(join(directory, STATE_FILE)));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

type Settled<T> = { ok: true; value: T } | { ok: false; error: unknown };

function settle<T>(promise: Promise<T>): Promise<Settled<T>> {
  return promise.then(
    (value) => ({ ok: true, value }),
    (error: unknown) => ({ ok: false, error }),
  );
}

function unwrap<T>(settled: Settled<T>): T {
  if (settled.ok) return settled.value;
  throw settled.error;
}

function parseJson<T>(text: string, command: string): T {
  try {
    return JSON.parse(text) as T;
  } catch (err) {
    throw new TerraformError('HANGAR_ERR_TERRAFORM_OUTPUT_INVALID', { command, reason: (err as Error).message });
  }
}
