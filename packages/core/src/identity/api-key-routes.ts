import { type Static, Type } from '@sinclair/typebox';
import { auditDiff } from '../audit/audit-diff.js';
import { auditServiceToken } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { rbacActions, rbacResources } from '../rbac/rbac-resources.js';
import { apiKeyAuditFields, apiKeyAuditView, ApiKeyParamsSchema, ApiKeySchemaWire, CreatedTokenSchema, CreateTokenBodySchema, toApiKeyResponse } from './api-key-schemas.js';
import { apiKeyServiceToken } from './api-key-service.js';
import { requireSubject } from './request-auth.js';
import { apiKeyObject, authorizeOnUser } from './user-access.js';
import { UserParamsSchema } from './user-schemas.js';
import { userServiceToken } from './user-service.js';

const NoContent = Type.Null({ description: 'Done.' });

/** Named tokens: create, list, get and revoke (`/api/v2/users/:user/keys/...`). */
export function registerApiKeyRoutes(ctx: PluginContext): void {
  const authorizer = () => ctx.resolve(authorizerToken);
  const users = () => ctx.resolve(userServiceToken);
  const apiKeys = () => ctx.resolve(apiKeyServiceToken);
  const audit = () => ctx.resolve(auditServiceToken);

  ctx.route({
    method: 'POST',
    url: '/api/v2/users/:user/keys/tokens',
    access: { action: rbacActions.create, resource: rbacResources.apiKey },
    summary: 'Create a named long-lived token; the key is shown only in this response.',
    schema: { params: UserParamsSchema, body: CreateTokenBodySchema, response: { 201: CreatedTokenSchema } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const body = request.body;
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      authorizer().authorize(subject, rbacActions.create, apiKeyObject(user.id));
      const created = await audit().transaction(em, audit().contextOf(request), async (tx, record) => {
        const result = await apiKeys().createToken(tx, user, { name: body.token_name, lifetimeSeconds: body.lifetime_seconds, ip: request.ip || null });
        record({
          action: 'create',
          resourceType: rbacResources.apiKey,
          resourceId: result.key.id,
          resourceTarget: body.token_name,
          diff: auditDiff(apiKeyAuditFields, undefined, apiKeyAuditView(result.key)),
          statusCode: 201,
        });
        return result;
      });
      return reply.code(201).send({ key: created.token, token: toApiKeyResponse(created.key) });
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/:user/keys/tokens',
    access: { action: rbacActions.read, resource: rbacResources.apiKey },
    summary: "List a user's named tokens (never their secrets).",
    schema: { params: UserParamsSchema, response: { 200: Type.Array(ApiKeySchemaWire) } },
    async handler(request) {
      const subject = requireSubject(request);
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, request.params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      authorizer().authorize(subject, rbacActions.read, apiKeyObject(user.id), { hide: true, resourceName: 'user' });
      return (await apiKeys().listTokens(em, user.id)).map(toApiKeyResponse);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/users/:user/keys/:keyid',
    access: { action: rbacActions.read, resource: rbacResources.apiKey },
    summary: "Get one of a user's keys (a session or a token) by id.",
    schema: { params: ApiKeyParamsSchema, response: { 200: ApiKeySchemaWire } },
    async handler(request) {
      const subject = requireSubject(request);
      const params = request.params as Static<typeof ApiKeyParamsSchema>;
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      authorizer().authorize(subject, rbacActions.read, apiKeyObject(user.id, params.keyid), { hide: true, resourceName: 'API key' });
      const key = await apiKeys().get(em, user.id, params.keyid);
      if (!key) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'API key' });
      return toApiKeyResponse(key);
    },
  });

  ctx.route({
    method: 'DELETE',
    url: '/api/v2/users/:user/keys/:keyid',
    access: { action: rbacActions.delete, resource: rbacResources.apiKey },
    summary: "Revoke one of a user's keys; it stops working at once.",
    schema: { params: ApiKeyParamsSchema, response: { 204: NoContent } },
    async handler(request, reply) {
      const subject = requireSubject(request);
      const params = request.params as Static<typeof ApiKeyParamsSchema>;
      const em = request.scope.resolve(entityManagerToken);
      const user = await users().resolve(em, params.user, subject);
      authorizeOnUser(authorizer(), subject, rbacActions.read, user);
      authorizer().authorize(subject, rbacActions.read, apiKeyObject(user.id, params.keyid), { hide: true, resourceName: 'API key' });
      authorizer().authorize(subject, rbacActions.delete, apiKeyObject(user.id, params.keyid));
      const key = await apiKeys().get(em, user.id, params.keyid);
      if (!key) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'API key' });
      await audit().transaction(em, audit().contextOf(request), async (tx, record) => {
        await apiKeys().delete(tx, key.id);
        record({
          action: 'delete',
          resourceType: rbacResources.apiKey,
          resourceId: key.id,
          resourceTarget: key.tokenName ?? user.username,
          diff: auditDiff(apiKeyAuditFields, apiKeyAuditView(key), undefined),
          statusCode: 204,
        });
      });
      return reply.code(204).send();
    },
  });
}
