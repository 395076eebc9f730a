import { HangarError } from '@hangar/core';

/** How terraform may install providers that are not served in-process. */
export interface ProviderInstallation {
  /** Shared cache of downloaded or mirrored providers (`plugin_cache_dir`), if any. */
  readonly pluginCacheDir?: string;
  /** Local filesystem mirrors to install providers from (read-only for terraform). */
  readonly providerMirrors: readonly string[];
  /** Also install from the providers' origin registries over the network (off by default). */
  readonly allowProviderDownloads: boolean;
}

/**
 * The CLI configuration file every terraform command of a job reads (`TF_CLI_CONFIG_FILE`).
 * It lists the only places providers come from — the given mirrors, and the network only when
 * allowed — so an offline server fails fast with "no available releases" instead of waiting
 * on a download. `hangar/hangar` and `coder/coder` need no entry: they are reattached.
 */
export function renderCliConfig(install: ProviderInstallation): string {
  const lines = ['disable_checkpoint = true'];
  if (install.pluginCacheDir) lines.push(`plugin_cache_dir = ${hclString(install.pluginCacheDir)}`);
  lines.push('provider_installation {');
  for (const mirror of install.providerMirrors) lines.push('  filesystem_mirror {', `    path = ${hclString(mirror)}`, '  }');
  if (install.allowProviderDownloads) lines.push('  direct {}');
  lines.push('}');
  return `${lines.join('\n')}\n`;
}

/** What {@link terraformEnvironment} builds from. */
export interface TerraformEnvironmentInput {
  /** The server's own environment; only what is safe and useful is passed on. */
  readonly base: NodeJS.ProcessEnv;
  readonly cliConfigFile: string;
  /** `TF_REATTACH_PROVIDERS` and the like, from the in-process provider. */
  readonly provider?: Readonly<Record<string, string>>;
  /** Template variable values by name; they become `TF_VAR_<name>`. */
  readonly variables?: Readonly<Record<string, string>>;
}

const WITHHELD = /^(TF_|HANGAR_|CODER_|PLUGIN_|CHECKPOINT_)/;

/**
 * The complete environment of one terraform command. The server's variables pass through
 * except terraform's own settings and Hangar's or Coder's (which may hold secrets such as a
 * database URL, and must not steer a build); then automation mode, no input, no checkpoint
 * calls, the job's CLI config, the reattached provider, and the template variables as
 * `TF_VAR_*` (terraform parses them by the variable's declared type; values are never logged).
 */
export function terraformEnvironment(input: TerraformEnvironmentInput): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(input.base)) if (value !== undefined && !WITHHELD.test(key)) env[key] = value;
  Object.assign(env, {
    TF_IN_AUTOMATION: '1',
    TF_INPUT: '0',
    CHECKPOINT_DISABLE: '1',
    TF_CLI_CONFIG_FILE: input.cliConfigFile,
    ...input.provider,
  });
  for (const [name, value] of Object.entries(input.variables ?? {})) env[`TF_VAR_${name}`] = value;
  return env;
}

/**
 * A double-quoted string of the CLI config. Terraform expands environment variables in these
 * paths with no escape for `$`, so a path holding one is refused rather than misread.
 */
function hclString(path: string): string {
  if (path.includes('$')) throw new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `terraform cannot use the path "${path}": it contains "$"` });
  return JSON.stringify(path);
}
