import type { AuditDiff } from './audit-entity.js';

/**
 * How a field of an audited resource appears in diffs: `track` records old and new values,
 * `secret` records only that it changed, `ignore` leaves it out. Fields not listed are
 * ignored, so a new column never leaks into the log by accident.
 */
export type AuditFieldPolicy = 'track' | 'secret' | 'ignore';

/** Field policies of one resource type, by wire (snake_case) field name. */
export type AuditFieldTable = Readonly<Record<string, AuditFieldPolicy>>;

// Field names that are secret whatever a table says.
const secretName = /password|secret|hashed|^(token|session_token|key|api_key|csrf_token)$/i;

/** Whether a field name looks like it holds a secret. */
export function isSecretFieldName(name: string): boolean {
  return secretName.test(name);
}

/**
 * The diff of two versions of a resource under a field table. `before` is `undefined` for a
 * creation and `after` for a deletion.
 *
 * @example
 * ```ts
 * auditDiff({ username: 'track', hashed_password: 'secret' }, { username: 'a' }, { username: 'b' });
 * // { username: { old: 'a', new: 'b', secret: false } }
 * ```
 */
export function auditDiff(table: AuditFieldTable, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): AuditDiff {
  const diff: AuditDiff = {};
  const fields = new Set([...Object.keys(before ?? {}), ...Object.keys(after ?? {})]);
  for (const field of fields) {
    const policy = table[field] ?? 'ignore';
    if (policy === 'ignore') continue;
    const old = normalise(before?.[field]);
    const next = normalise(after?.[field]);
    if (JSON.stringify(old) === JSON.stringify(next)) continue;
    diff[field] = policy === 'secret' || isSecretFieldName(field) ? { old: '', new: '', secret: true } : { old, new: next, secret: false };
  }
  return diff;
}

/** A copy of free-form fields with every secret-looking key's value replaced. */
export function scrubSecrets(fields: Record<string, unknown>): Record<string, unknown> {
  const scrubbed: Record<string, unknown> = {};
  for (const [key, value] of Object.entries(fields)) {
    scrubbed[key] = isSecretFieldName(key)
      ? '[redacted]'
      : value && typeof value === 'object' && !Array.isArray(value)
        ? scrubSecrets(value as Record<string, unknown>)
        : value;
  }
  return scrubbed;
}

/** Forces secret-looking fields of a diff to record no value. */
export function scrubDiff(diff: AuditDiff): AuditDiff {
  const scrubbed: AuditDiff = {};
  for (const [field, change] of Object.entries(diff)) {
    scrubbed[field] = isSecretFieldName(field) || change.secret ? { old: '', new: '', secret: true } : change;
  }
  return scrubbed;
}

function normalise(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  return value === undefined ? null : value;
}
