import { join } from 'node:path';
import { definePlugin, provisionerRegistryToken, type HangarPlugin } from '@hangar/core';
import { registerStarterTemplateRoutes } from './starter-template-routes.js';
import { createTerraformProvisioner, type TerraformProvisionerOptions } from './terraform-provisioner.js';

/** Options of {@link terraformProvisionerPlugin}. */
export interface TerraformProvisionerPluginOptions extends TerraformProvisionerOptions {
  /** Directory of starter templates to offer (default: those shipped in this package). */
  readonly starterTemplatesDir?: string;
}

/** Name the provisioner is registered under; template versions name it. */
export const TERRAFORM_PROVISIONER = 'terraform';

/**
 * Adds the `terraform` provisioner to the server's registry and the starter template routes
 * (`GET /api/v2/templates/examples`, `GET /api/v2/templates/examples/:id/archive`). The
 * provider cache defaults to `<dataDir>/terraform/plugin-cache`.
 *
 * @example
 * ```ts
 * const hangar = await createHangar({ plugins: [terraformProvisionerPlugin({ cancelGracePeriodMs: 10_000 })] });
 * ```
 */
export const terraformProvisionerPlugin = (options: TerraformProvisionerPluginOptions = {}): HangarPlugin =>
  definePlugin({
    name: 'provisioner-terraform',
    dependencies: ['provisioning'],
    register(ctx) {
      const { starterTemplatesDir, ...provisionerOptions } = options;
      const provisioner = createTerraformProvisioner({
        pluginCacheDir: join(ctx.config.dataDir, 'terraform', 'plugin-cache'),
        ...provisionerOptions,
      });
      ctx.resolve(provisionerRegistryToken).register(TERRAFORM_PROVISIONER, provisioner);
      registerStarterTemplateRoutes(ctx, starterTemplatesDir);
    },
  });
