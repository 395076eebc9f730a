import { createToken } from '../kernel/token.js';
import type { ProvisionedResource, TemplateParameter, TemplateVariable } from './resource-tree.js';

/** What a build does to a workspace. */
export type WorkspaceTransition = 'start' | 'stop' | 'delete';

/** One line of a job's log. */
export interface LogLine {
  readonly level: 'trace' | 'debug' | 'info' | 'warn' | 'error';
  /** The step it belongs to, e.g. `Planning infrastructure`. */
  readonly stage: string;
  readonly output: string;
}

/** Where a provisioner writes its log; lines are stored and streamed to watchers. */
export type LogSink = (line: LogLine) => void;

/** What every provisioner call receives. */
export interface ProvisionerCall {
  /** The template's files, extracted into a working directory of this job's own. */
  readonly directory: string;
  /** Aborted when the job is canceled; stop promptly and keep whatever state was written. */
  readonly signal: AbortSignal;
  readonly log: LogSink;
}

/** The workspace, owner and inputs a build runs with. */
export interface BuildContext {
  readonly transition: WorkspaceTransition;
  readonly workspace: {
    readonly id: string;
    readonly name: string;
    readonly buildNumber: number;
    readonly templateId: string;
    readonly templateName: string;
    readonly templateVersionId: string;
    readonly templateVersionName: string;
    readonly organizationId: string;
  };
  readonly owner: {
    readonly id: string;
    readonly username: string;
    readonly name: string;
    readonly email: string;
    readonly groups: readonly string[];
    readonly sshPublicKey?: string;
  };
  /** The server's access URL (agents dial it). */
  readonly accessUrl: string;
  /** Parameter values by name (lists as JSON arrays, as Coder does). */
  readonly parameters: Readonly<Record<string, string>>;
  /** The previous build's parameter values, for rules such as `monotonic`; absent on a first build. */
  readonly previousParameters?: Readonly<Record<string, string>>;
  /** Template variable values by name (set by template admins). */
  readonly variables: Readonly<Record<string, string>>;
  /** The state the previous build of this workspace left, if any. */
  readonly priorState?: Uint8Array;
}

/** Input of {@link Provisioner.plan} and {@link Provisioner.apply}. */
export interface BuildCall extends ProvisionerCall {
  readonly context: BuildContext;
}

/** What {@link Provisioner.parse} finds in a template. */
export interface ParseResult {
  readonly variables: readonly TemplateVariable[];
  /** The template's README, when it has one. */
  readonly readme?: string;
}

/** What a plan would produce. */
export interface PlanResult {
  readonly resources: readonly ProvisionedResource[];
  readonly parameters: readonly TemplateParameter[];
  /** Opaque plan data handed back to `apply` by the same provisioner. */
  readonly plan?: Uint8Array;
}

/** What an apply produced. */
export interface ApplyResult {
  readonly resources: readonly ProvisionedResource[];
  /** The new state, stored with the build and given to the next one. */
  readonly state: Uint8Array;
}

/**
 * A provisioner turns a template plus a build context into infrastructure. Terraform is one
 * (`@hangar/provisioner-terraform`); a plugin can offer others. Each call may be canceled
 * through its signal; a failure is thrown (a `HangarError` with a clear message is best)
 * and becomes a failed job with the message in the build log.
 */
export interface Provisioner {
  /** Reads a template's variables (and readme) without building anything. */
  parse(call: ProvisionerCall): Promise<ParseResult>;
  /** Works out what a build would do: resources, agents, apps, parameters. */
  plan(call: BuildCall): Promise<PlanResult>;
  /** Carries a plan out (planning again when `plan` is absent) and returns the new state. */
  apply(call: BuildCall & { readonly plan?: Uint8Array }): Promise<ApplyResult>;
}

/** Options of a registered provisioner. */
export interface ProvisionerOptions {
  /** Hidden provisioners (test ones) are not offered to users for new template versions. */
  readonly hidden?: boolean;
}

/** Provisioners by name. A provisioner plugin depends on `provisioning` and registers here. */
export interface ProvisionerRegistry {
  register(name: string, provisioner: Provisioner, options?: ProvisionerOptions): void;
  get(name: string): Provisioner | undefined;
  /** Names of the provisioners offered to users. */
  offered(): string[];
  /** Names of every registered provisioner, hidden ones too: what a daemon can run. */
  names(): string[];
}

/** Token of the server's {@link ProvisionerRegistry}. */
export const provisionerRegistryToken = createToken<ProvisionerRegistry>('core.provisioners');
