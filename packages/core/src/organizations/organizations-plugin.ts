import { identityHooksToken } from '../identity/identity-hooks.js';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { auditServiceToken } from '../audit/audit-service.js';
import { registerMemberRoutes } from './member-routes.js';
import { OrganizationMemberSchema, OrganizationSchema } from './organization-entities.js';
import './organization-errors.js';
import { createOrganizationHooks, organizationHooksToken } from './organization-hooks.js';
import { organizationMigrations } from './organization-migrations.js';
import { registerOrganizationRoutes } from './organization-routes.js';
import { OrganizationService, organizationServiceToken } from './organization-service.js';

/**
 * Organizations: the default organization (created with the first user, joined by every
 * new user), organization CRUD, members and organization roles. It fills each subject's
 * memberships through identity's `resolveSubject` hook.
 */
export const organizationsPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'organizations',
    dependencies: ['rbac', 'audit', 'identity'],
    register(ctx) {
      const hooks = createOrganizationHooks();
      ctx.entities(OrganizationSchema, OrganizationMemberSchema);
      ctx.migrations(...organizationMigrations);
      ctx.provide(organizationHooksToken, () => hooks);
      ctx.provide(organizationServiceToken, (c) => new OrganizationService(hooks, c.resolve(auditServiceToken)));

      const service = () => ctx.resolve(organizationServiceToken);
      ctx.hooks.lifecycle.ready.tapPromise(ctx.name, async () => {
        const identityHooks = ctx.resolve(identityHooksToken);
        identityHooks.afterUserCreated.tapPromise(ctx.name, async (event) => {
          const organization = await service().ensureDefault(event.em);
          await service().addMember(event.em, null, organization, event.user.id);
          event.organizationIds.push(organization.id);
        });
        identityHooks.resolveSubject.tapPromise(ctx.name, async (subject, { user, em }) => ({
          ...subject,
          organizations: [...subject.organizations, ...(await service().memberships(em, user.id))],
        }));
      });

      registerOrganizationRoutes(ctx);
      registerMemberRoutes(ctx);
    },
  });
