import type { ProviderContext } from './provider-context.js';

/**
 * Where a provider instance gets its build context from: a job's {@link ProviderContext} in
 * reattach mode, or environment variables standalone. Parameters are looked up by name because
 * the environment form (`CODER_PARAMETER_<sha256(name)>`) cannot be listed up front.
 */
export interface ContextSource {
  readonly context: ProviderContext;
  parameter(name: string): string | undefined;
  previousParameter(name: string): string | undefined;
}

/** The context one terraform connection sees: its source plus the provider block's settings. */
export interface ProviderBuildContext extends ContextSource {
  /** `url` from the provider block when set, else the workspace access URL. */
  readonly accessUrl: string;
}

/** Wraps a plain context; parameter lookups are exact name matches. */
export function contextSource(context: ProviderContext): ContextSource {
  return {
    context,
    parameter: (name) => own(context.parameters, name),
    previousParameter: (name) => own(context.previousParameters, name),
  };
}

/** Applies the provider block's `url` (if any) on top of a source. */
export function buildContext(source: ContextSource, providerUrl: string | null | undefined): ProviderBuildContext {
  return {
    context: source.context,
    parameter: (name) => source.parameter(name),
    previousParameter: (name) => source.previousParameter(name),
    accessUrl: providerUrl || source.context.workspace.accessUrl,
  };
}

function own(record: Readonly<Record<string, string>> | undefined, key: string): string | undefined {
  return record && Object.hasOwn(record, key) ? record[key] : undefined;
}
