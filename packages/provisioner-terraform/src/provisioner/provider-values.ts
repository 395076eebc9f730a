import type { AgentMetadataProbe, AgentScript, AppShareLevel, DisplayApps, ProvisionedAgent, ProvisionedApp, ResourceMetadataItem } from '@hangar/core';

/**
 * Conversions from the attribute values of the provider's types (`hangar_*` or `coder_*`, the
 * same schema) to the neutral tree's parts. Values come from `terraform show -json`; in a plan,
 * attributes known only after apply are missing, and every reader here tolerates that.
 */

type Values = Readonly<Record<string, unknown>>;

/** The two prefixes the provider serves: Hangar's own and Coder's. */
export const PROVIDER_PREFIXES = ['hangar_', 'coder_'] as const;

/** Whether a resource type is one of the provider's (`hangar_agent`, `coder_app`, …). */
export function isProviderType(type: string): boolean {
  return PROVIDER_PREFIXES.some((prefix) => type.startsWith(prefix));
}

/** Whether a type is the provider's `kind` in either flavour (`agent` → hangar_agent, coder_agent). */
export function isKind(type: string, kind: string): boolean {
  return PROVIDER_PREFIXES.some((prefix) => type === `${prefix}${kind}`);
}

/** Display apps when a template does not say (Coder's defaults). */
export const DEFAULT_DISPLAY_APPS: DisplayApps = Object.freeze({
  vscode: true,
  vscodeInsiders: false,
  webTerminal: true,
  sshHelper: true,
  portForwardingHelper: true,
});

/** The agent an agent resource describes, before apps, scripts and env resources are attached. */
export function agentFromValues(name: string, v: Values): ProvisionedAgent {
  const display = objects(v.display_apps)[0];
  const scripts: AgentScript[] = [];
  // Coder's legacy attributes become scripts, as Coder converts them.
  const startup = str(v.startup_script);
  if (startup) {
    scripts.push({
      displayName: 'Startup Script',
      script: startup,
      runOnStart: true,
      runOnStop: false,
      startBlocksLogin: v.startup_script_behavior === 'blocking',
      timeoutSeconds: 0,
    });
  }
  const shutdown = str(v.shutdown_script);
  if (shutdown) {
    scripts.push({ displayName: 'Shutdown Script', script: shutdown, runOnStart: false, runOnStop: true, startBlocksLogin: false, timeoutSeconds: 0 });
  }
  return {
    ...optional('id', str(v.id)),
    name,
    os: str(v.os) ?? '',
    arch: str(v.arch) ?? '',
    ...optional('authToken', str(v.token)),
    ...optional('directory', str(v.dir)),
    env: stringMap(v.env),
    scripts,
    metadata: objects(v.metadata).map(probeFromValues),
    connectionTimeoutSeconds: num(v.connection_timeout) ?? 120,
    ...optional('troubleshootingUrl', str(v.troubleshooting_url)),
    displayApps: display
      ? {
          vscode: bool(display.vscode, DEFAULT_DISPLAY_APPS.vscode),
          vscodeInsiders: bool(display.vscode_insiders, DEFAULT_DISPLAY_APPS.vscodeInsiders),
          webTerminal: bool(display.web_terminal, DEFAULT_DISPLAY_APPS.webTerminal),
          sshHelper: bool(display.ssh_helper, DEFAULT_DISPLAY_APPS.sshHelper),
          portForwardingHelper: bool(display.port_forwarding_helper, DEFAULT_DISPLAY_APPS.portForwardingHelper),
        }
      : DEFAULT_DISPLAY_APPS,
    apps: [],
  };
}

/** An app resource as the tree shows it. */
export function appFromValues(v: Values): ProvisionedApp {
  const slug = str(v.slug) ?? '';
  const health = objects(v.healthcheck)[0];
  const share = str(v.share);
  return {
    slug,
    displayName: str(v.display_name) ?? slug,
    ...optional('url', str(v.url)),
    ...optional('command', str(v.command)),
    ...optional('icon', str(v.icon)),
    subdomain: v.subdomain === true,
    shareLevel: (share === 'authenticated' || share === 'public' ? share : 'owner') as AppShareLevel,
    external: v.external === true,
    ...(v.hidden === true ? { hidden: true } : {}),
    ...optional('order', num(v.order)),
    ...(health && str(health.url)
      ? { healthcheck: { url: str(health.url)!, intervalSeconds: num(health.interval) ?? 0, threshold: num(health.threshold) ?? 0 } }
      : {}),
  };
}

/** A script resource as the tree shows it. */
export function scriptFromValues(v: Values): AgentScript {
  return {
    displayName: str(v.display_name) ?? '',
    script: str(v.script) ?? '',
    ...optional('icon', str(v.icon)),
    runOnStart: v.run_on_start === true,
    runOnStop: v.run_on_stop === true,
    ...optional('cron', str(v.cron) || undefined),
    startBlocksLogin: v.start_blocks_login === true,
    timeoutSeconds: num(v.timeout) ?? 0,
  };
}

/** The items of a metadata resource, as the tree shows them. */
export function metadataItemsFromValues(v: Values): ResourceMetadataItem[] {
  return objects(v.item).map((item) => ({
    key: str(item.key) ?? '',
    value: item.is_null === true ? null : (str(item.value) ?? null),
    sensitive: item.sensitive === true,
  }));
}

function probeFromValues(v: Values): AgentMetadataProbe {
  const key = str(v.key) ?? '';
  return {
    key,
    displayName: str(v.display_name) ?? key,
    script: str(v.script) ?? '',
    intervalSeconds: num(v.interval) ?? 0,
    timeoutSeconds: num(v.timeout) ?? 5,
  };
}

/** A string attribute, or undefined when null, unknown or of another type. */
export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

/** A number attribute, or undefined. */
export function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/** The objects of a nested block list (`display_apps`, `item`, `option`). */
export function objects(value: unknown): Values[] {
  return Array.isArray(value) ? value.filter((item): item is Values => typeof item === 'object' && item !== null) : [];
}

function bool(value: unknown, fallback: boolean): boolean {
  return typeof value === 'boolean' ? value : fallback;
}

function stringMap(value: unknown): Record<string, string> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return {};
  return Object.fromEntries(Object.entries(value).filter((entry): entry is [string, string] => typeof entry[1] === 'string'));
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
