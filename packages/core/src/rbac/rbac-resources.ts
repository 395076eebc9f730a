/**
 * Resource types the built-in roles know. Later subsystems add their own types by granting
 * permissions on them through `rbacHooks.resolveRoles`; a type is only a string.
 */
export const rbacResources = Object.freeze({
  /** A user account. Its owner is the user itself. */
  user: 'user',
  /** A session or a named API token. Owned by its user. */
  apiKey: 'api_key',
  /** An organization. Its own id is its organization id. */
  organization: 'organization',
  /** A user's membership of an organization. */
  organizationMember: 'organization_member',
  /** Granting or removing site-wide roles. */
  assignRole: 'assign_role',
  /** Granting or removing organization roles. */
  assignOrgRole: 'assign_org_role',
  /** The audit log. */
  auditLog: 'audit_log',
  /** Deployment-wide settings. */
  deploymentConfig: 'deployment_config',
  /** Templates and their versions. */
  template: 'template',
  /** Uploaded archives. */
  file: 'file',
  /** Workspaces and their builds. */
  workspace: 'workspace',
  /** Provisioner daemons and keys. */
  provisionerDaemon: 'provisioner_daemon',
});

/** Actions the built-in roles know. `use` is for templates (create a workspace from one). */
export const rbacActions = Object.freeze({
  create: 'create',
  read: 'read',
  update: 'update',
  delete: 'delete',
  /** Give or take a role (on `assign_role` / `assign_org_role`). */
  assign: 'assign',
  /** Use something without changing it (a template to create workspaces). */
  use: 'use',
});

/** A resource type: one of {@link rbacResources} or one a plugin adds. */
export type RbacResource = (typeof rbacResources)[keyof typeof rbacResources] | (string & {});
/** An action: one of {@link rbacActions} or one a plugin adds. */
export type RbacAction = (typeof rbacActions)[keyof typeof rbacActions] | (string & {});
