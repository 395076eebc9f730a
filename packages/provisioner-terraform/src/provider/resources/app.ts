import { error, type Diagnostic } from '../diagnostics.js';
import type { ResourceDef } from '../schema/schema-types.js';
import { isObject } from '../wire/cty-msgpack.js';

/** App slugs become host name labels, so they follow DNS rules (Coder's rule). */
const SLUG = /^[a-z0-9](-?[a-z0-9])*$/;

/** `hangar_app` / `coder_app`: a web app or command shown for an agent. */
export const appResource: ResourceDef = {
  name: 'app',
  schema: {
    description: 'An app (a URL served in the workspace, or a command) shown for an agent.',
    attributes: {
      id: { type: 'string', computed: true, description: 'App ID.' },
      agent_id: { type: 'string', required: true, forceNew: true, description: 'ID of the agent the app runs on.' },
      slug: { type: 'string', required: true, forceNew: true, description: 'Unique, URL-safe name (lowercase letters, digits, single dashes).' },
      display_name: { type: 'string', optional: true, description: 'Name shown in the UI.' },
      url: { type: 'string', optional: true, description: 'URL the app is served on inside the workspace, or the external URL.' },
      command: { type: 'string', optional: true, description: 'Command run in a terminal instead of a URL.' },
      icon: { type: 'string', optional: true, description: 'Icon URL or /icon/ path.' },
      subdomain: { type: 'bool', optional: true, description: 'Serve the app on its own subdomain instead of a path.' },
      share: { type: 'string', default: 'owner', oneOf: ['owner', 'authenticated', 'public'], description: 'Who may open it: owner, authenticated or public.' },
      external: { type: 'bool', default: false, description: 'Open the URL directly in the browser, without proxying.' },
      order: { type: 'number', optional: true, description: 'Position among the agent apps.' },
      hidden: { type: 'bool', default: false, description: 'Hide the app in the UI.' },
      open_in: { type: 'string', default: 'slim-window', oneOf: ['slim-window', 'tab'], description: 'Where the app opens: slim-window or tab.' },
      group: { type: 'string', optional: true, description: 'Group name the UI collects apps under.' },
      tooltip: { type: 'string', optional: true, description: 'Markdown shown on hover.' },
    },
    blocks: {
      healthcheck: {
        nesting: 'list',
        maxItems: 1,
        description: 'How the agent checks that the app is up.',
        attributes: {
          url: { type: 'string', required: true, description: 'URL the agent polls; a 2xx/3xx answer is healthy.' },
          interval: { type: 'number', required: true, description: 'Seconds between checks.' },
          threshold: { type: 'number', required: true, description: 'Failures in a row before the app is unhealthy.' },
        },
      },
    },
  },
  validate(config) {
    const out: Diagnostic[] = [];
    const { slug, url, command, external, subdomain } = config;
    if (typeof slug === 'string' && !SLUG.test(slug)) {
      out.push(error('Invalid app slug', `slug "${slug}" must be lowercase letters and digits separated by single dashes, like "code-server".`, ['slug']));
    }
    if (typeof url === 'string' && typeof command === 'string') {
      out.push(error('Conflicting app settings', 'an app has either a url or a command, not both.', ['command']));
    }
    if (external === true) {
      if (command !== null) out.push(error('Conflicting app settings', 'an external app cannot have a command.', ['command']));
      if (subdomain === true) out.push(error('Conflicting app settings', 'an external app cannot use a subdomain.', ['subdomain']));
      if (Array.isArray(config.healthcheck) && config.healthcheck.some(isObject)) {
        out.push(error('Conflicting app settings', 'an external app cannot have a healthcheck.', ['healthcheck']));
      }
    }
    return out;
  },
};
