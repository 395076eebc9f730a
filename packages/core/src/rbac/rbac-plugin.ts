import { definePlugin, type HangarPlugin } from '../kernel/plugin.js';
import { Authorizer, authorizerToken } from './authorizer.js';
import { createRbacHooks, rbacHooksToken } from './rbac-hooks.js';
import './rbac-errors.js';

/**
 * Role-based access control: the built-in site and organization roles, the
 * {@link Authorizer} under {@link authorizerToken} and the RBAC hooks under
 * {@link rbacHooksToken}. The identity plugin's access guard uses it for every route rule.
 */
export const rbacPlugin = (): HangarPlugin =>
  definePlugin({
    name: 'rbac',
    register(ctx) {
      const hooks = createRbacHooks();
      ctx.provide(rbacHooksToken, () => hooks);
      ctx.provide(authorizerToken, () => new Authorizer(hooks));
    },
  });
