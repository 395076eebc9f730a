import { error } from '../diagnostics.js';
import type { ResourceDef } from '../schema/schema-types.js';

/** `hangar_env` / `coder_env`: one environment variable for an agent's processes. */
export const envResource: ResourceDef = {
  name: 'env',
  schema: {
    description: 'An environment variable set for the processes an agent starts.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Env ID.' },
      agent_id: { type: 'string', required: true, forceNew: true, description: 'ID of the agent.' },
      name: { type: 'string', required: true, forceNew: true, description: 'Variable name.' },
      value: { type: 'string', optional: true, description: 'Variable value.' },
    },
  },
  validate(config) {
    const { name } = config;
    if (typeof name === 'string' && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) {
      return [error('Invalid environment variable name', `"${name}" must be letters, digits and underscores, not starting with a digit.`, ['name'])];
    }
    return [];
  },
};
