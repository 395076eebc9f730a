import type { TSchema } from '@sinclair/typebox';

/**
 * A copy of a JSON schema in which every object that does not say otherwise rejects
 * unknown properties, so a misspelt field is a 400 naming it, never silently ignored.
 */
export function rejectUnknownFields<T extends TSchema>(schema: T): T {
  return walk(schema) as T;
}

function walk(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(walk);
  if (!node || typeof node !== 'object') return node;
  const source = node as Record<string | symbol, unknown>;
  const copy: Record<string | symbol, unknown> = {};
  for (const key of Reflect.ownKeys(source)) {
    const value = source[key];
    copy[key] = typeof key === 'string' && ['properties', 'patternProperties', '$defs', 'definitions'].includes(key)
      ? Object.fromEntries(Object.entries(value as object).map(([k, v]) => [k, walk(v)]))
      : typeof key === 'string' && ['items', 'anyOf', 'oneOf', 'allOf', 'not', 'additionalProperties'].includes(key)
        ? walk(value)
        : value;
  }
  if (copy.type === 'object' && copy.properties && copy.additionalProperties === undefined) copy.additionalProperties = false;
  return copy;
}
