import type { ParameterValidation, TemplateParameter } from '@hangar/core';
import { TerraformError } from './terraform-errors.js';
import { isKind, num, objects, str } from './provider-values.js';
import type { LocatedResource } from './terraform-json.js';

const TYPES = ['string', 'number', 'bool', 'list(string)'] as const;

/**
 * The template's parameters (`data.hangar_parameter` / `data.coder_parameter` read during a
 * plan), in declaration order: `order` gives each data source address its position in the
 * template's files (see `readTemplate`); addresses it does not know (parameters declared in
 * modules) follow, by address. Two parameters with one name are a template error, as in Coder.
 */
export function mapParameters(resources: readonly LocatedResource[], order: ReadonlyMap<string, number>): TemplateParameter[] {
  const found = resources.filter((r) => r.mode === 'data' && isKind(r.type, 'parameter'));
  const position = (r: LocatedResource): number => order.get(r.address) ?? Number.MAX_SAFE_INTEGER;
  found.sort((a, b) => position(a) - position(b) || a.address.localeCompare(b.address));
  const names = new Set<string>();
  return found.map((r) => {
    const parameter = parameterFromValues(r.values ?? {});
    if (names.has(parameter.name)) {
      throw new TerraformError('HANGAR_ERR_TERRAFORM_TEMPLATE_INVALID', {
        reason: `parameter names must be unique, but "${parameter.name}" is declared more than once (${r.address}).`,
      });
    }
    names.add(parameter.name);
    return parameter;
  });
}

/** One parameter data source's values as a {@link TemplateParameter}. */
export function parameterFromValues(v: Readonly<Record<string, unknown>>): TemplateParameter {
  const type = str(v.type) ?? 'string';
  const defaultValue = str(v.default);
  const displayName = str(v.display_name);
  const description = str(v.description);
  const icon = str(v.icon);
  const order = num(v.order);
  const validation = validationFromValues(objects(v.validation)[0]);
  return {
    name: str(v.name) ?? '',
    ...(displayName ? { displayName } : {}),
    ...(description ? { description } : {}),
    type: (TYPES as readonly string[]).includes(type) ? (type as TemplateParameter['type']) : 'string',
    mutable: v.mutable === true,
    ephemeral: v.ephemeral === true,
    ...(defaultValue !== undefined ? { defaultValue } : {}),
    required: defaultValue === undefined,
    ...(icon ? { icon } : {}),
    ...(order !== undefined ? { order } : {}),
    options: objects(v.option).map((o) => {
      const optionDescription = str(o.description);
      const optionIcon = str(o.icon);
      return {
        name: str(o.name) ?? '',
        value: str(o.value) ?? '',
        ...(optionDescription ? { description: optionDescription } : {}),
        ...(optionIcon ? { icon: optionIcon } : {}),
      };
    }),
    ...(validation ? { validation } : {}),
  };
}

function validationFromValues(v: Readonly<Record<string, unknown>> | undefined): ParameterValidation | undefined {
  if (!v) return undefined;
  // The provider reports min_disabled/max_disabled the way Coder's does; a null bound is unset.
  const min = v.min_disabled === true ? undefined : num(v.min);
  const max = v.max_disabled === true ? undefined : num(v.max);
  const regex = str(v.regex);
  const error = str(v.error);
  const monotonic = str(v.monotonic);
  const out: ParameterValidation = {
    ...(min !== undefined ? { min } : {}),
    ...(max !== undefined ? { max } : {}),
    ...(regex ? { regex } : {}),
    ...(error ? { error } : {}),
    ...(monotonic === 'increasing' || monotonic === 'decreasing' ? { monotonic } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
