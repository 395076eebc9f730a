import { HangarError } from '../errors/hangar-error.js';
import type { HangarPlugin } from './plugin.js';

const pluginName = /^[a-z][a-z0-9]*(-[a-z0-9]+)*$/;

/**
 * Orders plugins so that each comes after its dependencies, keeping the given order where
 * dependencies allow. Throws a coded error for a duplicate, an invalid name, a missing
 * dependency or a cycle.
 */
export function sortPlugins(plugins: readonly HangarPlugin[]): HangarPlugin[] {
  const byName = new Map<string, HangarPlugin>();
  for (const plugin of plugins) {
    if (typeof plugin?.name !== 'string' || !pluginName.test(plugin.name)) {
      throw new HangarError('HANGAR_ERR_PLUGIN_INVALID', { plugin: String(plugin?.name), reason: 'the name must be kebab-case' });
    }
    if (typeof plugin.register !== 'function') {
      throw new HangarError('HANGAR_ERR_PLUGIN_INVALID', { plugin: plugin.name, reason: 'it has no register function' });
    }
    if (byName.has(plugin.name)) throw new HangarError('HANGAR_ERR_PLUGIN_DUPLICATE', { plugin: plugin.name });
    byName.set(plugin.name, plugin);
  }
  for (const plugin of plugins) {
    for (const dependency of plugin.dependencies ?? []) {
      if (!byName.has(dependency)) throw new HangarError('HANGAR_ERR_PLUGIN_DEPENDENCY_MISSING', { plugin: plugin.name, dependency });
    }
  }

  const sorted: HangarPlugin[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (plugin: HangarPlugin, path: string[]): void => {
    const seen = state.get(plugin.name);
    if (seen === 'done') return;
    if (seen === 'visiting') {
      const cycle = [...path.slice(path.indexOf(plugin.name)), plugin.name].join(' → ');
      throw new HangarError('HANGAR_ERR_PLUGIN_DEPENDENCY_CYCLE', { cycle });
    }
    state.set(plugin.name, 'visiting');
    for (const dependency of plugin.dependencies ?? []) visit(byName.get(dependency)!, [...path, plugin.name]);
    state.set(plugin.name, 'done');
    sorted.push(plugin);
  };
  for (const plugin of plugins) visit(plugin, []);
  return sorted;
}
