import type { Http2Session } from 'node:http2';
import { buildContext, type ContextSource } from './build-context.js';
import { attributePath, error, hasErrors, toProtoDiagnostics, type Diagnostic } from './diagnostics.js';
import type { Flavour } from './flavour.js';
import { DATA_SOURCES, PROVIDER_CONFIG, RESOURCES, servedTypes } from './provider-schema.js';
import { conform, dataDefaults, planDefaults, replacePaths, settleUnknowns, validateBlock } from './schema/block-values.js';
import { schemaMessage } from './schema/schema-proto.js';
import type { BlockSpec, HookEnv } from './schema/schema-types.js';
import { decodeValue, encodeValue, isObject, type ObjectValue, type Value } from './wire/cty-msgpack.js';
import type { UnaryRoute } from './wire/grpc-server.js';
import type { Msg } from './wire/protobuf.js';

/** Per-connection provider configuration (terraform opens one connection per provider instance). */
interface ConnectionState {
  url?: string;
}

const dynamic = (value: Value): Msg => ({ msgpack: encodeValue(value) });
const valueOf = (field: unknown): Value => decodeValue((field as { msgpack?: Uint8Array } | undefined)?.msgpack);
const diagnostics = (list: readonly Diagnostic[]): Msg[] => toProtoDiagnostics(list);

/**
 * The tfplugin6 `Provider` service for some flavours and one build context, as unary routes
 * keyed by gRPC path. Nothing is shared between calls to this function, so concurrent jobs stay
 * apart.
 */
