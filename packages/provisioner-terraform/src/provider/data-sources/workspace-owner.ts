import type { DataSourceDef } from '../schema/schema-types.js';

/** `data.hangar_workspace_owner` / `data.coder_workspace_owner`: who owns the workspace. */
export const workspaceOwnerDataSource: DataSourceDef = {
  name: 'workspace_owner',
  schema: {
    description: 'The user who owns the workspace.',
    attributes: {
      id: { type: 'string', computed: true, description: 'User ID.' },
      name: { type: 'string', computed: true, description: 'Username.' },
      full_name: { type: 'string', computed: true, description: 'Full name.' },
      email: { type: 'string', computed: true, description: 'Email address.' },
      groups: { type: ['list', 'string'], computed: true, description: 'Names of the groups the user is in.' },
      ssh_public_key: { type: 'string', computed: true, description: 'Public half of the user Git SSH key.' },
      ssh_private_key: { type: 'string', computed: true, sensitive: true, description: 'Private half of the user Git SSH key.' },
      session_token: { type: 'string', computed: true, sensitive: true, description: 'A session token for the user, valid for the build.' },
      oidc_access_token: { type: 'string', computed: true, sensitive: true, description: 'The OIDC access token of the user, if they logged in with OIDC.' },
      login_type: { type: 'string', computed: true, description: 'How the user logs in (password, github, oidc, ...).' },
      rbac_roles: {
        type: ['list', ['object', { name: 'string', org_id: 'string' }]],
        computed: true,
        description: 'Roles of the user; org_id is empty for site-wide roles.',
      },
    },
  },
  read(state, { build }) {
    const owner = build.context.owner;
    Object.assign(state, {
      id: owner.id,
      name: owner.name,
      full_name: owner.fullName,
      email: owner.email,
      groups: [...owner.groups],
      ssh_public_key: owner.sshPublicKey,
      ssh_private_key: owner.sshPrivateKey,
      session_token: owner.sessionToken,
      oidc_access_token: owner.oidcAccessToken ?? '',
      login_type: owner.loginType ?? '',
      rbac_roles: owner.rbacRoles.map((role) =>
        typeof role === 'string' ? { name: role, org_id: '' } : { name: role.name, org_id: role.orgId ?? '' },
      ),
    });
    return [];
  },
};
