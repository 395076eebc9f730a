import { type CoreErrorCode, errorCodeSpec } from './error-codes.js';

/** A field at fault in a request, as rendered in an error body's `validations`. */
export interface FieldError {
  /** The field's path, dotted: `name`, `parameters.0.value`, `query.limit`. */
  readonly field: string;
  /** What is wrong with it, for people. */
  readonly detail: string;
}

/** Options of a {@link HangarError} beyond its code and parameters. */
export interface HangarErrorOptions {
  /** The technical cause, shown as `detail` in the response. */
  readonly detail?: string;
  /** Fields at fault. */
  readonly validations?: readonly FieldError[];
  /** The error this one wraps. */
  readonly cause?: unknown;
  /** HTTP headers the response carries (e.g. `Retry-After`). */
  readonly headers?: Readonly<Record<string, string>>;
  /** Overrides the table's message. */
  readonly message?: string;
}

/**
 * The one error type business code throws. Its code comes from an error table; only the
 * HTTP layer turns it into a response `{ code, message, detail?, validations? }`.
 *
 * @example
 * ```ts
 * throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template' });
 * ```
 */
export class HangarError extends Error {
  /** The `HANGAR_ERR_*` code. */
  readonly code: string;
  /** HTTP status from the code's table entry. */
  readonly statusCode: number;
  /** The technical cause. */
  readonly detail?: string;
  /** Fields at fault. */
  readonly validations?: readonly FieldError[];
  /** Extra response headers. */
  readonly headers?: Readonly<Record<string, string>>;
  /** The parameters the message was filled from. */
  readonly params: Readonly<Record<string, unknown>>;

  constructor(code: CoreErrorCode | (string & {}), params: Record<string, unknown> = {}, options: HangarErrorOptions = {}) {
    const spec = errorCodeSpec(code);
    const message = options.message ?? fillTemplate(spec?.message ?? code, params);
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.name = 'HangarError';
    this.code = code;
    this.statusCode = spec?.status ?? 500;
    this.params = params;
    if (options.detail !== undefined) this.detail = options.detail;
    if (options.validations !== undefined) this.validations = options.validations;
    if (options.headers !== undefined) this.headers = options.headers;
  }
}

/** Whether a value is a {@link HangarError}, across copies of the package. */
export function isHangarError(value: unknown): value is HangarError {
  return value instanceof HangarError || (value instanceof Error && value.name === 'HangarError' && 'code' in value);
}

/** Throws a 400 `HANGAR_ERR_VALIDATION` naming one field. */
export function invalidField(field: string, detail: string): HangarError {
  return new HangarError('HANGAR_ERR_VALIDATION', {}, { validations: [{ field, detail }], detail: `${field}: ${detail}` });
}

function fillTemplate(template: string, params: Record<string, unknown>): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => (key in params ? String(params[key]) : whole));
}
