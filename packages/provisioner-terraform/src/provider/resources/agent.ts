import { randomUUID } from 'node:crypto';
import { error } from '../diagnostics.js';
import { agentInitScript } from '../init-script.js';
import type { ResourceDef } from '../schema/schema-types.js';
import { UNKNOWN, type ObjectValue, type Value } from '../wire/cty-msgpack.js';

/** OS names an agent can run on. */
export const AGENT_OS = ['linux', 'darwin', 'windows'] as const;
/** CPU architectures an agent can run on. */
export const AGENT_ARCH = ['amd64', 'arm64', 'armv7', '386'] as const;
const AUTH = ['token', 'google-instance-identity', 'aws-instance-identity', 'azure-instance-identity'];

/**
 * `hangar_agent` / `coder_agent`: the agent that runs inside a workspace. Its `token` and
 * `init_script` are what the compute resource consumes, which is how a build knows which
 * machine runs which agent.
 */
export const agentResource: ResourceDef = {
  name: 'agent',
  schema: {
    description: 'The agent that runs inside the workspace and connects it to the server.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Agent ID.' },
      os: { type: 'string', required: true, forceNew: true, oneOf: AGENT_OS, description: 'Operating system: linux, darwin or windows.' },
      arch: { type: 'string', required: true, forceNew: true, oneOf: AGENT_ARCH, description: 'Architecture: amd64, arm64, armv7 or 386.' },
      auth: { type: 'string', default: 'token', forceNew: true, oneOf: AUTH, description: 'How the agent authenticates: "token" or an instance identity.' },
      dir: { type: 'string', optional: true, description: 'Directory the agent starts shells in.' },
      env: { type: ['map', 'string'], optional: true, description: 'Environment variables for processes the agent starts.' },
      startup_script: { type: 'string', optional: true, description: 'Script run when the agent starts.' },
      startup_script_behavior: { type: 'string', default: 'non-blocking', oneOf: ['blocking', 'non-blocking'], description: 'Whether logins wait for the startup script ("blocking").' },
      shutdown_script: { type: 'string', optional: true, description: 'Script run when the agent stops.' },
      connection_timeout: { type: 'number', default: 120, description: 'Seconds before an agent that never connected is reported unhealthy; 0 disables.' },
      troubleshooting_url: { type: 'string', optional: true, description: 'Link shown when the agent is unhealthy.' },
      motd_file: { type: 'string', optional: true, description: 'File whose content is shown at SSH login.' },
      order: { type: 'number', optional: true, description: 'Position among the workspace agents in the UI.' },
      api_key_scope: { type: 'string', default: 'all', oneOf: ['all', 'no_user_data'], only: 'coder', description: 'Scope of the API key the agent hands to processes.' },
      token: { type: 'string', computed: true, sensitive: true, description: 'Agent token (set HANGAR_AGENT_TOKEN to it where the agent runs).' },
      init_script: { type: 'string', computed: true, description: 'Script that downloads and starts the agent.' },
    },
    blocks: {
      metadata: {
        nesting: 'list',
        description: 'A value the agent computes periodically with a script and reports.',
        attributes: {
          key: { type: 'string', required: true, description: 'Unique key.' },
          display_name: { type: 'string', optional: true, description: 'Label in the UI.' },
          script: { type: 'string', required: true, description: 'Script whose output is the value.' },
          interval: { type: 'number', required: true, description: 'Seconds between runs.' },
          timeout: { type: 'number', default: 5, description: 'Seconds before the script is stopped.' },
          order: { type: 'number', optional: true, description: 'Position in the UI.' },
        },
      },
      display_apps: {
        nesting: 'list',
        maxItems: 1,
        description: 'Which built-in apps the UI offers for this agent.',
        attributes: {
          vscode: { type: 'bool', default: true, description: 'VS Code Desktop.' },
          vscode_insiders: { type: 'bool', default: false, description: 'VS Code Insiders.' },
          web_terminal: { type: 'bool', default: true, description: 'Web terminal.' },
          ssh_helper: { type: 'bool', default: true, description: 'SSH instructions.' },
          port_forwarding_helper: { type: 'bool', default: true, description: 'Port forwarding.' },
        },
      },
      resources_monitoring: {
        nesting: 'list',
        maxItems: 1,
        description: 'Resource usage the agent watches and reports when over a threshold.',
        attributes: {},
        blocks: {
          memory: {
            nesting: 'list',
            maxItems: 1,
            description: 'Memory usage.',
            attributes: {
              enabled: { type: 'bool', required: true, description: 'Watch memory.' },
              threshold: { type: 'number', required: true, description: 'Alert above this percentage.' },
            },
          },
          volume: {
            nesting: 'list',
            description: 'Disk usage of one volume.',
            attributes: {
              path: { type: 'string', required: true, description: 'Mount path.' },
              enabled: { type: 'bool', required: true, description: 'Watch this volume.' },
              threshold: { type: 'number', required: true, description: 'Alert above this percentage.' },
            },
          },
        },
      },
    },
  },
  validate(config) {
    const keys = new Set<string>();
    const metadata = Array.isArray(config.metadata) ? config.metadata : [];
    return metadata.flatMap((item, i) => {
      const key = (item as { key?: unknown }).key;
      if (typeof key !== 'string') return [];
      if (keys.has(key)) return [error('Duplicate metadata key', `metadata key "${key}" is used twice.`, ['metadata', i, 'key'])];
      keys.add(key);
      return [];
    });
  },
  plan(planned, _prior, env) {
    // Known at plan time when its inputs are, so reviewers see the script in the plan.
    planned.init_script = initScript(planned, env.build.accessUrl);
  },
  apply(state, env) {
    if (state.token === UNKNOWN || state.token === null) state.token = randomUUID();
    if (state.init_script === UNKNOWN) state.init_script = initScript(state, env.build.accessUrl);
  },
};

function initScript({ os, arch, auth }: ObjectValue, accessUrl: string): Value {
  return typeof os === 'string' && typeof arch === 'string' && typeof auth === 'string'
    ? agentInitScript({ os, arch, auth, accessUrl })
    : UNKNOWN;
}
