import { randomUUID } from 'node:crypto';
import type { Flavour } from '../flavour.js';
import { error, type Diagnostic, type PathStep } from '../diagnostics.js';
import { isObject, UNKNOWN, type ObjectValue, type Value } from '../wire/cty-msgpack.js';
import type { AttributeSpec, BlockSpec, NestedBlockSpec } from './schema-types.js';

/** The attributes a flavour serves. */
export function attributesOf(block: BlockSpec, flavour: Flavour): [string, AttributeSpec][] {
  return Object.entries(block.attributes).filter(([, spec]) => !spec.only || spec.only === flavour);
}

/** The nested blocks a flavour serves. */
export function blocksOf(block: BlockSpec, flavour: Flavour): [string, NestedBlockSpec][] {
  return Object.entries(block.blocks ?? {}).filter(([, spec]) => !spec.only || spec.only === flavour);
}

/**
 * Shapes a value to the schema: every attribute present (null when missing), unknown keys
 * dropped, nested blocks as lists. Terraform rejects objects with missing attributes.
 */
export function conform(value: Value | undefined, block: BlockSpec, flavour: Flavour): ObjectValue {
  const input = isObject(value) ? value : {};
  const out: ObjectValue = {};
  for (const [name] of attributesOf(block, flavour)) out[name] = input[name] ?? null;
  for (const [name, nested] of blocksOf(block, flavour)) {
    const items = input[name];
    out[name] = Array.isArray(items)
      ? items.map((item) => conform(item, nested, flavour))
      : items === UNKNOWN
        ? UNKNOWN
        : [];
  }
  return out;
}

/**
 * Plans a resource's new state from terraform's proposed state: defaults where the config left
 * an attribute null, and "known after apply" for computed attributes of a new object. On
 * update, terraform's proposal already carries the prior computed values, so they stay.
 */
export function planDefaults(
  proposed: ObjectValue,
  prior: ObjectValue | null,
  block: BlockSpec,
  flavour: Flavour,
): ObjectValue {
  const out = conform(proposed, block, flavour);
  for (const [name, spec] of attributesOf(block, flavour)) {
    if (out[name] !== null) continue;
    if (spec.default !== undefined) out[name] = spec.default;
    else if (spec.computed && !spec.optional && prior === null) out[name] = UNKNOWN;
  }
  for (const [name, nested] of blocksOf(block, flavour)) {
    const items = out[name];
    if (!Array.isArray(items)) continue;
    const priorItems = prior?.[name];
    out[name] = items.map((item, i) => {
      const priorItem = Array.isArray(priorItems) && isObject(priorItems[i]) ? priorItems[i] : null;
      return planDefaults(item as ObjectValue, priorItem as ObjectValue | null, nested, flavour);
    });
  }
  return out;
}

/** Fills data source defaults: like {@link planDefaults} for a new object, minus the unknowns. */
export function dataDefaults(config: ObjectValue, block: BlockSpec, flavour: Flavour): ObjectValue {
  const out = conform(config, block, flavour);
  for (const [name, spec] of attributesOf(block, flavour)) {
    if (out[name] === null && spec.default !== undefined) out[name] = spec.default;
  }
  for (const [name, nested] of blocksOf(block, flavour)) {
    const items = out[name];
    if (Array.isArray(items)) out[name] = items.map((item) => dataDefaults(item as ObjectValue, nested, flavour));
  }
  return out;
}

/**
 * Resolves what is still unknown after apply or read: a fresh UUID for `id`, null for the rest
 * (terraform refuses unknown values in a final state).
 */
export function settleUnknowns(value: ObjectValue, block: BlockSpec, flavour: Flavour): ObjectValue {
  for (const [name] of attributesOf(block, flavour)) {
    if (value[name] === UNKNOWN) value[name] = name === 'id' ? randomUUID() : null;
  }
  for (const [name, nested] of blocksOf(block, flavour)) {
    const items = value[name];
    if (Array.isArray(items)) items.forEach((item) => settleUnknowns(item as ObjectValue, nested, flavour));
  }
  return value;
}

/** Paths terraform should replace the resource for when their value changes. */
export function replacePaths(block: BlockSpec, flavour: Flavour): PathStep[][] {
  return attributesOf(block, flavour)
    .filter(([, spec]) => spec.forceNew)
    .map(([name]) => [name]);
}

/** Checks `oneOf` constraints, recursively, with a diagnostic pointing at the attribute. */
export function validateBlock(
  config: ObjectValue,
  block: BlockSpec,
  flavour: Flavour,
  path: PathStep[] = [],
): Diagnostic[] {
  const out: Diagnostic[] = [];
  for (const [name, spec] of attributesOf(block, flavour)) {
    const value = config[name];
    if (spec.oneOf && typeof value === 'string' && !spec.oneOf.includes(value)) {
      out.push(
        error(
          `Invalid ${name} "${value}"`,
          `${name} must be one of: ${spec.oneOf.map((v) => `"${v}"`).join(', ')}.`,
          [...path, name],
        ),
      );
    }
  }
  for (const [name, nested] of blocksOf(block, flavour)) {
    const items = config[name];
    if (!Array.isArray(items)) continue;
    items.forEach((item, i) => {
      if (isObject(item)) out.push(...validateBlock(item, nested, flavour, [...path, name, i]));
    });
  }
  return out;
}
