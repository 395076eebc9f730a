/**
 * The neutral resource tree every provisioner returns: resources → agents → apps. It is what
 * Hangar stores per build and shows users; nothing in it is Terraform-specific.
 */

/** A key/value shown on a resource. */
export interface ResourceMetadataItem {
  readonly key: string;
  readonly value: string | null;
  readonly sensitive: boolean;
}

/** A piece of infrastructure a build created (a VM, a container, a volume). */
export interface ProvisionedResource {
  readonly name: string;
  readonly type: string;
  /** Module path (`module.dev.module.home`), empty at the root. */
  readonly modulePath?: string;
  /** Kept across a stop: found by planning for `stop` at import. Set by Hangar, not by provisioners. */
  readonly persistent?: boolean;
  readonly hide?: boolean;
  readonly icon?: string;
  readonly dailyCost?: number;
  readonly metadata: readonly ResourceMetadataItem[];
  readonly agents: readonly ProvisionedAgent[];
}

/** A script the agent runs. */
export interface AgentScript {
  readonly displayName: string;
  readonly script: string;
  readonly icon?: string;
  readonly runOnStart: boolean;
  readonly runOnStop: boolean;
  readonly cron?: string;
  readonly startBlocksLogin: boolean;
  readonly timeoutSeconds: number;
}

/** A metadata probe the agent runs periodically and reports. */
export interface AgentMetadataProbe {
  readonly key: string;
  readonly displayName: string;
  readonly script: string;
  readonly intervalSeconds: number;
  readonly timeoutSeconds: number;
}

/** Built-in apps the dashboard shows for an agent. */
export interface DisplayApps {
  readonly vscode: boolean;
  readonly vscodeInsiders: boolean;
  readonly webTerminal: boolean;
  readonly sshHelper: boolean;
  readonly portForwardingHelper: boolean;
}

/** The agent that will run inside a resource. */
export interface ProvisionedAgent {
  /** The provisioner's id for it (known after apply). */
  readonly id?: string;
  readonly name: string;
  readonly os: string;
  readonly arch: string;
  /** The secret it authenticates with (after apply); stored only hashed. */
  readonly authToken?: string;
  readonly directory?: string;
  readonly env: Readonly<Record<string, string>>;
  readonly scripts: readonly AgentScript[];
  readonly metadata: readonly AgentMetadataProbe[];
  readonly connectionTimeoutSeconds: number;
  readonly troubleshootingUrl?: string;
  readonly displayApps: DisplayApps;
  readonly apps: readonly ProvisionedApp[];
}

/** Who may open an app. */
export type AppShareLevel = 'owner' | 'authenticated' | 'public';

/** An app served by an agent (a web IDE, a dev server) or an external link. */
export interface ProvisionedApp {
  readonly slug: string;
  readonly displayName: string;
  readonly url?: string;
  readonly command?: string;
  readonly icon?: string;
  readonly subdomain: boolean;
  readonly shareLevel: AppShareLevel;
  readonly external: boolean;
  readonly hidden?: boolean;
  readonly order?: number;
  readonly healthcheck?: { readonly url: string; readonly intervalSeconds: number; readonly threshold: number };
}

/** A template variable: set by template admins per version (Terraform `variable`). */
export interface TemplateVariable {
  readonly name: string;
  readonly description?: string;
  readonly type: string;
  /** Default value as a string (JSON for complex types); absent when there is none. */
  readonly defaultValue?: string;
  readonly required: boolean;
  readonly sensitive: boolean;
}

/** A choice of a parameter. */
export interface ParameterOption {
  readonly name: string;
  readonly description?: string;
  readonly value: string;
  readonly icon?: string;
}

/** Rules a parameter value must follow. */
export interface ParameterValidation {
  readonly min?: number;
  readonly max?: number;
  readonly regex?: string;
  /** Message shown when the value breaks a rule. */
  readonly error?: string;
  /** Numbers may only go up (or down) from build to build. */
  readonly monotonic?: 'increasing' | 'decreasing';
}

/** A workspace parameter: chosen by the workspace owner (Coder's `coder_parameter`). */
export interface TemplateParameter {
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly type: 'string' | 'number' | 'bool' | 'list(string)';
  /** Can change after the workspace is created. */
  readonly mutable: boolean;
  /** Given per build and not kept for the next one. */
  readonly ephemeral: boolean;
  readonly defaultValue?: string;
  /** No default: a value must be given. */
  readonly required: boolean;
  readonly icon?: string;
  readonly order?: number;
  readonly options: readonly ParameterOption[];
  readonly validation?: ParameterValidation;
}