export function providerRoutes(flavours: readonly Flavour[], source: ContextSource): Map<string, UnaryRoute> {
  const resources = servedTypes(RESOURCES, flavours);
  const dataSources = servedTypes(DATA_SOURCES, flavours);
  // The provider block of the widest flavour served: coder's accepts legacy settings too.
  const configFlavour: Flavour = flavours.includes('coder') ? 'coder' : 'hangar';
  const connections = new WeakMap<Http2Session, ConnectionState>();
  const envFor = (conn: Http2Session, typeFlavour: Flavour): HookEnv => ({
    flavour: typeFlavour,
    build: buildContext(source, connections.get(conn)?.url),
  });
  const unknownType = (name: string): Diagnostic =>
    error('Unknown type', `this provider (${flavours.join(', ')}) has no type "${name}".`);

  const routes: Record<string, Omit<UnaryRoute, 'afterResponse'>> = {
    GetMetadata: {
      request: 'Empty',
      response: 'GetMetadata.Response',
      handle: () => ({
        server_capabilities: capabilities,
        resources: [...resources.keys()].map((type_name) => ({ type_name })),
        data_sources: [...dataSources.keys()].map((type_name) => ({ type_name })),
      }),
    },
    GetProviderSchema: {
      request: 'Empty',
      response: 'GetProviderSchema.Response',
      handle: () => providerSchema(flavours),
    },
    ValidateProviderConfig: {
      request: 'ValidateProviderConfig.Request',
      response: 'ValidateProviderConfig.Response',
      handle: (req) => ({ diagnostics: diagnostics(validateBlock(configOf(req.config, configFlavour), PROVIDER_CONFIG, configFlavour)) }),
    },
    ConfigureProvider: {
      request: 'ConfigureProvider.Request',
      response: 'Diagnostics.Response',
      handle: (req, conn) => {
        const { url } = configOf(req.config, configFlavour);
        if (typeof url === 'string' && !URL.canParse(url)) {
          return { diagnostics: diagnostics([error('Invalid url', `"${url}" is not an absolute URL.`, ['url'])]) };
        }
        connections.set(conn, { url: typeof url === 'string' ? url : undefined });
        return { diagnostics: [] };
      },
    },
    ValidateResourceConfig: {
      request: 'ValidateConfig.Request',
      response: 'Diagnostics.Response',
      handle: (req, conn) => {
        const served = resources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        const config = conform(valueOf(req.config), def.schema, flavour);
        const found = [...validateBlock(config, def.schema, flavour), ...(def.validate?.(config, envFor(conn, flavour)) ?? [])];
        return { diagnostics: diagnostics(found) };
      },
    },
    ValidateDataResourceConfig: {
      request: 'ValidateConfig.Request',
      response: 'Diagnostics.Response',
      handle: (req, conn) => {
        const served = dataSources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        const config = conform(valueOf(req.config), def.schema, flavour);
        const found = [...validateBlock(config, def.schema, flavour), ...(def.validate?.(config, envFor(conn, flavour)) ?? [])];
        return { diagnostics: diagnostics(found) };
      },
    },
    UpgradeResourceState: {
      request: 'UpgradeResourceState.Request',
      response: 'UpgradeResourceState.Response',
      handle: (req) => {
        const served = resources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        const json = (req.raw_state as { json?: Buffer } | undefined)?.json;
        const raw = json && json.length > 0 ? (JSON.parse(json.toString('utf8')) as Value) : null;
        return { upgraded_state: dynamic(conform(raw, def.schema, flavour)) };
      },
    },
    ReadResource: {
      request: 'ReadResource.Request',
      response: 'ReadResource.Response',
      handle: (req) => {
        const served = resources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        // Nothing lives outside the state, so refreshing returns it unchanged.
        const current = valueOf(req.current_state);
        return { new_state: dynamic(isObject(current) ? conform(current, def.schema, flavour) : null), private: req.private };
      },
    },
    PlanResourceChange: {
      request: 'PlanResourceChange.Request',
      response: 'PlanResourceChange.Response',
      handle: (req, conn) => {
        const served = resources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        const proposed = valueOf(req.proposed_new_state);
        if (!isObject(proposed)) return { planned_state: dynamic(null) };
        const prior = valueOf(req.prior_state);
        const priorObject = isObject(prior) ? conform(prior, def.schema, flavour) : null;
        const planned = planDefaults(proposed, priorObject, def.schema, flavour);
        def.plan?.(planned, priorObject, envFor(conn, flavour));
        return {
          planned_state: dynamic(planned),
          requires_replace: priorObject ? replacePaths(def.schema, flavour).map(attributePath) : [],
          planned_private: req.prior_private,
        };
      },
    },
    ApplyResourceChange: {
      request: 'ApplyResourceChange.Request',
      response: 'ApplyResourceChange.Response',
      handle: (req, conn) => {
        const served = resources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        const planned = valueOf(req.planned_state);
        if (!isObject(planned)) return { new_state: dynamic(null) }; // destroy
        const state = conform(planned, def.schema, flavour);
        def.apply?.(state, envFor(conn, flavour));
        return { new_state: dynamic(settleUnknowns(state, def.schema, flavour)), private: req.planned_private };
      },
    },
    ReadDataSource: {
      request: 'ReadDataSource.Request',
      response: 'ReadDataSource.Response',
      handle: (req, conn) => {
        const served = dataSources.get(String(req.type_name));
        if (!served) return { diagnostics: diagnostics([unknownType(String(req.type_name))]) };
        const { def, flavour } = served;
        const state = dataDefaults(conform(valueOf(req.config), def.schema, flavour), def.schema, flavour);
        const found = def.read(state, envFor(conn, flavour));
        if (hasErrors(found)) return { diagnostics: diagnostics(found) };
        return { state: dynamic(settleUnknowns(state, def.schema, flavour)), diagnostics: diagnostics(found) };
      },
    },
    ImportResourceState: {
      request: 'ImportResourceState.Request',
      response: 'ImportResourceState.Response',
      handle: (req) => ({
        diagnostics: diagnostics([
          error('Import is not supported', `${String(req.type_name)} exists only in terraform state; declare it in the template instead.`),
        ]),
      }),
    },
    StopProvider: { request: 'Empty', response: 'StopProvider.Response', handle: () => ({}) },
    GetFunctions: { request: 'Empty', response: 'GetFunctions.Response', handle: () => ({}) },
    GetResourceIdentitySchemas: { request: 'Empty', response: 'GetResourceIdentitySchemas.Response', handle: () => ({}) },
  };
  return new Map(Object.entries(routes).map(([method, route]) => [`/tfplugin6.Provider/${method}`, route]));
}

// Terraform may reuse the schema within a command instead of asking every provider instance.
const capabilities: Msg = { plan_destroy: false, get_provider_schema_optional: true };

const schemaCache = new Map<string, Msg>();

/** The whole schema response; built once per process and flavour set (it depends on nothing else). */
function providerSchema(flavours: readonly Flavour[]): Msg {
  const key = flavours.join(',');
  let cached = schemaCache.get(key);
  if (!cached) {
    const toMap = (served: Map<string, { def: { schema: BlockSpec }; flavour: Flavour }>) =>
      Object.fromEntries([...served].map(([name, { def, flavour }]) => [name, schemaMessage(def.schema, flavour)]));
    cached = {
      provider: schemaMessage(PROVIDER_CONFIG, flavours.includes('coder') ? 'coder' : 'hangar'),
      resource_schemas: toMap(servedTypes(RESOURCES, flavours)),
      data_source_schemas: toMap(servedTypes(DATA_SOURCES, flavours)),
      server_capabilities: capabilities,
    };
    schemaCache.set(key, cached);
  }
  return cached;
}

function configOf(field: unknown, flavour: Flavour): ObjectValue {
  return conform(valueOf(field), PROVIDER_CONFIG, flavour);
}
