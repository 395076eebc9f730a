import type { AgentScript, ProvisionedAgent, ProvisionedApp, ProvisionedResource } from '@hangar/core';
import { addressLabel, nearestInGraph, type DependencyGraph } from './dependency-graph.js';
import { agentFromValues, appFromValues, isKind, isProviderType, metadataItemsFromValues, num, scriptFromValues, str } from './provider-values.js';
import type { LocatedResource } from './terraform-json.js';

/** What {@link mapResourceTree} works from. */
export interface ResourceTreeInput {
  /** Resources of a plan (planned values) or a state; data sources are ignored. */
  readonly resources: readonly LocatedResource[];
  /** The template's dependency graph (`terraform graph -type=plan`). */
  readonly graph: DependencyGraph;
}

interface AgentEntry {
  readonly label: string;
  readonly agent: ProvisionedAgent;
  readonly apps: ProvisionedApp[];
  readonly scripts: AgentScript[];
  readonly env: Record<string, string>;
}

type Values = Readonly<Record<string, unknown>>;

/**
 * Turns terraform's resources into the neutral tree the way Coder's `ConvertState` does:
 *
 * - every managed resource that is not one of the provider's types is a resource (with its
 *   module path); data sources are not;
 * - each agent belongs to the nearest such resource that depends on it (fewest graph edges,
 *   then alphabetical label) — the machine that consumes its token or init script; an agent
 *   nothing consumes, e.g. because the machine has `count = 0` after a stop, is left out;
 * - apps, scripts and env resources attach to the agent whose `id` is their `agent_id`, or,
 *   in a plan where that id is not known yet, to the agent they refer to in the graph;
 * - a metadata resource attaches to the resource whose `id` is its `resource_id`, or else to the
 *   nearest resource it depends on, and gives it items, `hide`, `icon` and `daily_cost`.
 */
export function mapResourceTree({ resources, graph }: ResourceTreeInput): ProvisionedResource[] {
  const managed = resources.filter((r) => r.mode === 'managed');
  const byLabel = groupBy(managed, (r) => addressLabel(r.address));
  const isMachine = (label: string): boolean => (byLabel.get(label) ?? []).some((r) => !isProviderType(r.type));

  const agents: AgentEntry[] = managed
    .filter((r) => isKind(r.type, 'agent'))
    .map((r) => ({ label: addressLabel(r.address), agent: agentFromValues(r.name, values(r)), apps: [], scripts: [], env: {} }));
  const agentsOfMachine = new Map<string, AgentEntry[]>();
  for (const entry of agents) {
    const machine = nearestInGraph(graph, entry.label, 'dependents', isMachine);
    if (machine) push(agentsOfMachine, machine.label, entry);
  }

  const agentOf = (r: LocatedResource): AgentEntry | undefined => {
    const id = str(values(r).agent_id);
    const byId = id === undefined ? undefined : agents.find((a) => a.agent.id === id);
    if (byId) return byId;
    const refers = new Set(graph.dependenciesOf(addressLabel(r.address)));
    return agents.find((a) => refers.has(a.label));
  };
  for (const r of managed) {
    if (isKind(r.type, 'app')) agentOf(r)?.apps.push(appFromValues(values(r)));
    else if (isKind(r.type, 'script')) agentOf(r)?.scripts.push(scriptFromValues(values(r)));
    else if (isKind(r.type, 'env')) {
      const name = str(values(r).name);
      const entry = agentOf(r);
      if (entry && name !== undefined) entry.env[name] = str(values(r).value) ?? '';
    }
  }

  // Metadata by the exact instance its resource_id names, else by the graph label it reaches.
  const metadataOfAddress = new Map<string, Values>();
  const metadataOfLabel = new Map<string, Values>();
  for (const r of managed.filter((m) => isKind(m.type, 'metadata'))) {
    const targetId = str(values(r).resource_id);
    const target = targetId === undefined ? undefined : managed.find((m) => !isProviderType(m.type) && values(m).id === targetId);
    if (target) {
      metadataOfAddress.set(target.address, values(r));
      continue;
    }
    const reached = nearestInGraph(graph, addressLabel(r.address), 'dependencies', isMachine);
    if (reached) metadataOfLabel.set(reached.label, values(r));
  }

  return managed
    .filter((r) => !isProviderType(r.type))
    .map((r) => {
      const label = addressLabel(r.address);
      const meta = metadataOfAddress.get(r.address) ?? metadataOfLabel.get(label);
      const dailyCost = meta ? num(meta.daily_cost) : undefined;
      const icon = meta ? str(meta.icon) : undefined;
      return {
        name: r.name,
        type: r.type,
        ...(r.modulePath ? { modulePath: r.modulePath } : {}),
        ...(meta?.hide === true ? { hide: true } : {}),
        ...(icon ? { icon } : {}),
        ...(dailyCost !== undefined ? { dailyCost } : {}),
        metadata: meta ? metadataItemsFromValues(meta) : [],
        agents: (agentsOfMachine.get(label) ?? []).map(finishAgent).sort((a, b) => a.name.localeCompare(b.name)),
      };
    });
}

function finishAgent(entry: AgentEntry): ProvisionedAgent {
  return {
    ...entry.agent,
    env: { ...entry.agent.env, ...entry.env },
    scripts: [...entry.agent.scripts, ...entry.scripts],
    apps: [...entry.apps].sort((a, b) => (a.order ?? 0) - (b.order ?? 0) || a.slug.localeCompare(b.slug)),
  };
}

function values(r: LocatedResource): Values {
  return r.values ?? {};
}

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const item of items) push(map, key(item), item);
  return map;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
