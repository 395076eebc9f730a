import { createHash } from 'node:crypto';
import { error, type Diagnostic } from '../diagnostics.js';
import type { DataSourceDef } from '../schema/schema-types.js';
import { containsUnknown, isObject, type ObjectValue, type Value } from '../wire/cty-msgpack.js';
import { checkParameterValue, checkType, compileRegex, PARAMETER_TYPES, type ParameterRules } from './parameter-rules.js';

const FORM_TYPES = ['input', 'textarea', 'dropdown', 'radio', 'checkbox', 'switch', 'slider', 'multi-select', 'tag-select', 'error'];

/**
 * `data.hangar_parameter` / `data.coder_parameter`: a value the workspace owner chooses. `value`
 * is the build's value for this name, else `default`; broken rules are diagnostics that point at
 * the rule in the template.
 */
export const parameterDataSource: DataSourceDef = {
  name: 'parameter',
  schema: {
    description: 'A parameter the workspace owner fills in when creating or updating the workspace.',
    attributes: {
      id: { type: 'string', computed: true, description: 'Stable ID derived from the workspace and the name.' },
      name: { type: 'string', required: true, description: 'Unique name; builds pass values by it.' },
      display_name: { type: 'string', optional: true, description: 'Label in the UI.' },
      description: { type: 'string', optional: true, description: 'Markdown help text.' },
      type: { type: 'string', default: 'string', oneOf: PARAMETER_TYPES, description: 'string, number, bool or list(string).' },
      form_type: { type: 'string', optional: true, computed: true, oneOf: FORM_TYPES, description: 'Input widget; derived from type and options when unset.' },
      styling: { type: 'string', optional: true, only: 'coder', description: 'JSON styling hints for the UI.' },
      mutable: { type: 'bool', default: false, description: 'Whether the value may change after the workspace is created.' },
      ephemeral: { type: 'bool', default: false, description: 'The value applies to one build only and falls back to the default.' },
      default: { type: 'string', optional: true, description: 'Default value; without one the parameter is required. Lists as JSON.' },
      icon: { type: 'string', optional: true, description: 'Icon URL or /icon/ path.' },
      order: { type: 'number', optional: true, description: 'Position in the form.' },
      value: { type: 'string', computed: true, description: 'The value for this build (lists as JSON).' },
      optional: { type: 'bool', computed: true, description: 'Whether the parameter has a default.' },
    },
    blocks: {
      option: {
        nesting: 'list',
        description: 'A choice; with options, the value must be one of them.',
        attributes: {
          name: { type: 'string', required: true, description: 'Label of the choice.' },
          description: { type: 'string', optional: true, description: 'Help text.' },
          value: { type: 'string', required: true, description: 'Value the choice stands for.' },
          icon: { type: 'string', optional: true, description: 'Icon URL or /icon/ path.' },
        },
      },
      validation: {
        nesting: 'list',
        maxItems: 1,
        description: 'Rules the value must follow.',
        attributes: {
          min: { type: 'number', optional: true, description: 'Smallest number allowed.' },
          max: { type: 'number', optional: true, description: 'Largest number allowed.' },
          monotonic: { type: 'string', optional: true, oneOf: ['increasing', 'decreasing'], description: 'A number may only grow ("increasing") or shrink ("decreasing") between builds.' },
          regex: { type: 'string', optional: true, description: 'Pattern a string must match (needs error).' },
          error: { type: 'string', optional: true, description: 'Message shown when the value breaks a rule; may use {min}, {max}, {value}.' },
          min_disabled: { type: 'bool', computed: true, description: 'True when min is unset.' },
          max_disabled: { type: 'bool', computed: true, description: 'True when max is unset.' },
        },
      },
    },
  },
  validate(config) {
    const rules = readRules(config);
    // Rules built from values not known yet are checked again when the data source is read.
    if (!rules || containsUnknown(config.option) || containsUnknown(config.validation)) return [];
    const out = ruleProblems(rules);
    if (config.ephemeral === true && config.mutable !== true) {
      out.push(error('Invalid parameter', 'an ephemeral parameter must also be mutable.', ['ephemeral']));
    }
    if (config.ephemeral === true && config.default === null) {
      out.push(error('Invalid parameter', 'an ephemeral parameter needs a default.', ['ephemeral']));
    }
    if (typeof config.default === 'string' && out.length === 0) {
      const violation = checkParameterValue(rules, config.default);
      if (violation) out.push(error(`Invalid default for parameter "${rules.name}"`, violation.detail, ['default']));
    }
    return out;
  },
  read(state, { build }) {
    const rules = readRules(state);
    if (!rules) return [error('Invalid parameter', 'name and type must be known when the parameter is read.')];
    const given = build.parameter(rules.name);
    const fallback = typeof state.default === 'string' ? state.default : undefined;
    let value = given ?? fallback;
    if (value === undefined) {
      if (build.context.missingParameters !== 'empty') {
        return [
          error(
            `Missing value for parameter "${rules.name}"`,
            `parameter "${rules.name}" has no default, so the build must give it a value.`,
            ['name'],
          ),
        ];
      }
      value = '';
    } else {
      const violation = checkParameterValue(rules, value, build.previousParameter(rules.name));
      if (violation) {
        const source = given !== undefined ? 'value' : 'default';
        return [error(`Invalid ${source} for parameter "${rules.name}"`, violation.detail, violation.path)];
      }
    }
    state.value = value;
    state.optional = fallback !== undefined;
    state.id = stableId(build.context.workspace.id, rules.name);
    if (state.form_type === null) state.form_type = defaultFormType(rules);
    for (const v of asObjects(state.validation)) {
      v.min_disabled = v.min === null;
      v.max_disabled = v.max === null;
    }
    return [];
  },
};

