import type { BuildContext } from './provisioner.js';
import type { ProvisionedResource, TemplateParameter, TemplateVariable } from './resource-tree.js';

/** What an import job asks a daemon to do: parse the template, then plan for start and for stop. */
export interface ImportPayload {
  readonly type: 'import';
  /** Template variable values an admin set, by name. */
  readonly variables: Readonly<Record<string, string>>;
}

/** What a build job asks a daemon to do: plan, then apply, with this context. */
export interface BuildPayload {
  readonly type: 'build';
  readonly context: BuildContext;
  /** Plans never travel: the daemon plans and applies in one go. */
  readonly plan?: never;
}

/** The daemon-side operation of a job, whatever its kind. */
export type JobPayload = ImportPayload | BuildPayload;

/** A job as a daemon receives it: everything needed to run it without asking again. */
export interface AcquiredJob {
  readonly id: string;
  readonly kind: string;
  readonly provisioner: string;
  /** The template's tar archive. */
  readonly archive: Uint8Array;
  readonly payload: JobPayload;
}

/** What a successful import reports. */
export interface ImportJobResult {
  readonly type: 'import';
  readonly variables: readonly TemplateVariable[];
  readonly readme?: string;
  /** Parameters the start plan declared. */
  readonly parameters: readonly TemplateParameter[];
  /** Resources a start would create. */
  readonly startResources: readonly ProvisionedResource[];
  /** Resources left after a stop (the ones in both lists persist). */
  readonly stopResources: readonly ProvisionedResource[];
}

/** What a successful build reports. */
export interface BuildJobResult {
  readonly type: 'build';
  /** The provisioner's new state, stored with the build and given to the next one. */
  readonly state: Uint8Array;
  readonly resources: readonly ProvisionedResource[];
}

/** What a daemon reports when a job succeeds. */
export type JobResult = ImportJobResult | BuildJobResult;

/** What a daemon reports when a job fails or is canceled. */
export interface JobFailure {
  /** For people; it is also written to the job's log. */
  readonly message: string;
  /** A `HANGAR_ERR_*` code; `HANGAR_ERR_PROVISIONER_JOB_FAILED` when absent. */
  readonly code?: string;
  /** State a failed apply still left (a half-created workspace): keep it for the next build. */
  readonly state?: Uint8Array;
}

/** How a job ended, as the `jobCompleted` hook and kind handlers hear it. */
export interface JobOutcome {
  readonly status: 'succeeded' | 'failed' | 'canceled';
  /** Present unless the job succeeded. */
  readonly error?: { readonly code: string; readonly message: string };
}

const bytesMarker = '$base64';

/**
 * Serialises a protocol message to JSON; byte arrays (archives, states) travel as
 * `{ "$base64": "…" }`. {@link decodeWire} reverses it.
 */
export function encodeWire(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => {
    if (item instanceof Uint8Array) return { [bytesMarker]: Buffer.from(item.buffer, item.byteOffset, item.byteLength).toString('base64') };
    // Buffer#toJSON runs before the replacer sees it: turn its { type, data } back into bytes.
    if (isBufferJson(item)) return { [bytesMarker]: Buffer.from(item.data).toString('base64') };
    return item;
  });
}

/** Parses a message written by {@link encodeWire}; `{ "$base64": … }` objects become `Uint8Array`s. */
export function decodeWire(text: string): unknown {
  return JSON.parse(text, (_key, item: unknown) => {
    if (item && typeof item === 'object' && !Array.isArray(item)) {
      const keys = Object.keys(item);
      const encoded = (item as Record<string, unknown>)[bytesMarker];
      if (keys.length === 1 && typeof encoded === 'string') return new Uint8Array(Buffer.from(encoded, 'base64'));
    }
    return item;
  });
}

function isBufferJson(item: unknown): item is { type: 'Buffer'; data: number[] } {
  return Boolean(item) && typeof item === 'object' && (item as { type?: unknown }).type === 'Buffer' && Array.isArray((item as { data?: unknown }).data);
}
