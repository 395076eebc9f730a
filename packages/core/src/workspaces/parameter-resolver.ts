import { HangarError } from '../errors/hangar-error.js';
import type { WorkspaceTransition } from '../provisioning/provisioner.js';
import type { TemplateParameter } from '../provisioning/resource-tree.js';
import { monotonicProblem, parameterValueProblem } from './parameter-validation.js';

/** A parameter value as a request names it (Coder's `rich_parameter_values` item). */
export interface ParameterValueInput {
  readonly name: string;
  readonly value: string;
}

/** What {@link resolveParameterValues} works from. */
export interface ParameterResolution {
  /** The version's parameters, in declaration order. */
  readonly parameters: readonly TemplateParameter[];
  /** Values the request gives; errors name them as `rich_parameter_values.N.value`. */
  readonly requested: readonly ParameterValueInput[];
  /** The values of the workspace's previous build; `undefined` for its first build. */
  readonly previous?: Readonly<Record<string, string>>;
  readonly transition: WorkspaceTransition;
  /** The version's name, for messages. */
  readonly versionName: string;
}

const field = (index: number, part: 'name' | 'value') => `rich_parameter_values.${index}.${part}`;

/**
 * The values a build runs with, in parameter order. A requested value wins; otherwise the
 * previous build's value carries over (never for an ephemeral parameter); otherwise the
 * default. Refuses, with a 400 naming the field: an unknown or repeated name, a value that
 * breaks its rules, a change to an immutable parameter after creation, a monotonic value
 * going the wrong way, and a required parameter left without a value. Stop and delete
 * builds never fail over carried values, so a workspace can always be stopped and deleted.
 */
export function resolveParameterValues(input: ParameterResolution): Record<string, string> {
  const specs = new Map(input.parameters.map((spec) => [spec.name, spec]));
  const given = new Map<string, string>();
  input.requested.forEach(({ name, value }, index) => {
    const spec = specs.get(name);
    if (!spec) {
      throw new HangarError('HANGAR_ERR_WORKSPACE_PARAMETER_UNKNOWN', { name, version: input.versionName }, {
        validations: [{ field: field(index, 'name'), detail: `is not a parameter of template version "${input.versionName}"` }],
      });
    }
    if (given.has(name)) throw invalid(name, field(index, 'name'), 'is given more than once');
    const before = input.previous?.[name];
    if (input.previous && !spec.mutable && before !== undefined && before !== value) {
      throw new HangarError('HANGAR_ERR_WORKSPACE_PARAMETER_IMMUTABLE', { name }, {
        validations: [{ field: field(index, 'value'), detail: `parameter "${name}" is immutable and was "${before}"` }],
      });
    }
    const problem = parameterValueProblem(spec, value) ?? (spec.ephemeral ? undefined : monotonicProblem(spec, before, value));
    if (problem) throw invalid(name, field(index, 'value'), problem);
    given.set(name, value);
  });

  const lenient = input.transition !== 'start';
  const resolved: Record<string, string> = {};
  for (const spec of input.parameters) {
    const carried = spec.ephemeral ? undefined : input.previous?.[spec.name];
    const value = given.get(spec.name) ?? carried ?? spec.defaultValue;
    if (value === undefined || (spec.required && value === '' && !given.has(spec.name))) {
      if (spec.required && !lenient) {
        throw new HangarError('HANGAR_ERR_WORKSPACE_PARAMETER_MISSING', { name: spec.name }, {
          validations: [{ field: 'rich_parameter_values', detail: `parameter "${spec.name}" is required and has no value` }],
        });
      }
      resolved[spec.name] = value ?? '';
      continue;
    }
    if (!given.has(spec.name) && !lenient) assertValid(spec, value);
    resolved[spec.name] = value;
  }
  return resolved;
}

/**
 * Checks values that did not come from the request (carried, defaulted, or set by a
 * `resolveParameters` tap) against their parameters; a 400 names the parameter.
 */
export function assertResolvedValues(parameters: readonly TemplateParameter[], values: Readonly<Record<string, string>>, transition: WorkspaceTransition): void {
  if (transition !== 'start') return;
  const specs = new Map(parameters.map((spec) => [spec.name, spec]));
  for (const [name, value] of Object.entries(values)) {
    const spec = specs.get(name);
    if (!spec) throw invalid(name, 'rich_parameter_values', `"${name}" is not a parameter of this template version`);
    assertValid(spec, value);
  }
  for (const spec of parameters) {
    if (spec.required && !(spec.name in values)) {
      throw new HangarError('HANGAR_ERR_WORKSPACE_PARAMETER_MISSING', { name: spec.name }, {
        validations: [{ field: 'rich_parameter_values', detail: `parameter "${spec.name}" is required and has no value` }],
      });
    }
  }
}

function assertValid(spec: TemplateParameter, value: string): void {
  const problem = parameterValueProblem(spec, value);
  if (problem) throw invalid(spec.name, 'rich_parameter_values', `parameter "${spec.name}" ${problem}`);
}

function invalid(name: string, fieldName: string, reason: string): HangarError {
  return new HangarError('HANGAR_ERR_WORKSPACE_PARAMETER_INVALID', { name, reason }, { validations: [{ field: fieldName, detail: reason }] });
}
