import type { DataSourceDef } from '../schema/schema-types.js';

/**
 * `data.hangar_external_auth` / `data.coder_external_auth`: the owner's token for an external
 * provider (GitHub, GitLab…) configured on the server; empty when the owner has not linked it.
 */
export const externalAuthDataSource: DataSourceDef = {
  name: 'external_auth',
  schema: {
    description: "The workspace owner's access token for an external auth provider.",
    attributes: {
      id: { type: 'string', required: true, description: 'ID of the external auth provider configured on the server.' },
      optional: { type: 'bool', optional: true, description: 'The workspace can be built without the owner linking it.' },
      access_token: { type: 'string', computed: true, sensitive: true, description: 'Access token; empty when not linked.' },
    },
  },
  read(state, { build }) {
    const id = String(state.id);
    const tokens = build.context.externalAuthTokens ?? {};
    state.access_token = Object.hasOwn(tokens, id) ? tokens[id]! : '';
    return [];
  },
};
