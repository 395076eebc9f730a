import { isObject, UNKNOWN, type ObjectValue } from '../wire/cty-msgpack.js';
import type { ResourceDef } from '../schema/schema-types.js';

/** `hangar_metadata` / `coder_metadata`: key/value details shown for another resource. */
export const metadataResource: ResourceDef = {
  name: 'metadata',
  schema: {
    description: 'Details shown in the UI for another resource of the template.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Metadata ID.' },
      resource_id: { type: 'string', required: true, forceNew: true, description: 'ID of the resource described.' },
      hide: { type: 'bool', default: false, description: 'Hide the resource in the UI.' },
      icon: { type: 'string', optional: true, description: 'Icon URL or /icon/ path.' },
      daily_cost: { type: 'number', optional: true, description: 'Cost per day counted against the owner quota.' },
    },
    blocks: {
      item: {
        nesting: 'list',
        description: 'One key/value pair.',
        attributes: {
          key: { type: 'string', required: true, description: 'Label.' },
          value: { type: 'string', optional: true, description: 'Value; null shows as "null".' },
          sensitive: { type: 'bool', default: false, description: 'Hide the value until revealed.' },
          is_null: { type: 'bool', computed: true, description: 'Whether value is null.' },
        },
      },
    },
  },
  plan: markNullItems,
  apply: markNullItems,
};

function markNullItems(value: ObjectValue): void {
  const items = value.item;
  if (!Array.isArray(items)) return;
  for (const item of items) {
    if (isObject(item)) item.is_null = item.value === UNKNOWN ? UNKNOWN : item.value === null;
  }
}
