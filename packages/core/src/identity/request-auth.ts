import type { FastifyRequest } from 'fastify';
import { HangarError } from '../errors/hangar-error.js';
import type { Subject } from '../rbac/subject.js';

/** How the caller of a request was recognised. */
export interface RequestAuthentication {
  /** The strategy that recognised the caller: `session-token`, `bearer`, `cookie`, or a plugin's own. */
  readonly strategy: string;
  readonly userId: string;
  /** The API key presented, when the strategy used one. */
  readonly apiKeyId?: string;
  /** Whether the credential came from the session cookie alone (then CSRF rules apply). */
  readonly viaCookie: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in caller, set by the identity subsystem's access guard. */
    subject?: Subject;
    /** How the caller was recognised. */
    authentication?: RequestAuthentication;
  }
}

/** The request's subject; throws `HANGAR_ERR_UNAUTHENTICATED` when nobody is signed in. */
export function requireSubject(request: FastifyRequest): Subject {
  if (!request.subject) throw new HangarError('HANGAR_ERR_UNAUTHENTICATED');
  return request.subject;
}
