import { auditServiceToken } from '../audit/audit-service.js';
import { accessGuardToken } from '../http/access-guard.js';
import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { authorizerToken } from '../rbac/authorizer.js';
import { RateLimiter, rateLimiterToken } from '../rate-limit/rate-limiter.js';
import { ApiKeySchema } from './api-key-entity.js';
import { registerApiKeyRoutes } from './api-key-routes.js';
import { ApiKeyService, apiKeyServiceToken } from './api-key-service.js';
import { registerAuthRoutes } from './auth-routes.js';
import { registerAuthCheckRoutes } from './authcheck-routes.js';
import { registerFirstUserRoutes } from './first-user-routes.js';
import { IdentityAccessGuard } from './identity-access-guard.js';
import './identity-errors.js';
import { createIdentityHooks, identityHooksToken } from './identity-hooks.js';
import { identityMigrations } from './identity-migrations.js';
import { type IdentityOptions, resolveIdentityOptions } from './identity-options.js';
import { LoginService, loginServiceToken } from './login-service.js';
import { tapSessionTokenStrategy } from './token-strategies.js';
import { UserSchema } from './user-entity.js';
import { registerUserRoleRoutes } from './user-role-routes.js';
import { registerUserRoutes } from './user-routes.js';
import { UserService, userServiceToken } from './user-service.js';

/**
 * Identity and access: users, password login, sessions and named tokens, the built-in
 * token strategies, CSRF, rate limits, and the real access guard under `accessGuardToken`.
 * Publishes its hooks under {@link identityHooksToken}; plugins add authentication
 * strategies by tapping `authenticate`.
 *
 * @example
 * ```ts
 * createHangar({ corePlugins: corePlugins({ identity: { sessionLifetimeSeconds: 8 * 3600, rateLimits: { login: 20 } } }) });
 * ```
 */
export const identityPlugin = (options: IdentityOptions = {}): HangarPlugin =>
  definePlugin({
    name: 'identity',
    dependencies: ['rbac', 'audit'],
    register(ctx) {
      const resolved = resolveIdentityOptions(options, ctx.config);
      const hooks = createIdentityHooks();
      const limiter = new RateLimiter(resolved.rateLimits);
      ctx.entities(UserSchema, ApiKeySchema);
      ctx.migrations(...identityMigrations);

      ctx.provide(identityHooksToken, () => hooks);
      ctx.provide(rateLimiterToken, () => limiter);
      ctx.provide(apiKeyServiceToken, () => new ApiKeyService(resolved));
      ctx.provide(userServiceToken, (c) => new UserService(hooks, c.resolve(auditServiceToken), c.resolve(apiKeyServiceToken), resolved));
      ctx.provide(loginServiceToken, (c) => new LoginService(hooks, c.resolve(auditServiceToken), c.resolve(userServiceToken), c.resolve(apiKeyServiceToken), resolved));
      ctx.provide(accessGuardToken, (c) =>
        new IdentityAccessGuard({ hooks, users: c.resolve(userServiceToken), authorizer: c.resolve(authorizerToken), limiter, options: resolved }),
      );

      tapSessionTokenStrategy(hooks, () => ctx.resolve(apiKeyServiceToken));
      registerFirstUserRoutes(ctx);
      registerAuthRoutes(ctx);
      registerUserRoutes(ctx);
      registerUserRoleRoutes(ctx);
      registerApiKeyRoutes(ctx);
      registerAuthCheckRoutes(ctx);
    },
  });
