import { createHash } from 'node:crypto';
import type { ContextSource } from './build-context.js';
import type { Flavour } from './flavour.js';
import { completeContext, type OwnerInfo, type ProviderContextInit, type WorkspaceInfo } from './provider-context.js';

/**
 * Environment variable names per context field: Hangar's name, then Coder's (read only when the
 * provider serves `coder`). Coder's names are the ones its provisioner sets for terraform.
 */
const WORKSPACE_VARS: Record<keyof WorkspaceInfo, [string, string]> = {
  id: ['HANGAR_WORKSPACE_ID', 'CODER_WORKSPACE_ID'],
  name: ['HANGAR_WORKSPACE_NAME', 'CODER_WORKSPACE_NAME'],
  transition: ['HANGAR_WORKSPACE_TRANSITION', 'CODER_WORKSPACE_TRANSITION'],
  accessUrl: ['HANGAR_ACCESS_URL', 'CODER_AGENT_URL'],
  templateId: ['HANGAR_WORKSPACE_TEMPLATE_ID', 'CODER_WORKSPACE_TEMPLATE_ID'],
  templateName: ['HANGAR_WORKSPACE_TEMPLATE_NAME', 'CODER_WORKSPACE_TEMPLATE_NAME'],
  templateVersion: ['HANGAR_WORKSPACE_TEMPLATE_VERSION', 'CODER_WORKSPACE_TEMPLATE_VERSION'],
};

const OWNER_VARS: Record<Exclude<keyof OwnerInfo, 'groups' | 'rbacRoles'>, [string, string]> = {
  id: ['HANGAR_WORKSPACE_OWNER_ID', 'CODER_WORKSPACE_OWNER_ID'],
  name: ['HANGAR_WORKSPACE_OWNER', 'CODER_WORKSPACE_OWNER'],
  // Coder's OWNER_NAME is the full name; its username is plain OWNER.
  fullName: ['HANGAR_WORKSPACE_OWNER_FULL_NAME', 'CODER_WORKSPACE_OWNER_NAME'],
  email: ['HANGAR_WORKSPACE_OWNER_EMAIL', 'CODER_WORKSPACE_OWNER_EMAIL'],
  sshPublicKey: ['HANGAR_WORKSPACE_OWNER_SSH_PUBLIC_KEY', 'CODER_WORKSPACE_OWNER_SSH_PUBLIC_KEY'],
  sshPrivateKey: ['HANGAR_WORKSPACE_OWNER_SSH_PRIVATE_KEY', 'CODER_WORKSPACE_OWNER_SSH_PRIVATE_KEY'],
  sessionToken: ['HANGAR_WORKSPACE_OWNER_SESSION_TOKEN', 'CODER_WORKSPACE_OWNER_SESSION_TOKEN'],
  oidcAccessToken: ['HANGAR_WORKSPACE_OWNER_OIDC_ACCESS_TOKEN', 'CODER_WORKSPACE_OWNER_OIDC_ACCESS_TOKEN'],
  loginType: ['HANGAR_WORKSPACE_OWNER_LOGIN_TYPE', 'CODER_WORKSPACE_OWNER_LOGIN_TYPE'],
};

const GROUPS_VARS: [string, string] = ['HANGAR_WORKSPACE_OWNER_GROUPS', 'CODER_WORKSPACE_OWNER_GROUPS'];
const ROLES_VARS: [string, string] = ['HANGAR_WORKSPACE_OWNER_RBAC_ROLES', 'CODER_WORKSPACE_OWNER_RBAC_ROLES'];

/**
 * `HANGAR_PARAMETER_<NAME>`: the parameter name upper-cased, every other character than a letter
 * or digit turned into `_` (`"Docker Image"` → `HANGAR_PARAMETER_DOCKER_IMAGE`).
 */
export function parameterEnvName(name: string): string {
  return `HANGAR_PARAMETER_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`;
}

/** Coder's form: `CODER_PARAMETER_<sha256 hex of the name>`. */
export function coderParameterEnvName(name: string): string {
  return `CODER_PARAMETER_${createHash('sha256').update(name).digest('hex')}`;
}

/**
 * Reads a build context from environment variables, for the standalone provider. Unset values
 * take the defaults of {@link completeContext}, so a plain `terraform plan` works.
 */
