import type { LightMyRequestResponse } from 'fastify';
import type { TestServer } from '../../src/testing/index.js';

/** A password that passes the default policy. */
export const strongPassword = 'Correct-Horse-42-Battery';

/** The owner created by {@link setupOwner}. */
export interface Owner {
  readonly id: string;
  readonly token: string;
  readonly organizationId: string;
  readonly email: string;
}

/** Options of {@link call}. */
export interface CallOptions {
  readonly token?: string;
  readonly body?: unknown;
  readonly headers?: Record<string, string>;
  readonly query?: Record<string, string>;
}

/** Sends a JSON request, with a session token header when given. */
export function call(server: TestServer, method: string, url: string, options: CallOptions = {}): Promise<LightMyRequestResponse> {
  return server.inject({
    method: method as 'GET',
    url,
    ...(options.query ? { query: options.query } : {}),
    headers: {
      ...(options.token ? { 'hangar-session-token': options.token } : {}),
      ...(options.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...options.headers,
    },
    ...(options.body !== undefined ? { payload: JSON.stringify(options.body) } : {}),
  });
}

/** Signs in with a password; returns the session token. */
export async function login(server: TestServer, email: string, password = strongPassword): Promise<string> {
  const response = await call(server, 'POST', '/api/v2/users/login', { body: { email, password } });
  if (response.statusCode !== 201) throw new Error(`login ${email}: ${response.statusCode} ${response.body}`);
  return response.json().session_token;
}

/** Creates the first user (owner) and signs them in. */
export async function setupOwner(server: TestServer, email = 'owner@example.com', username = 'owner'): Promise<Owner> {
  const created = await call(server, 'POST', '/api/v2/users/first', { body: { email, username, password: strongPassword } });
  if (created.statusCode !== 201) throw new Error(`first user: ${created.statusCode} ${created.body}`);
  const token = await login(server, email);
  return { id: created.json().user_id, organizationId: created.json().organization_id, token, email };
}

/** A user made by {@link createUser}, with a token of theirs. */
export interface TestUser {
  readonly id: string;
  readonly username: string;
  readonly email: string;
  readonly token: string;
}

/**
 * Creates a user through the API as the owner (no password unless given, which skips the
 * slow hash) and mints a named token for them, so tests need no login per user.
 */
export async function createUser(server: TestServer, owner: Owner, username: string, options: { roles?: string[]; password?: string } = {}): Promise<TestUser> {
  const email = `${username}@example.com`;
  const created = await call(server, 'POST', '/api/v2/users', {
    token: owner.token,
    body: { email, username, roles: options.roles ?? [], ...(options.password ? { password: options.password } : { login_type: 'none' }) },
  });
  if (created.statusCode !== 201) throw new Error(`create ${username}: ${created.statusCode} ${created.body}`);
  const id = created.json().id;
  const minted = await call(server, 'POST', `/api/v2/users/${id}/keys/tokens`, { token: owner.token, body: { token_name: 'fixture' } });
  if (minted.statusCode !== 201) throw new Error(`token for ${username}: ${minted.statusCode} ${minted.body}`);
  return { id, username, email, token: minted.json().key };
}

/** The `Set-Cookie` values of a response, as an array. */
export function setCookies(response: LightMyRequestResponse): string[] {
  const header = response.headers['set-cookie'];
  return header === undefined ? [] : Array.isArray(header) ? header : [header];
}

/** The value a `Set-Cookie` list gives one cookie. */
export function cookieValue(cookies: string[], name: string): string | undefined {
  const line = cookies.find((c) => c.startsWith(`${name}=`));
  return line ? line.slice(name.length + 1).split(';')[0] : undefined;
}
