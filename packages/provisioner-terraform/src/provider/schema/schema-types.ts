import type { Flavour } from '../flavour.js';
import type { Diagnostic } from '../diagnostics.js';
import type { ObjectValue, Value } from '../wire/cty-msgpack.js';
import type { ProviderBuildContext } from '../build-context.js';

/** A cty type, written as terraform's JSON type notation. */
export type CtyType =
  | 'string'
  | 'number'
  | 'bool'
  | readonly ['map' | 'list' | 'set', CtyType]
  | readonly ['object', Readonly<Record<string, CtyType>>];

/** One attribute of a schema block. */
export interface AttributeSpec {
  readonly type: CtyType;
  readonly description: string;
  readonly required?: boolean;
  readonly optional?: boolean;
  readonly computed?: boolean;
  readonly sensitive?: boolean;
  /** Filled in when the configuration leaves it null; makes the attribute optional + computed. */
  readonly default?: Value;
  /** Changing it replaces the resource. */
  readonly forceNew?: boolean;
  /** Allowed string values, checked at validation with an attribute-scoped diagnostic. */
  readonly oneOf?: readonly string[];
  /** Served only under this flavour (Coder-only legacy attributes, for instance). */
  readonly only?: Flavour;
  readonly deprecated?: string;
}

/** A block: attributes plus nested blocks. */
export interface BlockSpec {
  readonly description?: string;
  readonly attributes: Readonly<Record<string, AttributeSpec>>;
  readonly blocks?: Readonly<Record<string, NestedBlockSpec>>;
}

/** A nested block such as `metadata { ... }`; its value is a list of objects. */
export interface NestedBlockSpec extends BlockSpec {
  readonly nesting: 'list';
  readonly maxItems?: number;
  readonly only?: Flavour;
}

/** What a hook can see: the flavour served and the build the connection belongs to. */
export interface HookEnv {
  readonly flavour: Flavour;
  readonly build: ProviderBuildContext;
}

/**
 * A managed resource type, named without prefix (`agent` becomes `hangar_agent` or
 * `coder_agent`). The generic planner handles defaults, unknowns and replacement; hooks add the
 * type's own rules.
 */
export interface ResourceDef {
  readonly name: string;
  readonly schema: BlockSpec;
  /** Extra configuration checks (beyond required/oneOf), run before plan. */
  validate?(config: ObjectValue, env: HookEnv): Diagnostic[];
  /** Adjusts the planned state in place (e.g. computes `init_script`). */
  plan?(planned: ObjectValue, prior: ObjectValue | null, env: HookEnv): void;
  /** Fills what only apply can know (e.g. a fresh token) into the new state in place. */
  apply?(state: ObjectValue, env: HookEnv): void;
}

/** A data source type; `read` fills the computed attributes into `state` in place. */
export interface DataSourceDef {
  readonly name: string;
  readonly schema: BlockSpec;
  validate?(config: ObjectValue, env: HookEnv): Diagnostic[];
  read(state: ObjectValue, env: HookEnv): Diagnostic[];
}
