import { randomBytes, scrypt, timingSafeEqual } from 'node:crypto';

const keyLength = 64;
const blockSize = 8;
const parallelism = 1;

/**
 * Hashes a password with scrypt (memory-hard, from node:crypto) and a random 16-byte salt.
 * The result records its parameters, `$scrypt$ln=15,r=8,p=1$<salt>$<hash>`, so the cost can
 * rise later without breaking stored hashes.
 */
export async function hashPassword(password: string, cost = 2 ** 15): Promise<string> {
  const salt = randomBytes(16);
  const hash = await derive(password, salt, cost, blockSize, parallelism);
  return `$scrypt$ln=${Math.log2(cost)},r=${blockSize},p=${parallelism}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

/** Whether the password matches an encoded hash; compares in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/=]+)\$([A-Za-z0-9+/=]+)$/.exec(encoded);
  if (!match) return false;
  const [, ln, r, p, salt, hash] = match;
  const expected = Buffer.from(hash!, 'base64');
  if (expected.length !== keyLength) return false;
  const actual = await derive(password, Buffer.from(salt!, 'base64'), 2 ** Number(ln), Number(r), Number(p));
  return timingSafeEqual(actual, expected);
}

let dummy: Promise<string> | undefined;

/**
 * A hash of a random password at the given cost. Verifying against it when an account does
 * not exist makes a failed login take as long as a wrong password, so timing does not tell
 * which emails have accounts.
 */
export function dummyPasswordHash(cost = 2 ** 15): Promise<string> {
  dummy ??= hashPassword(randomBytes(16).toString('hex'), cost);
  return dummy;
}

function derive(password: string, salt: Buffer, cost: number, r: number, p: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyLength, { N: cost, r, p, maxmem: 256 * cost * r }, (error, key) => (error ? reject(error) : resolve(key)));
  });
}
