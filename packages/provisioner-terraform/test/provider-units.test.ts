import { createSelfSignedCert } from '../src/provider/wire/self-signed-cert.js';
import { createSecureContext } from 'node:tls';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { contextFromEnv, contextToEnv, coderParameterEnvName, detectFlavours, parameterEnvName } from '../src/provider/index.js';
import { checkParameterValue } from '../src/provider/data-sources/parameter-rules.js';
import { decodeValue, encodeValue, UNKNOWN } from '../src/provider/wire/cty-msgpack.js';
import { decodeMessage, encodeMessage } from '../src/provider/wire/protobuf.js';
import { messages } from '../src/provider/wire/tfplugin6-messages.js';

// Fast checks of the pieces under the terraform tests: wire codecs, flavour detection and the
// environment form of the build context.

test('every self-signed certificate is valid DER that TLS accepts (serials never carry illegal padding)', () => {
  // One in a few hundred random serials used to start with a zero byte, which OpenSSL refuses.
  for (let i = 0; i < 600; i++) {
    const cert = createSelfSignedCert();
    createSecureContext({ cert: cert.certPem, key: cert.keyPem });
  }
});

test('protobuf round-trips nested, repeated and map fields, keeping explicit zeros', () => {
  const diag = {
    severity: 1,
    summary: 'bad',
    detail: '',
    attribute: { steps: [{ attribute_name: 'validation' }, { element_key_int: 0 }, { attribute_name: 'min' }] },
  };
  const bytes = encodeMessage(messages, 'ReadDataSource.Response', { diagnostics: [diag] });
  const back = decodeMessage(messages, 'ReadDataSource.Response', bytes);
  assert.equal(back, { diagnostics: [diag] });
  const raw = decodeMessage(messages, 'RawState', encodeMessage(messages, 'RawState', { flatmap: { a: '1', b: '' } }));
  assert.equal(raw, { flatmap: { a: '1', b: '' } });
  const big = decodeMessage(messages, 'Schema', encodeMessage(messages, 'Schema', { version: 2 ** 40 }));
  assert.is(big.version, 2 ** 40);
});

test('cty msgpack reads both unknown encodings and writes a plain unknown', () => {
  // fixext1 type 0, and a refined unknown (ext type 12) as terraform sends for "x-${unknown}".
  assert.is(decodeValue(Uint8Array.from([0xd4, 0x00, 0x00])), UNKNOWN);
  assert.is(decodeValue(Uint8Array.from([0xc7, 0x02, 0x0c, 0x81, 0x01])), UNKNOWN);
  assert.equal([...encodeValue(UNKNOWN)], [0xd4, 0x00, 0x00]);
  assert.equal(decodeValue(encodeValue({ a: [1, 'x', null, true] })), { a: [1, 'x', null, true] });
});

test('the install path or HANGAR_PROVIDER_TYPES picks the flavours served', () => {
  const mirror = (ns: string) => `/w/.terraform/providers/host/${ns}/${ns}/0.1.0/linux_amd64/terraform-provider-${ns}_v0.1.0`;
  assert.equal(detectFlavours(mirror('coder'), {}), ['coder']);
  assert.equal(detectFlavours(mirror('hangar'), {}), ['hangar']);
  assert.equal(detectFlavours('/opt/bin/terraform-provider-coder', {}), ['coder']);
  assert.equal(detectFlavours('/x/coder/coder/1.0/linux_amd64/terraform-provider-hangar.mjs', {}), ['coder']);
  assert.equal(detectFlavours('/usr/local/bin/provider.mjs', {}), ['hangar', 'coder']);
  assert.equal(detectFlavours(mirror('coder'), { HANGAR_PROVIDER_TYPES: 'hangar' }), ['hangar']);
  assert.throws(() => detectFlavours('', { HANGAR_PROVIDER_TYPES: 'aws' }), /hangar and\/or coder/);
});

test('the environment gives the build context; Coder names count only when serving coder', () => {
  const env = {
    HANGAR_WORKSPACE_NAME: 'h',
    CODER_WORKSPACE_NAME: 'c',
    CODER_WORKSPACE_OWNER_NAME: 'Full Name',
    CODER_WORKSPACE_OWNER_GROUPS: '["devs"]',
    CODER_WORKSPACE_OWNER_RBAC_ROLES: '[{"name":"member","org_id":"o1"}]',
    [parameterEnvName('Docker Image')]: 'ubuntu',
    [coderParameterEnvName('region')]: 'eu',
    [`${coderParameterEnvName('region')}_PREVIOUS`]: 'us',
  };
  const both = contextFromEnv(env, ['hangar', 'coder']);
  assert.is(both.context.workspace.name, 'h', 'HANGAR_* wins');
  assert.is(both.context.owner.fullName, 'Full Name');
  assert.equal(both.context.owner.groups, ['devs']);
  assert.equal(both.context.owner.rbacRoles, [{ name: 'member', orgId: 'o1' }]);
  assert.is(both.parameter('Docker Image'), 'ubuntu');
  assert.is(both.parameter('region'), 'eu');
  assert.is(both.previousParameter('region'), 'us');
  const hangarOnly = contextFromEnv({ ...env, HANGAR_WORKSPACE_NAME: '' }, ['hangar']);
  assert.is(hangarOnly.context.workspace.name, 'default');
  assert.is(hangarOnly.parameter('region'), undefined);
  assert.is(parameterEnvName('Docker Image'), 'HANGAR_PARAMETER_DOCKER_IMAGE');
});

test('contextToEnv gives the standalone provider the same build', () => {
  const init = {
    workspace: { name: 'w', transition: 'stop' as const, accessUrl: 'https://a.test' },
    owner: { name: 'u', fullName: 'U Ser', groups: ['g'], rbacRoles: ['owner', { name: 'member', orgId: 'o' }] },
    parameters: { 'Disk Size': '20' },
    previousParameters: { 'Disk Size': '10' },
    externalAuthTokens: { github: 't' },
  };
  const source = contextFromEnv(contextToEnv(init), ['hangar']);
  assert.is(source.context.workspace.transition, 'stop');
  assert.is(source.context.workspace.accessUrl, 'https://a.test');
  assert.is(source.context.owner.fullName, 'U Ser');
  assert.equal(source.context.owner.rbacRoles, ['owner', { name: 'member', orgId: 'o' }]);
  assert.is(source.parameter('Disk Size'), '20');
  assert.is(source.previousParameter('Disk Size'), '10');
  assert.equal(source.context.externalAuthTokens, { github: 't' });
});

test('parameter rules report the first broken rule with its path', () => {
  const rules = { name: 'n', type: 'number', options: [], validation: { min: 1, max: 3, monotonic: 'decreasing', regex: null, error: null } };
  assert.is(checkParameterValue(rules, '2'), undefined);
  assert.equal(checkParameterValue(rules, '0')?.path, ['validation', 0, 'min']);
  assert.equal(checkParameterValue(rules, '3', '2')?.path, ['validation', 0, 'monotonic']);
  const re = { name: 'n', type: 'string', options: [], validation: { min: null, max: null, monotonic: null, regex: '(?i)^abc$', error: 'e' } };
  assert.is(checkParameterValue(re, 'ABC'), undefined, 'RE2-style (?i) works');
});

test.run();
