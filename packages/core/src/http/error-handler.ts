import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { type FieldError, HangarError, isHangarError } from '../errors/hangar-error.js';

/** The JSON body of every error response. */
export interface ErrorBody {
  code: string;
  message: string;
  detail?: string;
  validations?: FieldError[];
}

interface AjvIssue {
  instancePath: string;
  keyword: string;
  message?: string;
  params: Record<string, unknown>;
}

/**
 * Turns anything thrown while serving a request into a {@link HangarError}: ajv failures
 * become 400 with the fields named, fastify's body errors keep their meaning, and anything
 * unexpected becomes a 500 that leaks nothing.
 */
export function toHangarError(error: unknown): HangarError {
  if (isHangarError(error)) return error;
  const fastifyError = error as FastifyError & { validation?: AjvIssue[]; validationContext?: string };
  if (Array.isArray(fastifyError.validation)) {
    const validations = fastifyError.validation.map((issue) => fieldError(issue, fastifyError.validationContext));
    return new HangarError('HANGAR_ERR_VALIDATION', {}, {
      validations,
      detail: validations.map((v) => `${v.field}: ${v.detail}`).join('; '),
    });
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new HangarError('HANGAR_ERR_BODY_TOO_LARGE', { limit: 'the allowed' }, { message: 'The request body is too large.' });
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return new HangarError('HANGAR_ERR_MEDIA_TYPE_UNSUPPORTED', { type: /: (.*)$/.exec(fastifyError.message)?.[1] ?? 'given' });
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      return new HangarError('HANGAR_ERR_BODY_MALFORMED', {}, { detail: fastifyError.message });
  }
  if (error instanceof SyntaxError && fastifyError.statusCode === 400) {
    return new HangarError('HANGAR_ERR_BODY_MALFORMED', {}, { detail: error.message });
  }
  if (typeof fastifyError.statusCode === 'number' && fastifyError.statusCode >= 400 && fastifyError.statusCode < 500) {
    // A client error fastify itself raised (bad header, bad URL): keep its status.
    return Object.assign(new HangarError('HANGAR_ERR_VALIDATION', {}, { detail: fastifyError.message }), { statusCode: fastifyError.statusCode });
  }
  return new HangarError('HANGAR_ERR_INTERNAL', {}, { cause: error });
}

function fieldError(issue: AjvIssue, context = 'body'): FieldError {
  const segments = issue.instancePath.split('/').filter(Boolean);
  if (issue.keyword === 'required') segments.push(String(issue.params.missingProperty));
  if (issue.keyword === 'additionalProperties') segments.push(String(issue.params.additionalProperty));
  const path = segments.join('.');
  const field = context === 'body' ? path || 'body' : [context, path].filter(Boolean).join('.');
  const detail =
    issue.keyword === 'additionalProperties'
      ? 'is not a known field'
      : issue.keyword === 'required'
        ? 'is required'
        : (issue.message ?? 'is not valid');
  return { field, detail };
}

/** Renders a {@link HangarError} as the response body. */
export function errorBody(error: HangarError): ErrorBody {
  const body: ErrorBody = { code: error.code, message: error.message };
  if (error.detail && error.statusCode < 500) body.detail = error.detail;
  if (error.validations?.length) body.validations = [...error.validations];
  return body;
}

/** Sends an error response; 5xx causes are logged with the request id, never sent. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: HangarError): FastifyReply {
  if (error.statusCode >= 500) request.log.error({ err: error.cause ?? error, code: error.code }, error.message);
  for (const [name, value] of Object.entries(error.headers ?? {})) reply.header(name, value);
  return reply.status(error.statusCode).type('application/json').send(errorBody(error));
}
