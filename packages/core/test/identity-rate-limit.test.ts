import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { corePlugins, RateLimiter } from '../src/index.js';
import { startTestServer } from '../src/testing/index.js';
import { call, createUser, setupOwner, strongPassword } from './support/identity-fixtures.js';

test('brute force on login is locked out with 429 and Retry-After, even for the right password', async () => {
  const server = await startTestServer({ corePlugins: corePlugins({ identity: { rateLimits: { login: 5 } } }) });
  try {
    const owner = await setupOwner(server); // setup and its login use two of the five attempts
    const statuses: number[] = [];
    for (let i = 0; i < 3; i++) statuses.push((await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: `Wrong-Guess-${i}-xyz` } })).statusCode);
    assert.equal(statuses, [401, 401, 401]);
    const locked = await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: strongPassword } });
    assert.is(locked.statusCode, 429);
    assert.is(locked.json().code, 'HANGAR_ERR_RATE_LIMITED');
    const retryAfter = Number(locked.headers['retry-after']);
    assert.ok(Number.isInteger(retryAfter) && retryAfter >= 1 && retryAfter <= 60, `Retry-After ${locked.headers['retry-after']}`);
    const elsewhere = await call(server, 'POST', '/api/v2/users/login', { body: { email: owner.email, password: strongPassword } });
    assert.is(elsewhere.statusCode, 429, 'still locked');
    const otherAddress = await server.inject({ method: 'POST', url: '/api/v2/users/login', remoteAddress: '10.0.0.7', payload: { email: owner.email, password: strongPassword } });
    assert.is(otherAddress.statusCode, 201, 'another address has its own budget');
    assert.is((await call(server, 'GET', '/api/v2/users/me', { token: owner.token })).statusCode, 200, 'the API budget is separate');
  } finally {
    await server.close();
  }
});

test('the API limit counts per user; another user keeps their budget', async () => {
  const server = await startTestServer({ corePlugins: corePlugins({ identity: { rateLimits: { api: 8 } } }) });
  try {
    const owner = await setupOwner(server);
    const amy = await createUser(server, owner, 'amy');
    const ben = await createUser(server, owner, 'ben');
    const statuses: number[] = [];
    for (let i = 0; i < 9; i++) statuses.push((await call(server, 'GET', '/api/v2/users/me', { token: amy.token })).statusCode);
    assert.equal(statuses, [200, 200, 200, 200, 200, 200, 200, 200, 429]);
    const ok = await call(server, 'GET', '/api/v2/users/me', { token: ben.token });
    assert.is(ok.statusCode, 200);
    assert.is(ok.headers['x-ratelimit-limit'], '8');
    assert.is(ok.headers['x-ratelimit-remaining'], '7');
  } finally {
    await server.close();
  }
});

test('anonymous callers are counted per address', async () => {
  const server = await startTestServer({ corePlugins: corePlugins({ identity: { rateLimits: { api: 3 } } }) });
  try {
    const from = (remoteAddress: string) => server.inject({ url: '/api/v2/buildinfo', remoteAddress });
    for (let i = 0; i < 3; i++) assert.is((await from('10.1.1.1')).statusCode, 200);
    assert.is((await from('10.1.1.1')).statusCode, 429);
    assert.is((await from('10.1.1.2')).statusCode, 200);
  } finally {
    await server.close();
  }
});

test('rate limits can be disabled, all at once or per group', async () => {
  const off = await startTestServer({ corePlugins: corePlugins({ identity: { rateLimits: { api: 2, disabled: true } } }) });
  const groupOff = await startTestServer({ corePlugins: corePlugins({ identity: { rateLimits: { api: -1 } } }) });
  try {
    for (const server of [off, groupOff]) {
      for (let i = 0; i < 6; i++) assert.is((await server.inject('/api/v2/buildinfo')).statusCode, 200);
    }
  } finally {
    await off.close();
    await groupOff.close();
  }
});

test('a limiter window resets after its length', () => {
  let now = 0;
  const limiter = new RateLimiter({ api: 2, windowMs: 1000 }, () => now);
  assert.is(limiter.consume('api', 'k')!.allowed, true);
  assert.is(limiter.consume('api', 'k')!.allowed, true);
  const third = limiter.consume('api', 'k')!;
  assert.is(third.allowed, false);
  assert.is(third.retryAfterSeconds, 1);
  now = 1000;
  assert.is(limiter.consume('api', 'k')!.allowed, true);
  assert.is(limiter.consume('files', 'k')!.limit, 2, 'an unconfigured group uses the api limit');
});

test.run();
