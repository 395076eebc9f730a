/**
 * The dependency graph `terraform graph -type=plan` prints (DOT), reduced to what the
 * resource mapping needs: which configuration object depends on which. Nodes are named by
 * their label, the resource address without instance keys (`module.dev.hangar_agent.main`).
 */
export interface DependencyGraph {
  /** Labels of the objects `label` refers to directly (its dependencies). */
  dependenciesOf(label: string): readonly string[];
  /** Labels of the objects that refer to `label` directly (its dependents). */
  dependentsOf(label: string): readonly string[];
  /** Every label in the graph. */
  labels(): readonly string[];
}

/** A label found by {@link nearestInGraph}, with how many edges away it is. */
export interface GraphMatch {
  readonly label: string;
  readonly depth: number;
}

const QUOTED = /"((?:[^"\\]|\\.)*)"/g;

/**
 * Reads terraform's DOT output. Node ids such as `"[root] hangar_agent.main (expand)"` are
 * mapped to labels by their `label` attribute; nodes without one (variables, module closers,
 * providers' close nodes) keep a synthetic label that no resource matches, so searches pass
 * through them, as Coder's does.
 */
export function parseDependencyGraph(dot: string): DependencyGraph {
  const labelOfNode = new Map<string, string>();
  const edges: [string, string][] = [];
  for (const rawLine of dot.split('\n')) {
    const line = rawLine.trim();
    const quoted = [...line.matchAll(QUOTED)].map((m) => unescape(m[1]!));
    if (quoted.length >= 2 && /"\s*->\s*"/.test(line)) {
      edges.push([quoted[0]!, quoted[1]!]);
      continue;
    }
    const label = /\[\s*label\s*=\s*"((?:[^"\\]|\\.)*)"/.exec(line);
    if (label && quoted.length >= 1) labelOfNode.set(quoted[0]!, unescape(label[1]!));
  }
  const labelOf = (node: string): string => labelOfNode.get(node) ?? `#${node}`;
  const deps = new Map<string, Set<string>>();
  const dependents = new Map<string, Set<string>>();
  const add = (map: Map<string, Set<string>>, key: string, value: string): void => {
    let set = map.get(key);
    if (!set) map.set(key, (set = new Set()));
    set.add(value);
  };
  for (const [from, to] of edges) {
    add(deps, labelOf(from), labelOf(to));
    add(dependents, labelOf(to), labelOf(from));
  }
  const all = new Set([...labelOfNode.values(), ...deps.keys(), ...dependents.keys()]);
  return {
    dependenciesOf: (label) => [...(deps.get(label) ?? [])],
    dependentsOf: (label) => [...(dependents.get(label) ?? [])],
    labels: () => [...all],
  };
}

/**
 * Walks the graph from `start` (up through dependents, or down through dependencies) and
 * returns the closest label `accept` takes: fewest edges first, then the alphabetically first
 * label, which is Coder's rule for tying an agent to its machine.
 */
export function nearestInGraph(
  graph: DependencyGraph,
  start: string,
  direction: 'dependents' | 'dependencies',
  accept: (label: string) => boolean,
): GraphMatch | undefined {
  const next = direction === 'dependents' ? graph.dependentsOf : graph.dependenciesOf;
  const seen = new Set([start]);
  let frontier = [start];
  for (let depth = 1; frontier.length > 0; depth++) {
    const level: string[] = [];
    for (const label of frontier) {
      for (const neighbour of next(label)) {
        if (seen.has(neighbour)) continue;
        seen.add(neighbour);
        level.push(neighbour);
      }
    }
    const found = level.filter(accept).sort();
    if (found.length > 0) return { label: found[0]!, depth };
    frontier = level;
  }
  return undefined;
}

/** The graph label of a resource address: instance keys removed (`a.b[0]` → `a.b`). */
export function addressLabel(address: string): string {
  return address.replace(/\[(?:"(?:[^"\\]|\\.)*"|[^\]]*)\]/g, '');
}

function unescape(text: string): string {
  return text.replace(/\\(.)/g, '$1');
}
