import { decode, encode, ExtensionCodec } from '@msgpack/msgpack';

/** Marker for a value terraform does not know yet ("known after apply"). */
export const UNKNOWN: unique symbol = Symbol('unknown');

/** A cty value as JavaScript: null, scalars, arrays, objects, or {@link UNKNOWN}. */
export type Value = null | string | number | boolean | typeof UNKNOWN | Value[] | { [key: string]: Value };

/** An object value (resource, data source or nested block). */
export type ObjectValue = { [key: string]: Value };

const codec = new ExtensionCodec();
// Type 0 is a plain unknown; type 12 is a "refined" unknown (e.g. a known prefix), sent for
// expressions like "prefix-${unknown}". Both read as unknown; the provider only writes type 0.
codec.register({
  type: 0,
  encode: (input: unknown) => (input === UNKNOWN ? new Uint8Array([0]) : null),
  decode: () => UNKNOWN,
});
codec.register({ type: 12, encode: () => null, decode: () => UNKNOWN });

/** Decodes a cty msgpack DynamicValue. */
export function decodeValue(bytes: Uint8Array | undefined): Value {
  if (!bytes || bytes.length === 0) return null;
  return decode(bytes, { extensionCodec: codec }) as Value;
}

/** Encodes a value as cty msgpack. Objects must already carry every schema attribute. */
export function encodeValue(value: Value): Buffer {
  const bytes = encode(value, { extensionCodec: codec, ignoreUndefined: false });
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when `value` is, or contains, an unknown. */
export function containsUnknown(value: Value): boolean {
  if (value === UNKNOWN) return true;
  if (Array.isArray(value)) return value.some(containsUnknown);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsUnknown);
  return false;
}

/** True for a non-null object value (not a list, not unknown). */
export function isObject(value: Value | undefined): value is ObjectValue {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
