import { Type } from '@sinclair/typebox';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import type { RbacObject } from '../rbac/subject.js';
import { requireSubject } from './request-auth.js';

const Uuid = Type.String({ format: 'uuid' });
const CheckSchema = Type.Object({
  object: Type.Object({
    resource_type: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z_]+$' }),
    resource_id: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    owner_id: Type.Optional(Uuid),
    organization_id: Type.Optional(Uuid),
    any_org: Type.Optional(Type.Boolean({ description: 'True: allowed in any organization the caller belongs to (or site-wide).' })),
  }),
  action: Type.String({ minLength: 1, maxLength: 32, pattern: '^[a-z_]+$' }),
});
const checkName = '^[A-Za-z0-9_.:-]{1,64}$';
const AuthCheckBody = Type.Object({
  checks: Type.Record(Type.String({ pattern: checkName }), CheckSchema, { maxProperties: 100, additionalProperties: false, description: 'Checks by a name of your choosing.' }),
});
const AuthCheckResponse = Type.Record(Type.String(), Type.Boolean(), { description: 'For each check name, whether the caller may.' });

/** `POST /api/v2/authcheck`: batches of "may I do X to Y" for UIs deciding what to show. */
export function registerAuthCheckRoutes(ctx: PluginContext): void {
  ctx.route({
    method: 'POST',
    url: '/api/v2/authcheck',
    access: 'authenticated',
    summary: 'Answer a batch of permission checks for the caller.',
    schema: { body: AuthCheckBody, response: { 200: AuthCheckResponse } },
    async handler(request) {
      const subject = requireSubject(request);
      const authorizer = ctx.resolve(authorizerToken);
      const { checks } = request.body;
      const answers: Record<string, boolean> = {};
      for (const [name, check] of Object.entries(checks)) {
        const object: RbacObject = {
          type: check.object.resource_type,
          ...(check.object.resource_id ? { id: check.object.resource_id } : {}),
          ...(check.object.owner_id ? { ownerId: check.object.owner_id } : {}),
          ...(check.object.organization_id ? { organizationId: check.object.organization_id } : {}),
        };
        answers[name] =
          authorizer.can(subject, check.action, object) ||
          (check.object.any_org === true && subject.organizations.some((m) => authorizer.can(subject, check.action, { ...object, organizationId: m.organizationId })));
      }
      return answers;
    },
  });
}
