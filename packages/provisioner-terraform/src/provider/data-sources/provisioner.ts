import type { DataSourceDef } from '../schema/schema-types.js';

const OS: Record<string, string> = { linux: 'linux', darwin: 'darwin', win32: 'windows' };
const ARCH: Record<string, string> = { x64: 'amd64', arm64: 'arm64', arm: 'armv7', ia32: '386' };

/**
 * `data.hangar_provisioner` / `data.coder_provisioner`: the machine running terraform. Coder's
 * starter templates use its `arch` for the agent of a local container.
 */
export const provisionerDataSource: DataSourceDef = {
  name: 'provisioner',
  schema: {
    description: 'The machine that runs terraform for this build.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Constant ID.' },
      os: { type: 'string', computed: true, description: 'Operating system (linux, darwin, windows).' },
      arch: { type: 'string', computed: true, description: 'Architecture (amd64, arm64, armv7, 386).' },
    },
  },
  read(state) {
    state.id = 'provisioner';
    state.os = OS[process.platform] ?? process.platform;
    state.arch = ARCH[process.arch] ?? process.arch;
    return [];
  },
};
