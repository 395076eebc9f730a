import type { PathStep } from '../diagnostics.js';

/** Parameter types, as Coder names them. */
export const PARAMETER_TYPES = ['string', 'number', 'bool', 'list(string)'] as const;

/** A parameter's rules, read from its `data "hangar_parameter"` block. */
export interface ParameterRules {
  readonly name: string;
  readonly type: string;
  readonly options: readonly { readonly name: string; readonly value: string }[];
  readonly validation?: {
    readonly min: number | null;
    readonly max: number | null;
    readonly monotonic: string | null;
    readonly regex: string | null;
    readonly error: string | null;
  };
}

/** One broken rule, with the attribute of the block that states the rule. */
export interface RuleViolation {
  readonly detail: string;
  readonly path: readonly PathStep[];
}

/**
 * Checks a value (from the build, or the default) against the parameter's type, options and
 * validation block, in that order; the first broken rule is reported.
 */
export function checkParameterValue(rules: ParameterRules, value: string, previous?: string): RuleViolation | undefined {
  const typeProblem = checkType(rules.type, value);
  if (typeProblem) return { detail: typeProblem, path: ['type'] };
  if (rules.options.length > 0) {
    const allowed = rules.options.map((option) => option.value);
    const chosen = rules.type === 'list(string)' ? (JSON.parse(value) as string[]) : [value];
    const outside = chosen.find((item) => !allowed.includes(item));
    if (outside !== undefined) {
      return {
        detail: `value "${outside}" is not one of the options: ${allowed.map((v) => `"${v}"`).join(', ')}.`,
        path: ['option'],
      };
    }
  }
  const v = rules.validation;
  if (!v) return undefined;
  const at = (field: string): PathStep[] => ['validation', 0, field];
  if (rules.type === 'number') {
    const n = Number(value);
    const custom = (fallback: string): string =>
      v.error ? `${template(v.error, { min: v.min, max: v.max, value })} (${fallback})` : `${fallback}.`;
    if (v.min !== null && n < v.min) return { detail: custom(`value ${value} is less than the minimum ${v.min}`), path: at('min') };
    if (v.max !== null && n > v.max) return { detail: custom(`value ${value} is more than the maximum ${v.max}`), path: at('max') };
    if (v.monotonic && previous !== undefined && previous !== '' && Number.isFinite(Number(previous))) {
      const before = Number(previous);
      if (v.monotonic === 'increasing' && n < before) {
        return { detail: `value ${value} must be equal to or greater than the previous value ${previous} (monotonic "increasing").`, path: at('monotonic') };
      }
      if (v.monotonic === 'decreasing' && n > before) {
        return { detail: `value ${value} must be equal to or less than the previous value ${previous} (monotonic "decreasing").`, path: at('monotonic') };
      }
    }
  }
  if (rules.type === 'string' && v.regex) {
    const re = compileRegex(v.regex);
    if (re && !re.test(value)) {
      const message = template(v.error ?? 'value does not match the pattern', { value, regex: v.regex });
      return { detail: `${message} (value "${value}" does not match ${JSON.stringify(v.regex)}).`, path: at('regex') };
    }
  }
  return undefined;
}

/** Describes why `value` is not of parameter type `type`, or returns undefined. */
export function checkType(type: string, value: string): string | undefined {
  switch (type) {
    case 'number':
      return value.trim() !== '' && Number.isFinite(Number(value)) ? undefined : `value "${value}" is not a number.`;
    case 'bool':
      return value === 'true' || value === 'false' ? undefined : `value "${value}" is not a bool: use "true" or "false".`;
    case 'list(string)': {
      try {
        const parsed: unknown = JSON.parse(value);
        if (Array.isArray(parsed) && parsed.every((item) => typeof item === 'string')) return undefined;
      } catch {
        // reported below
      }
      return `value ${JSON.stringify(value)} is not a JSON list of strings, like ["a","b"].`;
    }
    default:
      return undefined;
  }
}

/**
 * Compiles a template regex. Templates are written for Go's RE2; the common `(?i)` prefix maps to
 * JavaScript's `i` flag. Returns undefined for a pattern JavaScript cannot compile.
 */
export function compileRegex(pattern: string): RegExp | undefined {
  const insensitive = pattern.startsWith('(?i)');
  try {
    return new RegExp(insensitive ? pattern.slice(4) : pattern, insensitive ? 'i' : '');
  } catch {
    return undefined;
  }
}

/** Replaces `{min}`, `{max}`, `{value}`, `{regex}` in a template author's error message. */
function template(message: string, values: Record<string, unknown>): string {
  return message.replace(/\{(min|max|value|regex)\}/g, (whole, key: string) =>
    values[key] === null || values[key] === undefined ? whole : String(values[key]),
  );
}
