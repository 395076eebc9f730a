import type { EntityManager } from '@mikro-orm/core';
import { Type } from '@sinclair/typebox';
import type { FastifyRequest } from 'fastify';
import { type AuditDraft, auditServiceToken } from '../audit/audit-service.js';
import { HangarError, invalidField } from '../errors/hangar-error.js';
import { entityManagerToken } from '../kernel/kernel-tokens.js';
import type { PluginContext } from '../kernel/plugin.js';
import { organizationServiceToken } from '../organizations/organization-service.js';
import { authorizerToken } from '../rbac/authorizer.js';
import type { DaemonStore } from './daemon-store.js';
import type { JobQueue } from './job-queue.js';
import type { ProvisionerKeyService } from './provisioner-keys.js';
import {
  CreatedProvisionerKeySchema,
  CreateProvisionerKeySchema,
  KeyOrganizationParamsSchema,
  ProvisionerDaemonViewSchema,
  ProvisionerJobViewSchema,
  ProvisionerKeyViewSchema,
  toDaemonView,
  toJobView,
  toKeyView,
} from './provisioning-schemas.js';

/** What the provisioning routes work with. */
export interface ProvisioningRouteDeps {
  readonly queue: () => JobQueue;
  readonly daemons: () => DaemonStore;
  readonly keys: () => ProvisionerKeyService;
  /** A daemon not seen for this long is shown `offline`. */
  readonly offlineAfterMs: number;
}

/** The RBAC resource type of daemons, keys and jobs seen from the admin side. */
const resource = 'provisioner_daemon';
const uuidPattern = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Admin routes of the provisioning subsystem: connected daemons, one job with its queue
 * position, and the organization's provisioner keys (created, listed, deleted; audited).
 */
export function registerProvisioningRoutes(ctx: PluginContext, deps: ProvisioningRouteDeps): void {
  const authorize = (request: FastifyRequest, action: string, organizationId: string | null) => {
    const authorizer = ctx.container.tryResolve(authorizerToken);
    if (!authorizer || !request.subject) return true;
    if (organizationId === null) return authorizer.canAny(request.subject, action, resource);
    return authorizer.can(request.subject, action, { type: resource, organizationId });
  };
  const requireAccess = (request: FastifyRequest, action: string, organizationId: string, what: string) => {
    if (!authorize(request, action, organizationId)) {
      if (action === 'read' || !authorize(request, 'read', organizationId)) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: what });
      throw new HangarError('HANGAR_ERR_FORBIDDEN', {}, { detail: `${action} on ${resource} in this organization is not permitted` });
    }
  };
  /** The organization `:organization` names (id or name), or 404. */
  const organizationOf = async (request: FastifyRequest): Promise<string> => {
    const param = (request.params as { organization: string }).organization;
    const organizations = ctx.container.tryResolve(organizationServiceToken);
    if (!organizations) {
      if (!uuidPattern.test(param)) throw invalidField('organization', 'must be an organization id');
      return param;
    }
    const organization = await organizations.find(request.scope.resolve(entityManagerToken), param);
    if (!organization) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'organization' });
    return organization.id;
  };
  /** Runs work in a transaction, recording its audit entries when the audit subsystem is there. */
  const audited = <T>(request: FastifyRequest, work: (tx: EntityManager, record: (draft: AuditDraft) => void) => Promise<T>): Promise<T> => {
    const em = request.scope.resolve(entityManagerToken);
    const audit = ctx.container.tryResolve(auditServiceToken);
    if (audit) return audit.transaction(em, audit.contextOf(request), work);
    return em.transactional((tx) => work(tx, () => undefined));
  };

  ctx.route({
    method: 'GET',
    url: '/api/v2/provisionerdaemons',
    access: { action: 'read', resource },
    summary: 'Provisioner daemons: name, tags, version, last seen, current job.',
    schema: {
      querystring: Type.Object({ organization: Type.Optional(Type.String({ format: 'uuid' })) }),
      response: { 200: Type.Array(ProvisionerDaemonViewSchema) },
    },
    async handler(request) {
      const query = request.query;
      const daemons = await deps.daemons().list(query.organization);
      return daemons.filter((daemon) => authorize(request, 'read', daemon.organizationId)).map((daemon) => toDaemonView(daemon, deps.offlineAfterMs));
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/provisionerjobs/:job',
    access: { action: 'read', resource },
    summary: 'One provisioner job, with its place in the queue.',
    schema: { params: Type.Object({ job: Type.String({ format: 'uuid' }) }), response: { 200: ProvisionerJobViewSchema } },
    async handler(request) {
      const { job: jobId } = request.params;
      const job = await deps.queue().get(jobId);
      if (!job) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'provisioner job' });
      requireAccess(request, 'read', job.organizationId, 'provisioner job');
      return toJobView(job, job.status === 'pending' ? await deps.queue().queuePosition(job.id) : undefined);
    },
  });

  ctx.route({
    method: 'GET',
    url: '/api/v2/organizations/:organization/provisionerkeys',
    access: { action: 'read', resource },
    summary: "The organization's provisioner keys (never their secrets).",
    schema: { params: KeyOrganizationParamsSchema, response: { 200: Type.Array(ProvisionerKeyViewSchema) } },
    async handler(request) {
      const organization = await organizationOf(request);
      requireAccess(request, 'read', organization, 'organization');
      return (await deps.keys().list(organization)).map(toKeyView);
    },
  });

  ctx.route({
    method: 'POST',
    url: '/api/v2/organizations/:organization/provisionerkeys',
    access: { action: 'create', resource },
    summary: 'Create a provisioner key for external daemons; the key is shown once.',
    description: "Daemons connecting with the key serve this organization and carry the key's tags; a key without tags gives them `{ scope: 'organization' }`, the tags jobs get by default.",
    schema: { params: KeyOrganizationParamsSchema, body: CreateProvisionerKeySchema, response: { 201: CreatedProvisionerKeySchema } },
    async handler(request, reply) {
      const organization = await organizationOf(request);
      const body = request.body;
      requireAccess(request, 'create', organization, 'organization');
      const created = await audited(request, async (tx, record) => {
        const result = await deps.keys().create(tx, { organizationId: organization, name: body.name, tags: body.tags ?? {}, createdBy: request.subject?.id ?? null });
        record({ action: 'create', resourceType: 'provisioner_key', resourceId: result.key.id, resourceTarget: result.key.name, organizationId: organization, statusCode: 201, additionalFields: { tags: result.key.tags } });
        return result;
      });
      return reply.status(201).send({ ...toKeyView(created.key), key: created.secret });
    },
  });

  ctx.route({
    method: 'DELETE',
    url: '/api/v2/organizations/:organization/provisionerkeys/:name',
    access: { action: 'delete', resource },
    summary: 'Delete a provisioner key; daemons using it are disconnected and refused from then on.',
    schema: { params: Type.Object({ organization: KeyOrganizationParamsSchema.properties.organization, name: Type.String({ minLength: 1, maxLength: 64 }) }) },
    async handler(request, reply) {
      const organization = await organizationOf(request);
      const { name } = request.params;
      requireAccess(request, 'delete', organization, 'organization');
      await audited(request, async (tx, record) => {
        const key = await deps.keys().delete(tx, organization, name);
        if (!key) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'provisioner key' });
        record({ action: 'delete', resourceType: 'provisioner_key', resourceId: key.id, resourceTarget: key.name, organizationId: organization, statusCode: 204 });
      });
      return reply.status(204).send();
    },
  });
}
