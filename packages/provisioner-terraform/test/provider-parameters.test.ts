import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { serveProvider, type ProviderContextInit } from '../src/provider/index.js';
import { createTerraformWorkdir, type TerraformResult } from '../src/provider/testing/terraform-workdir.js';

// Parameter values and rules, checked by a real `terraform plan` against the in-process provider.
// Every broken rule must fail the plan with a message that says what is wrong and points at the
// rule's line in the template.

/** Plans one `data "hangar_parameter" "p"` block with the given body and build context. */
async function planParameter(body: string, ctx: ProviderContextInit = {}): Promise<TerraformResult & { value?: unknown }> {
  const tf = await createTerraformWorkdir({
    'main.tf': `
terraform {
  required_providers {
    hangar = { source = "hangar/hangar" }
  }
}
data "hangar_parameter" "p" {
${body}
}
output "value" { value = data.hangar_parameter.p.value }
`,
  });
  const provider = await serveProvider({ context: ctx });
  try {
    const result = await tf.run(['plan', '-no-color', '-out=tfplan'], provider.env);
    if (result.code !== 0) return result;
    const shown = await tf.json<{ planned_values: { outputs: { value: { value: unknown } } } }>(['show', '-json', 'tfplan'], provider.env);
    return { ...result, value: shown.planned_values.outputs.value.value };
  } finally {
    await provider.close();
    await tf.dispose();
  }
}

/** Asserts a failed plan whose diagnostics (re-joined: terraform wraps long lines) hold `needles`. */
const failsWith = (result: TerraformResult, ...needles: (string | RegExp)[]): void => {
  assert.is(result.code, 1, `plan should fail:\n${result.stdout}`);
  const text = result.stderr.replace(/\s+/g, ' ');
  for (const needle of needles) assert.match(text, needle);
};

/** The source line terraform quotes for a diagnostic, e.g. `14: min = 2`. */
const quotes = (line: string): RegExp => new RegExp(`in data "hangar_parameter" "p": \\d+: ${line.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`);

const numberParam = `
  name    = "cpu"
  type    = "number"
  default = "4"
  mutable = true
  validation {
    min       = 2
    max       = 8
    monotonic = "increasing"
  }`;

test('the value comes from the build when given, else from the default', async () => {
  assert.is((await planParameter(numberParam, { parameters: { cpu: '6' } })).value, '6');
  assert.is((await planParameter(numberParam)).value, '4');
});

test('a number below min fails at the min line', async () => {
  const result = await planParameter(numberParam, { parameters: { cpu: '1' } });
  failsWith(result, 'Invalid value for parameter "cpu"', 'value 1 is less than the minimum 2', quotes('min = 2'));
});

test('a number above max fails at the max line', async () => {
  failsWith(await planParameter(numberParam, { parameters: { cpu: '9' } }), 'value 9 is more than the maximum 8', quotes('max = 8'));
});

test('validation error messages are templated with {min} and {max}', async () => {
  const body = numberParam.replace('monotonic = "increasing"', 'error = "Pick {min} to {max} cores"');
  failsWith(await planParameter(body, { parameters: { cpu: '12' } }), 'Pick 2 to 8 cores (value 12 is more than the maximum 8)');
});

test('monotonic increasing refuses a value below the previous build', async () => {
  const ctx = { parameters: { cpu: '4' }, previousParameters: { cpu: '6' } };
  failsWith(await planParameter(numberParam, ctx), 'must be equal to or greater than the previous value 6', quotes('monotonic = "increasing"'));
  assert.is((await planParameter(numberParam, { parameters: { cpu: '8' }, previousParameters: { cpu: '6' } })).value, '8');
});

test('a string that does not match the regex fails with the template author message', async () => {
  const body = `
  name    = "repo"
  default = "hangar"
  validation {
    regex = "^[a-z-]+$"
    error = "Use lowercase letters and dashes"
  }`;
  failsWith(
    await planParameter(body, { parameters: { repo: 'Bad Repo' } }),
    'Use lowercase letters and dashes (value "Bad Repo" does not match "^[a-z-]+$")',
    quotes('regex = "^[a-z-]+$"'),
  );
});

test('a value outside the options fails and lists the options', async () => {
  const body = `
  name    = "region"
  default = "eu"
  option {
    name  = "Europe"
    value = "eu"
  }
  option {
    name  = "United States"
    value = "us"
  }`;
  failsWith(await planParameter(body, { parameters: { region: 'mars' } }), 'value "mars" is not one of the options: "eu", "us"');
  assert.is((await planParameter(body, { parameters: { region: 'us' } })).value, 'us');
});

test('list(string) values are JSON lists and every element must be an option', async () => {
  const body = `
  name      = "tools"
  type      = "list(string)"
  form_type = "multi-select"
  default   = jsonencode(["git"])
  option {
    name  = "Git"
    value = "git"
  }
  option {
    name  = "Vim"
    value = "vim"
  }`;
  assert.is((await planParameter(body, { parameters: { tools: '["git","vim"]' } })).value, '["git","vim"]');
  failsWith(await planParameter(body, { parameters: { tools: '["git","emacs"]' } }), 'value "emacs" is not one of the options');
  failsWith(await planParameter(body, { parameters: { tools: 'git' } }), 'is not a JSON list of strings');
});

test('a value of the wrong type fails at the type line', async () => {
  failsWith(await planParameter(numberParam, { parameters: { cpu: 'lots' } }), 'value "lots" is not a number', quotes('type = "number"'));
  const bool = 'name = "gpu"\n  type = "bool"\n  default = "false"';
  failsWith(await planParameter(bool, { parameters: { gpu: 'yes' } }), 'value "yes" is not a bool');
});

test('a required parameter without a value fails, unless the build asks for empty values', async () => {
  failsWith(await planParameter('name = "project"', {}), 'Missing value for parameter "project"', 'has no default');
  assert.is((await planParameter('name = "project"', { missingParameters: 'empty' })).value, '');
  assert.is((await planParameter('name = "project"', { parameters: { project: 'x' } })).value, 'x');
});

test('rules that cannot hold are rejected before any value is read', async () => {
  failsWith(await planParameter('name = "a"\n  validation {\n    regex = "^x$"\n  }'), 'a regex needs an error message');
  failsWith(await planParameter('name = "a"\n  type = "number"\n  validation {\n    min = 5\n    max = 1\n  }'), 'min 5 is greater than max 1');
  failsWith(await planParameter('name = "a"\n  validation {\n    min = 1\n  }'), 'min only applies to number parameters');
  failsWith(await planParameter('name = "a"\n  type = "text"'), 'Invalid type "text"');
  failsWith(
    await planParameter('name = "a"\n  default = "c"\n  option {\n    name = "B"\n    value = "b"\n  }'),
    'Invalid default for parameter "a"',
    'value "c" is not one of the options',
  );
});

test.run();
