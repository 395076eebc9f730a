import type { TemplateParameter } from '../provisioning/resource-tree.js';

const numberPattern = /^-?(?:\d+)(?:\.\d+)?$/;

/**
 * Why a value breaks its parameter's rules, or `undefined` when it follows them: the type
 * (`string`, `number`, `bool`, `list(string)` as a JSON array of strings), the options, and
 * the validation's min/max and regex. A rule with an `error` message reports that message,
 * with `{min}`, `{max}` and `{value}` filled in (as Coder's provider does).
 *
 * @example
 * ```ts
 * parameterValueProblem({ ...spec, type: 'number', validation: { min: 1, max: 8 } }, '9');
 * // 'must be at most 8'
 * ```
 */
export function parameterValueProblem(spec: TemplateParameter, value: string): string | undefined {
  switch (spec.type) {
    case 'bool':
      if (value !== 'true' && value !== 'false') return 'must be "true" or "false"';
      return optionProblem(spec, [value]);
    case 'number':
      return numberProblem(spec, value);
    case 'list(string)':
      return listProblem(spec, value);
    default:
      return optionProblem(spec, [value]) ?? regexProblem(spec, value);
  }
}

/**
 * Why a number breaks a monotonic rule against the previous build's value, or `undefined`.
 * Only number parameters with `validation.monotonic` and a previous value are checked.
 */
export function monotonicProblem(spec: TemplateParameter, previous: string | undefined, value: string): string | undefined {
  const direction = spec.validation?.monotonic;
  if (spec.type !== 'number' || !direction || previous === undefined || !numberPattern.test(previous)) return undefined;
  const before = Number(previous);
  const after = Number(value);
  if (direction === 'increasing' && after < before) return custom(spec, value) ?? `must be at least ${previous} (the value may only increase)`;
  if (direction === 'decreasing' && after > before) return custom(spec, value) ?? `must be at most ${previous} (the value may only decrease)`;
  return undefined;
}

function numberProblem(spec: TemplateParameter, value: string): string | undefined {
  if (!numberPattern.test(value)) return 'must be a number';
  const n = Number(value);
  const { min, max } = spec.validation ?? {};
  if (min !== undefined && n < min) return custom(spec, value) ?? `must be at least ${min}`;
  if (max !== undefined && n > max) return custom(spec, value) ?? `must be at most ${max}`;
  return optionProblem(spec, [value]);
}

function listProblem(spec: TemplateParameter, value: string): string | undefined {
  let items: unknown;
  try {
    items = JSON.parse(value);
  } catch {
    return 'must be a JSON array of strings, e.g. ["a","b"]';
  }
  if (!Array.isArray(items) || items.some((item) => typeof item !== 'string')) return 'must be a JSON array of strings, e.g. ["a","b"]';
  return optionProblem(spec, items as string[]);
}

function optionProblem(spec: TemplateParameter, values: readonly string[]): string | undefined {
  if (!spec.options.length) return undefined;
  const allowed = new Set(spec.options.map((option) => option.value));
  const wrong = values.find((value) => !allowed.has(value));
  if (wrong === undefined) return undefined;
  return `"${wrong}" is not one of the options: ${spec.options.map((option) => `"${option.value}"`).join(', ')}`;
}

function regexProblem(spec: TemplateParameter, value: string): string | undefined {
  const source = spec.validation?.regex;
  if (!source) return undefined;
  let pattern: RegExp;
  try {
    pattern = new RegExp(source);
  } catch {
    return `the template's pattern ${source} is not a valid regular expression`;
  }
  return pattern.test(value) ? undefined : (custom(spec, value) ?? `must match ${source}`);
}

/** The template's own error message with placeholders filled, if it has one. */
function custom(spec: TemplateParameter, value: string): string | undefined {
  const message = spec.validation?.error;
  if (!message) return undefined;
  const fill: Record<string, string> = {
    min: String(spec.validation?.min ?? ''),
    max: String(spec.validation?.max ?? ''),
    value,
  };
  return message.replace(/\{(min|max|value)\}/g, (_whole, key: string) => fill[key]!);
}
