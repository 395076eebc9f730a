import { HangarError } from '../errors/hangar-error.js';
import type { Provisioner, ProvisionerOptions, ProvisionerRegistry } from './provisioner.js';

/** The in-memory {@link ProvisionerRegistry} of one server or daemon process. */
export function createProvisionerRegistry(): ProvisionerRegistry {
  const entries = new Map<string, { provisioner: Provisioner; options: ProvisionerOptions }>();
  return {
    register(name, provisioner, options = {}) {
      if (!/^[a-z][a-z0-9-]*$/.test(name)) throw new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `provisioner name "${name}" must be lowercase kebab-case` });
      if (entries.has(name)) throw new HangarError('HANGAR_ERR_CONFIG_INVALID', { reason: `a provisioner named "${name}" is already registered` });
      entries.set(name, { provisioner, options });
    },
    get: (name) => entries.get(name)?.provisioner,
    offered: () => [...entries].filter(([, entry]) => !entry.options.hidden).map(([name]) => name),
    names: () => [...entries.keys()],
  };
}
