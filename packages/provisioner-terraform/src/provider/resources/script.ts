import { error, type Diagnostic } from '../diagnostics.js';
import type { ResourceDef } from '../schema/schema-types.js';

/** `hangar_script` / `coder_script`: a script the agent runs on start, on stop or on a schedule. */
export const scriptResource: ResourceDef = {
  name: 'script',
  schema: {
    description: 'A script the agent runs on start, on stop, or on a cron schedule.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Script ID.' },
      agent_id: { type: 'string', required: true, forceNew: true, description: 'ID of the agent that runs it.' },
      display_name: { type: 'string', required: true, description: 'Name shown with its logs.' },
      script: { type: 'string', required: true, description: 'The script; it starts with a shebang or runs with sh.' },
      icon: { type: 'string', optional: true, description: 'Icon URL or /icon/ path.' },
      run_on_start: { type: 'bool', default: false, description: 'Run when the agent starts.' },
      run_on_stop: { type: 'bool', default: false, description: 'Run when the agent stops.' },
      cron: { type: 'string', optional: true, description: 'Six-field cron schedule (seconds first), e.g. "0 0 * * * *".' },
      start_blocks_login: { type: 'bool', default: false, description: 'Logins wait until this start script ends.' },
      timeout: { type: 'number', default: 0, description: 'Seconds before the script is stopped; 0 means never.' },
      log_path: { type: 'string', optional: true, description: 'File the agent writes its output to.' },
    },
  },
  validate(config) {
    const out: Diagnostic[] = [];
    const { run_on_start, run_on_stop, cron, start_blocks_login } = config;
    const known = [run_on_start, run_on_stop, cron].every((v) => typeof v !== 'symbol');
    if (known && run_on_start !== true && run_on_stop !== true && (cron === null || cron === '')) {
      out.push(error('Script never runs', 'set at least one of run_on_start, run_on_stop or cron.', ['run_on_start']));
    }
    if (typeof cron === 'string' && cron !== '' && cron.trim().split(/\s+/).length !== 6) {
      out.push(error('Invalid cron schedule', `cron "${cron}" must have six fields (seconds first), like "0 */5 * * * *".`, ['cron']));
    }
    if (start_blocks_login === true && run_on_start !== true) {
      out.push(error('Conflicting script settings', 'start_blocks_login needs run_on_start = true.', ['start_blocks_login']));
    }
    return out;
  },
};
