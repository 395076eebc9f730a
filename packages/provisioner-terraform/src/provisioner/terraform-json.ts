/**
 * The parts of `terraform show -json` output (plan and state) the provisioner reads. Unknown
 * values (known only after apply) are simply absent from `values` in a plan.
 */

/** One resource instance or data source in a plan or state. */
export interface TerraformResource {
  readonly address: string;
  readonly mode: 'managed' | 'data';
  readonly type: string;
  readonly name: string;
  readonly index?: number | string;
  readonly provider_name?: string;
  readonly values?: Readonly<Record<string, unknown>>;
}

/** A module in a plan or state, with its resources and child modules. */
export interface TerraformModule {
  /** `module.dev`, `module.dev.module.home`; absent at the root. */
  readonly address?: string;
  readonly resources?: readonly TerraformResource[];
  readonly child_modules?: readonly TerraformModule[];
}

/** `terraform show -json <planfile>`. */
export interface TerraformPlanJson {
  readonly format_version?: string;
  readonly planned_values?: { readonly root_module?: TerraformModule };
  readonly prior_state?: { readonly values?: { readonly root_module?: TerraformModule } };
  readonly errored?: boolean;
}

/** `terraform show -json` of a state. */
export interface TerraformStateJson {
  readonly format_version?: string;
  readonly values?: { readonly root_module?: TerraformModule };
}

/** A resource together with the path of the module it is declared in. */
export interface LocatedResource extends TerraformResource {
  /** `module.dev`, or `''` at the root. */
  readonly modulePath: string;
}

/** Every resource of a module tree, depth first, each with its module path. */
export function flattenModules(root: TerraformModule | undefined): LocatedResource[] {
  const out: LocatedResource[] = [];
  const walk = (module: TerraformModule | undefined): void => {
    if (!module) return;
    for (const resource of module.resources ?? []) out.push({ ...resource, modulePath: module.address ?? '' });
    for (const child of module.child_modules ?? []) walk(child);
  };
  walk(root);
  return out;
}

/**
 * What a plan says will exist: the planned resources, plus the data sources terraform read
 * while planning (they live in the plan's prior state, as Coder's mapping also assumes).
 * A data source found in both keeps its planned values.
 */
export function plannedResources(plan: TerraformPlanJson): LocatedResource[] {
  const planned = flattenModules(plan.planned_values?.root_module);
  const seen = new Set(planned.map((r) => r.address));
  const read = flattenModules(plan.prior_state?.values?.root_module).filter((r) => r.mode === 'data' && !seen.has(r.address));
  return [...planned, ...read];
}

/** What a state holds. */
export function stateResources(state: TerraformStateJson): LocatedResource[] {
  return flattenModules(state.values?.root_module);
}

interface RawStateFile {
  readonly version?: number;
  readonly resources?: readonly {
    readonly module?: string;
    readonly mode?: 'managed' | 'data';
    readonly type?: string;
    readonly name?: string;
    readonly instances?: readonly { readonly index_key?: number | string; readonly deposed?: string; readonly attributes?: Record<string, unknown> }[];
  }[];
}

/**
 * Reads the resources straight from a state file (format version 4, terraform 0.12 and later),
 * which saves a `terraform show -json` run after every apply. Returns undefined for any other
 * format, so the caller can fall back to `show -json`. Deposed objects (left over from a failed
 * replacement) are skipped, as `show -json` leaves them out of `values`.
 */
export function stateFileResources(bytes: Uint8Array): LocatedResource[] | undefined {
  let state: RawStateFile;
  try {
    state = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8')) as RawStateFile;
  } catch {
    return undefined;
  }
  if (state.version !== 4 || !Array.isArray(state.resources)) return undefined;
  const out: LocatedResource[] = [];
  for (const r of state.resources) {
    if (!r.type || !r.name || (r.mode !== 'managed' && r.mode !== 'data')) return undefined;
    const modulePath = r.module ?? '';
    const base = `${modulePath ? `${modulePath}.` : ''}${r.mode === 'data' ? 'data.' : ''}${r.type}.${r.name}`;
    for (const instance of r.instances ?? []) {
      if (instance.deposed) continue;
      const key = instance.index_key;
      out.push({
        address: key === undefined ? base : `${base}[${JSON.stringify(key)}]`,
        mode: r.mode,
        type: r.type,
        name: r.name,
        ...(key !== undefined ? { index: key } : {}),
        values: instance.attributes ?? {},
        modulePath,
      });
    }
  }
  return out;
}
