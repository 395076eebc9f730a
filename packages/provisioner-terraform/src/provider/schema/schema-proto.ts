import type { Flavour } from '../flavour.js';
import type { Msg } from '../wire/protobuf.js';
import { Nesting } from '../wire/tfplugin6-messages.js';
import { attributesOf, blocksOf } from './block-values.js';
import type { AttributeSpec, BlockSpec } from './schema-types.js';

/** Renders a block spec as a tfplugin6 `Schema` message for one flavour. */
export function schemaMessage(block: BlockSpec, flavour: Flavour, version = 0): Msg {
  return { version, block: blockMessage(block, flavour) };
}

function blockMessage(block: BlockSpec, flavour: Flavour): Msg {
  return {
    attributes: attributesOf(block, flavour).map(([name, spec]) => attributeMessage(name, spec)),
    block_types: blocksOf(block, flavour).map(([name, nested]) => ({
      type_name: name,
      block: blockMessage(nested, flavour),
      nesting: Nesting.LIST,
      min_items: 0,
      max_items: nested.maxItems ?? 0,
    })),
    description: block.description ?? '',
  };
}

function attributeMessage(name: string, spec: AttributeSpec): Msg {
  // A default is filled in by the provider, which terraform only allows for computed attributes.
  const computed = Boolean(spec.computed || spec.default !== undefined);
  const optional = Boolean(spec.optional || spec.default !== undefined);
  return {
    name,
    type: Buffer.from(JSON.stringify(spec.type)),
    description: spec.deprecated ? `${spec.description} Deprecated: ${spec.deprecated}` : spec.description,
    required: Boolean(spec.required),
    optional: !spec.required && optional,
    computed,
    sensitive: Boolean(spec.sensitive),
    deprecated: Boolean(spec.deprecated),
  };
}
