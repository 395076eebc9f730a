/**
 * One entry of an error table: the HTTP status it maps to and a message template whose
 * `{name}` placeholders are filled from the error's parameters.
 */
export interface ErrorCodeSpec {
  readonly status: number;
  readonly message: string;
}

/**
 * Core's error table. Every code is documented in `docs/errors.md` (a test checks it).
 * Plugins keep tables of their own and register them with {@link registerErrorCodes}.
 */
export const coreErrorCodes = {
  // kernel
  HANGAR_ERR_PLUGIN_DEPENDENCY_MISSING: { status: 500, message: 'Plugin "{plugin}" depends on "{dependency}", which is not registered.' },
  HANGAR_ERR_PLUGIN_DEPENDENCY_CYCLE: { status: 500, message: 'Plugins depend on each other in a cycle: {cycle}.' },
  HANGAR_ERR_PLUGIN_DUPLICATE: { status: 500, message: 'Two plugins are named "{plugin}".' },
  HANGAR_ERR_PLUGIN_INVALID: { status: 500, message: 'Plugin "{plugin}" is not valid: {reason}.' },
  HANGAR_ERR_PLUGIN_REGISTER_FAILED: { status: 500, message: 'Plugin "{plugin}" failed to register.' },
  HANGAR_ERR_SERVICE_MISSING: { status: 500, message: 'No service is provided for "{service}".' },
  HANGAR_ERR_CONFIG_INVALID: { status: 500, message: 'The configuration is not valid: {reason}.' },
  HANGAR_ERR_SERVER_STATE: { status: 500, message: 'The server cannot {action} while it is {state}.' },
  HANGAR_ERR_ROUTE_ACCESS_UNDECLARED: { status: 500, message: 'Route {method} {url} does not declare who may call it.' },
  // database
  HANGAR_ERR_DATABASE_UNREACHABLE: { status: 503, message: 'The database at {target} cannot be reached.' },
  HANGAR_ERR_DATABASE_EMBEDDED_START: { status: 500, message: 'The embedded PostgreSQL in {dir} failed to start.' },
  HANGAR_ERR_DATABASE_VERSION: { status: 500, message: 'PostgreSQL {version} is too old; Hangar needs 13 or newer.' },
  HANGAR_ERR_MIGRATION_FAILED: { status: 500, message: 'Database migration "{migration}" failed; nothing was changed.' },
  // pubsub
  HANGAR_ERR_PUBSUB_CHANNEL_INVALID: { status: 500, message: 'Pubsub channel "{channel}" is not valid: {reason}.' },
  // http
  HANGAR_ERR_VALIDATION: { status: 400, message: 'The request is not valid.' },
  HANGAR_ERR_BODY_MALFORMED: { status: 400, message: 'The request body is not valid JSON.' },
  HANGAR_ERR_BODY_TOO_LARGE: { status: 413, message: 'The request body is larger than {limit} bytes.' },
  HANGAR_ERR_MEDIA_TYPE_UNSUPPORTED: { status: 415, message: 'The content type "{type}" is not supported here.' },
  HANGAR_ERR_ROUTE_NOT_FOUND: { status: 404, message: 'No route matches {method} {url}.' },
  HANGAR_ERR_UNAUTHENTICATED: { status: 401, message: 'You must sign in to do this.' },
  HANGAR_ERR_FORBIDDEN: { status: 403, message: 'You are not allowed to do this.' },
  HANGAR_ERR_NOT_FOUND: { status: 404, message: 'The {resource} was not found.' },
  HANGAR_ERR_CONFLICT: { status: 409, message: '{reason}' },
  HANGAR_ERR_RATE_LIMITED: { status: 429, message: 'Too many requests; retry in {retryAfter} seconds.' },
  HANGAR_ERR_INTERNAL: { status: 500, message: 'Something went wrong on the server.' },
  HANGAR_ERR_UNAVAILABLE: { status: 503, message: 'The server is shutting down or not ready.' },
} as const satisfies Record<string, ErrorCodeSpec>;

/** A code of core's error table. */
export type CoreErrorCode = keyof typeof coreErrorCodes;

const registry = new Map<string, ErrorCodeSpec>(Object.entries(coreErrorCodes));

/**
 * Adds a plugin's error table. Codes must follow `HANGAR_ERR_<AREA>_<WHAT>` and be unique.
 *
 * @example
 * ```ts
 * export const terraformErrorCodes = registerErrorCodes({
 *   HANGAR_ERR_TERRAFORM_INIT: { status: 500, message: 'terraform init failed.' },
 * });
 * ```
 */
export function registerErrorCodes<T extends Record<string, ErrorCodeSpec>>(table: T): T {
  for (const [code, spec] of Object.entries(table)) {
    if (!/^HANGAR_ERR_[A-Z0-9_]+$/.test(code)) throw new Error(`error code ${code} does not match HANGAR_ERR_<AREA>_<WHAT>`);
    const known = registry.get(code);
    if (known && known !== spec && (known.status !== spec.status || known.message !== spec.message)) {
      throw new Error(`error code ${code} is registered twice with different meanings`);
    }
    registry.set(code, spec);
  }
  return table;
}

/** Every registered error code with its spec: core's and those plugins registered. */
export function errorCodes(): ReadonlyMap<string, ErrorCodeSpec> {
  return registry;
}

/** The spec for a code, or undefined when the code is unknown. */
export function errorCodeSpec(code: string): ErrorCodeSpec | undefined {
  return registry.get(code);
}
