import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { type HangarError, parameterValueProblem, resolveParameterValues, type TemplateParameter, workspaceNameProblem, workspaceStatus } from '../src/index.js';

const param = (spec: Partial<TemplateParameter> & { name: string }): TemplateParameter => ({
  type: 'string',
  mutable: true,
  ephemeral: false,
  required: false,
  options: [],
  ...spec,
});

function refusal(run: () => unknown): HangarError {
  try {
    run();
  } catch (error) {
    return error as HangarError;
  }
  throw new Error('expected a refusal');
}

test('each type is checked: number, bool, list(string) as a JSON array of strings', () => {
  assert.is(parameterValueProblem(param({ name: 'n', type: 'number' }), '12.5'), undefined);
  assert.is(parameterValueProblem(param({ name: 'n', type: 'number' }), 'twelve'), 'must be a number');
  assert.is(parameterValueProblem(param({ name: 'b', type: 'bool' }), 'true'), undefined);
  assert.is(parameterValueProblem(param({ name: 'b', type: 'bool' }), 'yes'), 'must be "true" or "false"');
  assert.is(parameterValueProblem(param({ name: 'l', type: 'list(string)' }), '["a","b"]'), undefined);
  assert.match(parameterValueProblem(param({ name: 'l', type: 'list(string)' }), '["a",1]')!, /JSON array of strings/);
  assert.match(parameterValueProblem(param({ name: 'l', type: 'list(string)' }), 'a,b')!, /JSON array of strings/);
});

test('options, min/max and regex apply, with the template error message and its placeholders', () => {
  const region = param({ name: 'region', options: [{ name: 'EU', value: 'eu' }, { name: 'US', value: 'us' }] });
  assert.is(parameterValueProblem(region, 'eu'), undefined);
  assert.match(parameterValueProblem(region, 'mars')!, /"mars" is not one of the options: "eu", "us"/);
  const tags = param({ name: 'tags', type: 'list(string)', options: [{ name: 'A', value: 'a' }, { name: 'B', value: 'b' }] });
  assert.is(parameterValueProblem(tags, '["a","b"]'), undefined);
  assert.match(parameterValueProblem(tags, '["a","c"]')!, /"c" is not one of the options/);
  const cpus = param({ name: 'cpus', type: 'number', validation: { min: 1, max: 8 } });
  assert.is(parameterValueProblem(cpus, '0'), 'must be at least 1');
  assert.is(parameterValueProblem(cpus, '9'), 'must be at most 8');
  const custom = param({ name: 'cpus', type: 'number', validation: { min: 1, max: 8, error: '{value} is not between {min} and {max}' } });
  assert.is(parameterValueProblem(custom, '9'), '9 is not between 1 and 8');
  const repo = param({ name: 'repo', validation: { regex: '^https://', error: 'Use an https URL, not {value}' } });
  assert.is(parameterValueProblem(repo, 'https://example.com/x.git'), undefined);
  assert.is(parameterValueProblem(repo, 'git@example.com:x.git'), 'Use an https URL, not git@example.com:x.git');
});

test('a refused request value names rich_parameter_values.N.value; an unknown name names .N.name', () => {
  const parameters = [param({ name: 'region', options: [{ name: 'EU', value: 'eu' }] }), param({ name: 'cpus', type: 'number', validation: { max: 4 } })];
  const bad = refusal(() => resolveParameterValues({ parameters, requested: [{ name: 'region', value: 'eu' }, { name: 'cpus', value: '16' }], transition: 'start', versionName: 'v1' }));
  assert.is(bad.code, 'HANGAR_ERR_WORKSPACE_PARAMETER_INVALID');
  assert.equal(bad.validations, [{ field: 'rich_parameter_values.1.value', detail: 'must be at most 4' }]);
  const unknown = refusal(() => resolveParameterValues({ parameters, requested: [{ name: 'gpu', value: '1' }], transition: 'start', versionName: 'v1' }));
  assert.is(unknown.code, 'HANGAR_ERR_WORKSPACE_PARAMETER_UNKNOWN');
  assert.is(unknown.validations?.[0]?.field, 'rich_parameter_values.0.name');
  const twice = refusal(() => resolveParameterValues({ parameters, requested: [{ name: 'cpus', value: '1' }, { name: 'cpus', value: '2' }], transition: 'start', versionName: 'v1' }));
  assert.is(twice.validations?.[0]?.field, 'rich_parameter_values.1.name');
});

test('a required parameter without a value is refused for a start; defaults fill the others', () => {
  const parameters = [param({ name: 'project', required: true }), param({ name: 'size', defaultValue: 'small' })];
  const missing = refusal(() => resolveParameterValues({ parameters, requested: [], transition: 'start', versionName: 'v1' }));
  assert.is(missing.code, 'HANGAR_ERR_WORKSPACE_PARAMETER_MISSING');
  assert.match(missing.message, /"project"/);
  assert.equal(resolveParameterValues({ parameters, requested: [{ name: 'project', value: 'hangar' }], transition: 'start', versionName: 'v1' }), { project: 'hangar', size: 'small' });
});

