import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** Length of an API key's id. */
export const apiKeyIdLength = 10;
/** Length of an API key's secret: 22 characters of 62 is about 131 bits. */
export const apiKeySecretLength = 22;

const keyFormat = new RegExp(`^([A-Za-z0-9]{${apiKeyIdLength}})-([A-Za-z0-9]{${apiKeySecretLength},64})$`);

/** A fresh API key: what the user gets (`token`) and what the database keeps. */
export interface GeneratedApiKey {
  readonly id: string;
  /** `<id>-<secret>`: shown once, never stored. */
  readonly token: string;
  /** SHA-256 of the secret. */
  readonly hashedSecret: Buffer;
}

/** Random characters of [A-Za-z0-9], without modulo bias. */
export function randomAlphanumeric(length: number): string {
  let out = '';
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      // 248 = 4 × 62: bytes above it would favour the first characters.
      if (byte < 248 && out.length < length) out += alphabet[byte % 62];
    }
  }
  return out;
}

/** Generates an API key `<id>-<secret>` with a random 10-character id and 22-character secret. */
export function generateApiKey(): GeneratedApiKey {
  const id = randomAlphanumeric(apiKeyIdLength);
  const secret = randomAlphanumeric(apiKeySecretLength);
  return { id, token: `${id}-${secret}`, hashedSecret: hashApiKeySecret(secret) };
}

/** Splits a presented key into id and secret, or `undefined` when it is not of the format. */
export function parseApiKey(token: string): { id: string; secret: string } | undefined {
  const match = keyFormat.exec(token.trim());
  return match ? { id: match[1]!, secret: match[2]! } : undefined;
}

/** SHA-256 of a secret. */
export function hashApiKeySecret(secret: string): Buffer {
  return createHash('sha256').update(secret).digest();
}

/** Whether a secret matches a stored hash, compared in constant time. */
export function apiKeySecretMatches(secret: string, hashedSecret: Uint8Array): boolean {
  const actual = hashApiKeySecret(secret);
  return hashedSecret.length === actual.length && timingSafeEqual(actual, hashedSecret);
}
