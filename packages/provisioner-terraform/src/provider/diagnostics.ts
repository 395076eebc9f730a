import type { Msg } from './wire/protobuf.js';
import { Severity } from './wire/tfplugin6-messages.js';

/** A step into a value: attribute name, or list index. */
export type PathStep = string | number;

/** A Terraform diagnostic; with a `path` terraform points at the offending line of the config. */
export interface Diagnostic {
  readonly severity: 'error' | 'warning';
  readonly summary: string;
  readonly detail?: string;
  readonly path?: readonly PathStep[];
}

/** Shorthand for an error diagnostic. */
export function error(summary: string, detail?: string, path?: readonly PathStep[]): Diagnostic {
  return { severity: 'error', summary, detail, path };
}

/** Shorthand for a warning diagnostic. */
export function warning(summary: string, detail?: string, path?: readonly PathStep[]): Diagnostic {
  return { severity: 'warning', summary, detail, path };
}

/** Converts an attribute path to tfplugin6's `AttributePath`. */
export function attributePath(path: readonly PathStep[]): Msg {
  return {
    steps: path.map((step) =>
      typeof step === 'number' ? { element_key_int: step } : { attribute_name: step },
    ),
  };
}

/** Converts diagnostics to tfplugin6 messages. */
export function toProtoDiagnostics(diagnostics: readonly Diagnostic[]): Msg[] {
  return diagnostics.map((d) => ({
    severity: d.severity === 'error' ? Severity.ERROR : Severity.WARNING,
    summary: d.summary,
    detail: d.detail ?? '',
    attribute: d.path && d.path.length > 0 ? attributePath(d.path) : undefined,
  }));
}

/** True when any diagnostic is an error. */
export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
