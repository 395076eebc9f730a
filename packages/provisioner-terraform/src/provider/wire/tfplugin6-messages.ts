import type { MessageTable } from './protobuf.js';

/**
 * The subset of Terraform's plugin protocol 6 (tfplugin6.proto, 6.x) and go-plugin's own
 * services that the provider speaks, as descriptor tables for {@link encodeMessage}.
 *
 * Field numbers are copied from the published .proto files; fields the provider neither reads nor
 * writes are left out (the decoder skips them).
 */
export const messages: MessageTable = {
  Empty: {},
  DynamicValue: { msgpack: [1, 'bytes'], json: [2, 'bytes'] },
  Diagnostic: {
    severity: [1, 'enum'],
    summary: [2, 'string'],
    detail: [3, 'string'],
    attribute: [4, 'message', 'AttributePath'],
  },
  AttributePath: { steps: [1, 'repeated', 'AttributePath.Step'] },
  'AttributePath.Step': {
    attribute_name: [1, 'string'],
    element_key_string: [2, 'string'],
    element_key_int: [3, 'int64'],
  },
  RawState: { json: [1, 'bytes'], flatmap: [2, 'map', 'string'] },
  Schema: { version: [1, 'int64'], block: [2, 'message', 'Schema.Block'] },
  'Schema.Block': {
    version: [1, 'int64'],
    attributes: [2, 'repeated', 'Schema.Attribute'],
    block_types: [3, 'repeated', 'Schema.NestedBlock'],
    description: [4, 'string'],
    description_kind: [5, 'enum'],
    deprecated: [6, 'bool'],
  },
  'Schema.Attribute': {
    name: [1, 'string'],
    type: [2, 'bytes'],
    description: [3, 'string'],
    required: [4, 'bool'],
    optional: [5, 'bool'],
    computed: [6, 'bool'],
    sensitive: [7, 'bool'],
    description_kind: [8, 'enum'],
    deprecated: [9, 'bool'],
  },
  'Schema.NestedBlock': {
    type_name: [1, 'string'],
    block: [2, 'message', 'Schema.Block'],
    nesting: [3, 'enum'],
    min_items: [4, 'int64'],
    max_items: [5, 'int64'],
  },
  ServerCapabilities: {
    plan_destroy: [1, 'bool'],
    get_provider_schema_optional: [2, 'bool'],
    move_resource_state: [3, 'bool'],
  },
  'GetMetadata.Response': {
    server_capabilities: [1, 'message', 'ServerCapabilities'],
    diagnostics: [2, 'repeated', 'Diagnostic'],
    data_sources: [3, 'repeated', 'TypeName'],
    resources: [4, 'repeated', 'TypeName'],
  },
  TypeName: { type_name: [1, 'string'] },
  'GetProviderSchema.Response': {
    provider: [1, 'message', 'Schema'],
    resource_schemas: [2, 'map', 'message:Schema'],
    data_source_schemas: [3, 'map', 'message:Schema'],
    diagnostics: [4, 'repeated', 'Diagnostic'],
    provider_meta: [5, 'message', 'Schema'],
    server_capabilities: [6, 'message', 'ServerCapabilities'],
  },
  'GetFunctions.Response': { diagnostics: [2, 'repeated', 'Diagnostic'] },
  'GetResourceIdentitySchemas.Response': { diagnostics: [2, 'repeated', 'Diagnostic'] },
  'ValidateProviderConfig.Request': { config: [1, 'message', 'DynamicValue'] },
  'ValidateProviderConfig.Response': { diagnostics: [2, 'repeated', 'Diagnostic'] },
  'UpgradeResourceState.Request': {
    type_name: [1, 'string'],
    version: [2, 'int64'],
    raw_state: [3, 'message', 'RawState'],
  },
  'UpgradeResourceState.Response': {
    upgraded_state: [1, 'message', 'DynamicValue'],
    diagnostics: [2, 'repeated', 'Diagnostic'],
  },
  'ValidateConfig.Request': { type_name: [1, 'string'], config: [2, 'message', 'DynamicValue'] },
  'Diagnostics.Response': { diagnostics: [1, 'repeated', 'Diagnostic'] },
  'ConfigureProvider.Request': {
    terraform_version: [1, 'string'],
    config: [2, 'message', 'DynamicValue'],
  },
  'ReadResource.Request': {
    type_name: [1, 'string'],
    current_state: [2, 'message', 'DynamicValue'],
    private: [3, 'bytes'],
  },
  'ReadResource.Response': {
    new_state: [1, 'message', 'DynamicValue'],
    diagnostics: [2, 'repeated', 'Diagnostic'],
    private: [3, 'bytes'],
  },
  'PlanResourceChange.Request': {
    type_name: [1, 'string'],
    prior_state: [2, 'message', 'DynamicValue'],
    proposed_new_state: [3, 'message', 'DynamicValue'],
    config: [4, 'message', 'DynamicValue'],
    prior_private: [5, 'bytes'],
  },
  'PlanResourceChange.Response': {
    planned_state: [1, 'message', 'DynamicValue'],
    requires_replace: [2, 'repeated', 'AttributePath'],
    planned_private: [3, 'bytes'],
    diagnostics: [4, 'repeated', 'Diagnostic'],
  },
  'ApplyResourceChange.Request': {
    type_name: [1, 'string'],
    prior_state: [2, 'message', 'DynamicValue'],
    planned_state: [3, 'message', 'DynamicValue'],
    config: [4, 'message', 'DynamicValue'],
    planned_private: [5, 'bytes'],
  },
  'ApplyResourceChange.Response': {
    new_state: [1, 'message', 'DynamicValue'],
    private: [2, 'bytes'],
    diagnostics: [3, 'repeated', 'Diagnostic'],
  },
  'ImportResourceState.Request': { type_name: [1, 'string'], id: [2, 'string'] },
  'ImportResourceState.Response': { diagnostics: [2, 'repeated', 'Diagnostic'] },
  'ReadDataSource.Request': { type_name: [1, 'string'], config: [2, 'message', 'DynamicValue'] },
  'ReadDataSource.Response': {
    state: [1, 'message', 'DynamicValue'],
    diagnostics: [2, 'repeated', 'Diagnostic'],
  },
  'StopProvider.Response': { Error: [1, 'string'] },
};

/** Diagnostic severities of tfplugin6. */
export const Severity = { ERROR: 1, WARNING: 2 } as const;

/** Nesting modes of `Schema.NestedBlock`. */
export const Nesting = { SINGLE: 1, LIST: 2, SET: 3 } as const;