export function contextFromEnv(env: NodeJS.ProcessEnv, flavours: readonly Flavour[]): ContextSource {
  const withCoder = flavours.includes('coder');
  const read = ([hangar, coder]: [string, string]): string | undefined =>
    nonEmpty(env[hangar]) ?? (withCoder ? nonEmpty(env[coder]) : undefined);
  const pick = <K extends string>(vars: Record<K, [string, string]>) =>
    Object.fromEntries(Object.entries<[string, string]>(vars).map(([field, names]) => [field, read(names)]));

  const context = completeContext({
    workspace: pick(WORKSPACE_VARS) as Partial<WorkspaceInfo>,
    owner: {
      ...(pick(OWNER_VARS) as Partial<OwnerInfo>),
      groups: jsonList(read(GROUPS_VARS), GROUPS_VARS[0]) as string[] | undefined,
      rbacRoles: jsonList(read(ROLES_VARS), ROLES_VARS[0])?.map((role) =>
        typeof role === 'string' ? role : { name: String(role?.name ?? ''), orgId: String(role?.org_id ?? '') },
      ),
    },
    externalAuthTokens: {
      ...(withCoder ? byPrefix(env, 'CODER_EXTERNAL_AUTH_ACCESS_TOKEN_') : {}),
      ...byPrefix(env, 'HANGAR_EXTERNAL_AUTH_ACCESS_TOKEN_'),
    },
    missingParameters: env.HANGAR_MISSING_PARAMETERS === 'empty' ? 'empty' : 'error',
  });
  const lookup = (name: string, previous: boolean): string | undefined => {
    const hangar = previous ? parameterEnvName(name).replace('HANGAR_', 'HANGAR_PREVIOUS_') : parameterEnvName(name);
    const coder = coderParameterEnvName(name) + (previous ? '_PREVIOUS' : '');
    return env[hangar] ?? (withCoder ? env[coder] : undefined);
  };
  return { context, parameter: (name) => lookup(name, false), previousParameter: (name) => lookup(name, true) };
}

/** Variables starting with `prefix`, keyed by the rest of their name (an external auth ID). */
function byPrefix(env: NodeJS.ProcessEnv, prefix: string): Record<string, string> {
  return Object.fromEntries(
    Object.entries(env)
      .filter((entry): entry is [string, string] => entry[0].startsWith(prefix) && entry[1] !== undefined)
      .map(([key, value]) => [key.slice(prefix.length), value]),
  );
}

/**
 * The inverse of {@link contextFromEnv}: the `HANGAR_*` variables that give the standalone
 * provider the same build as `init` (for running it outside the server process).
 */
export function contextToEnv(init: ProviderContextInit): Record<string, string> {
  const ctx = completeContext(init);
  const env: Record<string, string> = {};
  for (const [field, [name]] of Object.entries<[string, string]>(WORKSPACE_VARS)) {
    env[name] = String(ctx.workspace[field as keyof WorkspaceInfo]);
  }
  for (const [field, [name]] of Object.entries<[string, string]>(OWNER_VARS)) {
    env[name] = String(ctx.owner[field as keyof typeof OWNER_VARS] ?? '');
  }
  env[GROUPS_VARS[0]] = JSON.stringify(ctx.owner.groups);
  env[ROLES_VARS[0]] = JSON.stringify(
    ctx.owner.rbacRoles.map((role) => (typeof role === 'string' ? role : { name: role.name, org_id: role.orgId ?? '' })),
  );
  for (const [name, value] of Object.entries(ctx.parameters)) env[parameterEnvName(name)] = value;
  for (const [name, value] of Object.entries(ctx.previousParameters ?? {})) {
    env[parameterEnvName(name).replace('HANGAR_', 'HANGAR_PREVIOUS_')] = value;
  }
  for (const [id, token] of Object.entries(ctx.externalAuthTokens ?? {})) env[`HANGAR_EXTERNAL_AUTH_ACCESS_TOKEN_${id}`] = token;
  if (ctx.missingParameters === 'empty') env.HANGAR_MISSING_PARAMETERS = 'empty';
  return env;
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value;
}

type RoleJson = string | { name?: unknown; org_id?: unknown } | null;

function jsonList(text: string | undefined, name: string): RoleJson[] | undefined {
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    if (Array.isArray(parsed)) return parsed as RoleJson[];
  } catch {
    // fall through to the error below
  }
  throw new Error(`${name} must be a JSON list, got: ${text}`);
}