/** Static checks of the block itself: option and validation settings that fit the type. */
function ruleProblems(rules: ParameterRules): Diagnostic[] {
  const out: Diagnostic[] = [];
  const names = new Set<string>();
  const values = new Set<string>();
  rules.options.forEach((option, i) => {
    if (names.has(option.name)) out.push(error('Duplicate option', `option name "${option.name}" is used twice.`, ['option', i, 'name']));
    if (values.has(option.value)) out.push(error('Duplicate option', `option value "${option.value}" is used twice.`, ['option', i, 'value']));
    names.add(option.name);
    values.add(option.value);
    const itemType = rules.type === 'list(string)' ? 'string' : rules.type;
    const problem = checkType(itemType, option.value);
    if (problem) out.push(error('Invalid option', `option "${option.name}": ${problem}`, ['option', i, 'value']));
  });
  const v = rules.validation;
  if (!v) return out;
  const at = (field: string) => ['validation', 0, field];
  if (rules.type !== 'number') {
    for (const field of ['min', 'max', 'monotonic'] as const) {
      if (v[field] !== null) out.push(error('Invalid validation', `${field} only applies to number parameters, not ${rules.type}.`, at(field)));
    }
  }
  if (v.regex !== null) {
    if (rules.type !== 'string') out.push(error('Invalid validation', `regex only applies to string parameters, not ${rules.type}.`, at('regex')));
    else if (!compileRegex(v.regex)) out.push(error('Invalid validation', `regex ${JSON.stringify(v.regex)} does not compile.`, at('regex')));
    if (!v.error) out.push(error('Invalid validation', 'a regex needs an error message telling users what is expected.', at('error')));
  }
  if (v.min !== null && v.max !== null && v.min > v.max) {
    out.push(error('Invalid validation', `min ${v.min} is greater than max ${v.max}.`, at('min')));
  }
  return out;
}

/** Reads the rules from a config or state object; undefined while parts are still unknown. */
function readRules(config: ObjectValue): ParameterRules | undefined {
  const { name } = config;
  const type = config.type === null ? 'string' : config.type;
  if (typeof name !== 'string' || typeof type !== 'string') return undefined;
  if (!(PARAMETER_TYPES as readonly string[]).includes(type)) return undefined;
  const options = asObjects(config.option).map((o) => ({ name: str(o.name) ?? '', value: str(o.value) ?? '' }));
  const [v] = asObjects(config.validation);
  const num = (x: Value | undefined) => (typeof x === 'number' ? x : null);
  const validation = v && { min: num(v.min), max: num(v.max), monotonic: str(v.monotonic), regex: str(v.regex), error: str(v.error) };
  return { name, type, options, validation };
}

function defaultFormType(rules: ParameterRules): string {
  if (rules.options.length > 0) return rules.type === 'list(string)' ? 'multi-select' : 'radio';
  if (rules.type === 'bool') return 'checkbox';
  return rules.type === 'list(string)' ? 'tag-select' : 'input';
}

function stableId(workspaceId: string, name: string): string {
  const h = createHash('sha256').update(`${workspaceId}/${name}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

const asObjects = (value: Value | undefined): ObjectValue[] => (Array.isArray(value) ? value.filter(isObject) : []);
const str = (value: Value | undefined): string | null => (typeof value === 'string' ? value : null);