test('immutable parameters keep their first value; mutable ones change; the first build sets either', () => {
  const parameters = [param({ name: 'disk', mutable: false, defaultValue: '10' }), param({ name: 'theme', defaultValue: 'dark' })];
  const first = resolveParameterValues({ parameters, requested: [{ name: 'disk', value: '20' }], transition: 'start', versionName: 'v1' });
  assert.equal(first, { disk: '20', theme: 'dark' });
  const changed = refusal(() => resolveParameterValues({ parameters, previous: first, requested: [{ name: 'disk', value: '30' }], transition: 'start', versionName: 'v1' }));
  assert.is(changed.code, 'HANGAR_ERR_WORKSPACE_PARAMETER_IMMUTABLE');
  assert.equal(changed.validations, [{ field: 'rich_parameter_values.0.value', detail: 'parameter "disk" is immutable and was "20"' }]);
  const same = resolveParameterValues({ parameters, previous: first, requested: [{ name: 'disk', value: '20' }, { name: 'theme', value: 'light' }], transition: 'start', versionName: 'v1' });
  assert.equal(same, { disk: '20', theme: 'light' });
});

test('ephemeral values last one build; others carry over to the next', () => {
  const parameters = [param({ name: 'debug', type: 'bool', ephemeral: true, defaultValue: 'false' }), param({ name: 'theme', defaultValue: 'dark' })];
  const first = resolveParameterValues({ parameters, requested: [{ name: 'debug', value: 'true' }, { name: 'theme', value: 'light' }], transition: 'start', versionName: 'v1' });
  assert.equal(first, { debug: 'true', theme: 'light' });
  assert.equal(resolveParameterValues({ parameters, previous: first, requested: [], transition: 'start', versionName: 'v1' }), { debug: 'false', theme: 'light' });
});

test('monotonic numbers may only go their way from the previous build', () => {
  const up = [param({ name: 'disk', type: 'number', validation: { monotonic: 'increasing' } })];
  assert.equal(resolveParameterValues({ parameters: up, previous: { disk: '10' }, requested: [{ name: 'disk', value: '20' }], transition: 'start', versionName: 'v1' }), { disk: '20' });
  const shrink = refusal(() => resolveParameterValues({ parameters: up, previous: { disk: '10' }, requested: [{ name: 'disk', value: '5' }], transition: 'start', versionName: 'v1' }));
  assert.is(shrink.code, 'HANGAR_ERR_WORKSPACE_PARAMETER_INVALID');
  assert.match(shrink.validations![0]!.detail, /at least 10/);
  const down = [param({ name: 'quota', type: 'number', validation: { monotonic: 'decreasing' } })];
  const grow = refusal(() => resolveParameterValues({ parameters: down, previous: { quota: '5' }, requested: [{ name: 'quota', value: '6' }], transition: 'start', versionName: 'v1' }));
  assert.match(grow.validations![0]!.detail, /at most 5/);
});

test('stop and delete never fail over carried or missing values', () => {
  const parameters = [param({ name: 'project', required: true }), param({ name: 'region', options: [{ name: 'EU', value: 'eu' }] })];
  assert.equal(resolveParameterValues({ parameters, previous: { region: 'gone' }, requested: [], transition: 'delete', versionName: 'v2' }), { project: '', region: 'gone' });
});

test('workspace names follow Coder: lowercase, digits, single hyphens, at most 32', () => {
  assert.is(workspaceNameProblem('my-dev-1'), undefined);
  for (const bad of ['', 'My-Dev', 'dev_1', '-dev', 'dev-', 'a--b', 'a'.repeat(33), 'dev 1']) assert.ok(workspaceNameProblem(bad), bad);
});

test('workspace status comes from the build transition and the job status', () => {
  assert.is(workspaceStatus('start', 'pending'), 'pending');
  assert.is(workspaceStatus('start', 'running'), 'starting');
  assert.is(workspaceStatus('stop', 'running'), 'stopping');
  assert.is(workspaceStatus('delete', 'running'), 'deleting');
  assert.is(workspaceStatus('start', 'succeeded'), 'running');
  assert.is(workspaceStatus('stop', 'succeeded'), 'stopped');
  assert.is(workspaceStatus('delete', 'succeeded'), 'deleted');
  assert.is(workspaceStatus('stop', 'failed'), 'failed');
  assert.is(workspaceStatus('start', 'canceling'), 'canceling');
  assert.is(workspaceStatus('delete', 'canceled'), 'canceled');
});

test.run();
