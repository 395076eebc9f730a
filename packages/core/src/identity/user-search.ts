import { invalidField } from '../errors/hangar-error.js';

/** A parsed user search. */
export interface UserSearch {
  /** Words each of which must appear in the username, email or name. */
  readonly words: string[];
  readonly status?: 'active' | 'suspended';
  readonly role?: string;
  readonly loginType?: string;
}

const filterKeys = new Set(['status', 'role', 'login_type']);

/**
 * Parses the `q` of `GET /api/v2/users`: free words plus `status:active|suspended`,
 * `role:<name>` and `login_type:<type>` filters, as Coder's search. An unknown filter or
 * value is a 400 naming `querystring.q`.
 */
export function parseUserSearch(q: string): UserSearch {
  const words: string[] = [];
  const filters: Record<string, string> = {};
  for (const token of q.trim().split(/\s+/).filter(Boolean)) {
    const at = token.indexOf(':');
    if (at < 0) {
      words.push(token);
      continue;
    }
    const key = token.slice(0, at);
    const value = token.slice(at + 1);
    if (!filterKeys.has(key)) throw invalidField('querystring.q', `has an unknown filter "${key}" (known: ${[...filterKeys].join(', ')})`);
    if (!value) throw invalidField('querystring.q', `filter "${key}" needs a value`);
    filters[key] = value;
  }
  if (filters.status !== undefined && filters.status !== 'active' && filters.status !== 'suspended') {
    throw invalidField('querystring.q', 'status must be active or suspended');
  }
  return {
    words,
    ...(filters.status ? { status: filters.status as 'active' | 'suspended' } : {}),
    ...(filters.role ? { role: filters.role } : {}),
    ...(filters.login_type ? { loginType: filters.login_type } : {}),
  };
}
