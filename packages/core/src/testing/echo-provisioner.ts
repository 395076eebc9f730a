import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import type { BuildCall, LogLine, Provisioner, ProvisionerCall, WorkspaceTransition } from '../provisioning/provisioner.js';
import { provisionerRegistryToken } from '../provisioning/provisioner.js';
import type { ProvisionedAgent, ProvisionedResource, TemplateParameter, TemplateVariable } from '../provisioning/resource-tree.js';

/** One scripted step of the echo provisioner. Every field is optional. */
export interface EchoOperation {
  /** Lines to log (a string is an `info` line). */
  readonly logs?: readonly (string | { readonly level?: LogLine['level']; readonly stage?: string; readonly output: string })[];
  /** Wait this long (abortable) before answering. */
  readonly delayMs?: number;
  /** Fail with this message. */
  readonly error?: string;
  /** With `error` on apply: the failure still carries the new state (a half-done apply). */
  readonly keepState?: boolean;
  /** Never answer until the job is canceled. */
  readonly hang?: boolean;
  /** Parse: the template's variables. */
  readonly variables?: readonly TemplateVariable[];
  /** Parse: the readme (default: `README.md` of the archive, if any). */
  readonly readme?: string;
  /** Plan: the parameters. */
  readonly parameters?: readonly TemplateParameter[];
  /** Plan and apply: resources; omitted fields get defaults. Apply defaults to the plan's (none for `delete`). */
  readonly resources?: readonly EchoResource[];
}

/** A resource as a script gives it: name and type at least. */
export type EchoResource = Partial<Omit<ProvisionedResource, 'agents'>> & {
  readonly name: string;
  readonly type: string;
  readonly agents?: readonly (Partial<ProvisionedAgent> & { readonly name: string })[];
};

/** Per-transition steps, or one step for every transition. */
export type EchoPerTransition = EchoOperation | { readonly start?: EchoOperation; readonly stop?: EchoOperation; readonly delete?: EchoOperation };

/** The contents of `echo.json` in a template archive. */
export interface EchoScript {
  readonly parse?: EchoOperation;
  readonly plan?: EchoPerTransition;
  readonly apply?: EchoPerTransition;
}

/** The state the echo provisioner keeps: every transition applied so far, oldest first. */
export interface EchoState {
  readonly transitions: WorkspaceTransition[];
}

/**
 * A provisioner for tests, scripted by an `echo.json` in the template archive: per
 * operation (`parse`, `plan` and `apply`, each optionally per transition) it logs lines,
 * waits, returns resources, parameters or variables, fails, or hangs until canceled. Its
 * state records the transitions applied (see {@link EchoState}), so tests can check that
 * state flows from build to build. Register it hidden: it is not for users.
 *
 * @example
 * ```ts
 * const archive = await makeTemplateArchive({ 'echo.json': { apply: { start: { logs: ['hello'], resources: [{ name: 'dev', type: 'echo_vm' }] } } } });
 * ```
 */
export function echoProvisioner(): Provisioner {
  return {
    async parse(call) {
      const step = (await script(call)).parse ?? {};
      await perform(step, call, 'Parse');
      const readme = step.readme ?? (await readFile(join(call.directory, 'README.md'), 'utf8').catch(() => undefined));
      return { variables: step.variables ?? [], ...(readme !== undefined ? { readme } : {}) };
    },
    async plan(call) {
      const step = pick((await script(call)).plan, call.context.transition);
      await perform(step, call, 'Plan');
      return { resources: (step.resources ?? []).map(resource), parameters: step.parameters ?? [] };
    },
    async apply(call) {
      const echo = await script(call);
      const step = pick(echo.apply, call.context.transition);
      const state = encodeState({ transitions: [...priorTransitions(call), call.context.transition] });
      await perform(step, call, 'Apply', step.keepState ? state : undefined);
      const planned = call.context.transition === 'delete' ? [] : (pick(echo.plan, call.context.transition).resources ?? []);
      return { resources: (step.resources ?? planned).map(resource), state };
    },
  };
}

/** A plugin that registers {@link echoProvisioner} as `echo`, hidden. Tests add it to their server. */
export const echoProvisionerPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'echo-provisioner',
    dependencies: ['provisioning'],
    register(ctx) {
      ctx.resolve(provisionerRegistryToken).register('echo', echoProvisioner(), { hidden: true });
    },
  });

/** Reads the state an echo build left. */
export function decodeEchoState(state: Uint8Array | undefined): EchoState {
  if (!state?.length) return { transitions: [] };
  try {
    const parsed = JSON.parse(Buffer.from(state).toString('utf8')) as EchoState;
    return { transitions: Array.isArray(parsed.transitions) ? parsed.transitions : [] };
  } catch {
    return { transitions: [] };
  }
}

function encodeState(state: EchoState): Uint8Array {
  return new Uint8Array(Buffer.from(JSON.stringify(state)));
}

function priorTransitions(call: BuildCall): WorkspaceTransition[] {
  return decodeEchoState(call.context.priorState).transitions;
}

async function script(call: ProvisionerCall): Promise<EchoScript> {
  let text: string;
  try {
    text = await readFile(join(call.directory, 'echo.json'), 'utf8');
  } catch {
    return {};
  }
  try {
    return JSON.parse(text) as EchoScript;
  } catch (error) {
    throw new Error(`echo.json is not valid JSON: ${(error as Error).message}`);
  }
}

function pick(steps: EchoPerTransition | undefined, transition: WorkspaceTransition): EchoOperation {
  if (!steps) return {};
  const perTransition = steps as { start?: EchoOperation; stop?: EchoOperation; delete?: EchoOperation };
  if ('start' in steps || 'stop' in steps || 'delete' in steps) return perTransition[transition] ?? {};
  return steps as EchoOperation;
}

async function perform(step: EchoOperation, call: ProvisionerCall, stage: string, stateOnError?: Uint8Array): Promise<void> {
  for (const line of step.logs ?? []) {
    call.log(typeof line === 'string' ? { level: 'info', stage, output: line } : { level: line.level ?? 'info', stage: line.stage ?? stage, output: line.output });
  }
  if (step.delayMs) await sleep(step.delayMs, call.signal);
  if (step.hang) await sleep(Number.MAX_SAFE_INTEGER, call.signal);
  call.signal.throwIfAborted();
  if (step.error) throw Object.assign(new Error(step.error), stateOnError ? { state: stateOnError } : {});
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason ?? new Error('aborted'));
    const timer = setTimeout(done, Math.min(ms, 2 ** 31 - 1));
    function done() {
      signal.removeEventListener('abort', aborted);
      resolve();
    }
    function aborted() {
      clearTimeout(timer);
      reject(signal.reason ?? new Error('aborted'));
    }
    signal.addEventListener('abort', aborted, { once: true });
  });
}

function resource(given: EchoResource): ProvisionedResource {
  return {
    metadata: [],
    ...given,
    agents: (given.agents ?? []).map((agent) => ({
      os: 'linux',
      arch: 'amd64',
      env: {},
      scripts: [],
      metadata: [],
      connectionTimeoutSeconds: 120,
      displayApps: { vscode: true, vscodeInsiders: false, webTerminal: true, sshHelper: true, portForwardingHelper: true },
      apps: [],
      ...agent,
    })),
  };
}
