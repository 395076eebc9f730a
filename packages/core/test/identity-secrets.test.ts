import { test } from 'uvu';
import * as assert from 'uvu/assert';
import {
  apiKeySecretMatches,
  csrfTokenFor,
  csrfTokenMatches,
  generateApiKey,
  hashApiKeySecret,
  hashPassword,
  isHangarError,
  parseApiKey,
  passwordWeakness,
  readCookie,
  resolveConfig,
  resolveIdentityOptions,
  verifyPassword,
} from '../src/index.js';

test('API keys are <10 alphanumerics>-<22 alphanumerics>, unique, and parse back', () => {
  const keys = Array.from({ length: 200 }, () => generateApiKey());
  assert.is(new Set(keys.map((k) => k.token)).size, 200);
  for (const key of keys) {
    assert.match(key.token, /^[A-Za-z0-9]{10}-[A-Za-z0-9]{22}$/);
    const parsed = parseApiKey(key.token)!;
    assert.is(parsed.id, key.id);
    assert.ok(apiKeySecretMatches(parsed.secret, key.hashedSecret));
  }
  const characters = new Set(keys.flatMap((k) => [...k.token.replace('-', '')]));
  assert.is(characters.size, 62, 'the whole alphabet is used');
});

test('malformed keys do not parse; a wrong secret or a short hash never matches', () => {
  for (const bad of ['', 'abc', 'ABCDEFGHIJ', 'ABCDEFGHIJ-short', 'ABCDEFGHI-abcdefghijklmnopqrstuv', 'ABCDEFGHIJ-abcdefghijklmnopqrstu!', `ABCDEFGHIJ-${'a'.repeat(65)}`]) {
    assert.is(parseApiKey(bad), undefined, bad);
  }
  const key = generateApiKey();
  assert.not.ok(apiKeySecretMatches('x'.repeat(22), key.hashedSecret));
  assert.not.ok(apiKeySecretMatches(parseApiKey(key.token)!.secret, hashApiKeySecret('other').subarray(0, 16)));
});

test('passwords hash with scrypt and a fresh salt; only the right password verifies', async () => {
  const a = await hashPassword('Saffron-Glacier-19', 1024);
  const b = await hashPassword('Saffron-Glacier-19', 1024);
  assert.match(a, /^\$scrypt\$ln=10,r=8,p=1\$/);
  assert.is.not(a, b, 'salts differ');
  assert.ok(await verifyPassword('Saffron-Glacier-19', a));
  assert.not.ok(await verifyPassword('Saffron-Glacier-18', a));
  assert.not.ok(await verifyPassword('Saffron-Glacier-19', 'plaintext'));
  assert.not.ok(await verifyPassword('x', '$scrypt$ln=10,r=8,p=1$AAAA$AAAA'));
});

test('the password policy refuses short, repetitive, common, personal and low-entropy passwords', () => {
  const policy = { minLength: 8, minEntropyBits: 50 };
  const weak = (password: string, context = {}) => passwordWeakness(password, context, policy);
  assert.match(weak('Ab1!')!, /at least 8 characters/);
  assert.match(weak('aaaaaaaaaaaaaaaaaaaa')!, /4 different characters/);
  assert.match(weak('Password123!')!, /commonly used/);
  assert.match(weak('Xylophone-alice-77', { username: 'alice' })!, /username or email/);
  assert.match(weak('Zq-Mirror-8-bob', { email: 'Bob@example.com' })!, /username or email/);
  assert.match(weak('qwzrtplkm')!, /too easy to guess/);
  assert.match(weak('83920174')!, /too easy to guess/);
  assert.is(weak('Correct-Horse-42-Battery'), undefined);
  assert.is(weak('a much longer lowercase passphrase'), undefined);
});

test('CSRF tokens are tied to one session and compared safely', () => {
  const a = generateApiKey().token;
  const b = generateApiKey().token;
  assert.is(csrfTokenFor(a), csrfTokenFor(a));
  assert.is.not(csrfTokenFor(a), csrfTokenFor(b));
  assert.ok(csrfTokenMatches(a, csrfTokenFor(a)));
  assert.not.ok(csrfTokenMatches(a, csrfTokenFor(b)));
  assert.not.ok(csrfTokenMatches(a, undefined));
  assert.not.ok(csrfTokenMatches(a, 'short'));
});

test('cookies are read by exact name', () => {
  assert.is(readCookie('a=1; hangar_session_token=abc; b=2', 'hangar_session_token'), 'abc');
  assert.is(readCookie('xhangar_session_token=abc', 'hangar_session_token'), undefined);
  assert.is(readCookie('hangar_session_token=%E0%A4%A', 'hangar_session_token'), undefined, 'bad encoding is ignored');
  assert.is(readCookie(undefined, 'x'), undefined);
});

test('identity options are checked at boot, naming the option', () => {
  const config = resolveConfig({ dataDir: '/tmp' });
  for (const [options, field] of [
    [{ sessionLifetimeSeconds: 0 }, 'identity.sessionLifetimeSeconds'],
    [{ maxTokenLifetimeSeconds: 2 ** 40 }, 'identity.maxTokenLifetimeSeconds'],
    [{ defaultTokenLifetimeSeconds: 100, maxTokenLifetimeSeconds: 50 }, 'identity.defaultTokenLifetimeSeconds'],
    [{ scryptCost: 1000 }, 'identity.scryptCost'],
    [{ rateLimits: { windowMs: -5 } }, 'identity.rateLimits.windowMs'],
  ] as const) {
    try {
      resolveIdentityOptions(options, config);
      assert.unreachable(field);
    } catch (error) {
      assert.ok(isHangarError(error));
      assert.is(error.validations?.[0]?.field, field);
    }
  }
  assert.is(resolveIdentityOptions({}, resolveConfig({ dataDir: '/tmp', accessUrl: 'https://h.example.com' })).secureCookies, true);
  assert.is(resolveIdentityOptions({}, config).secureCookies, false);
});

test.run();
