import { readFileSync } from 'node:fs';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { errorCodes } from '@hangar/core';
// Every package registers its error table when imported; load them all.
import '@hangar/provisioner-terraform';
import '@hangar/agent';
import '@hangar/dashboard';

const docs = readFileSync(new URL('../../../docs/errors.md', import.meta.url), 'utf8');

test('every registered error code is documented in docs/errors.md with its status', () => {
  const missing: string[] = [];
  for (const [code, spec] of errorCodes()) {
    const line = docs.split('\n').find((l) => l.includes(`\`${code}\``));
    if (!line || !line.includes(String(spec.status))) missing.push(`${code} (${spec.status})`);
  }
  assert.equal(missing, [], `document these codes with their status in docs/errors.md: ${missing.join(', ')}`);
});

test('docs/errors.md lists no code that does not exist', () => {
  const documented = [...docs.matchAll(/`(HANGAR_ERR_[A-Z0-9_]+)`/g)].map((m) => m[1]!);
  const known = new Set(errorCodes().keys());
  assert.equal(documented.filter((code) => !known.has(code)), []);
});

test('every code follows HANGAR_ERR_<AREA>[_<WHAT>] and maps to an HTTP error status', () => {
  for (const [code, spec] of errorCodes()) {
    assert.match(code, /^HANGAR_ERR_[A-Z][A-Z0-9]*(_[A-Z0-9]+)*$/);
    assert.ok(spec.status >= 400 && spec.status <= 599, `${code} has status ${spec.status}`);
    assert.ok(spec.message.length > 0);
  }
});

test.run();
