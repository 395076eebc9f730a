import { mkdir, readFile, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { definePlugin, HangarError, type Provisioner, provisionerRegistryToken } from '@hangar/core';

/** What a template for this provisioner holds: one `scratch.json`. */
interface ScratchTemplate {
  /** Where workspace directories go. */
  root: string;
}

/** The state this provisioner keeps: the directory it made, if any. */
interface ScratchState {
  directory?: string;
}

const readTemplate = async (directory: string): Promise<ScratchTemplate> => {
  const text = await readFile(join(directory, 'scratch.json'), 'utf8').catch(() => {
    throw new HangarError('HANGAR_ERR_VALIDATION', {}, { message: 'The template has no scratch.json.' });
  });
  return JSON.parse(text) as ScratchTemplate;
};

/**
 * A provisioner without Terraform: a workspace is a directory. Start creates it, stop keeps it
 * (it is the persistent part), delete removes it. Parameters come from the template too.
 */
export function scratchDirProvisioner(): Provisioner {
  const resource = (path: string) => ({ name: 'scratch', type: 'directory', metadata: [{ key: 'path', value: path, sensitive: false }], agents: [] });
  return {
    async parse({ log }) {
      log({ level: 'info', stage: 'Parse', output: 'scratch templates have no variables' });
      return { variables: [] };
    },
    async plan({ directory, context }) {
      const { root } = await readTemplate(directory);
      const path = join(root, context.owner.username, context.workspace.name);
      return {
        resources: context.transition === 'delete' ? [] : [resource(path)],
        parameters: [{ name: 'greeting', type: 'string', mutable: true, ephemeral: false, required: false, defaultValue: 'hello', options: [] }],
      };
    },
    async apply({ directory, context, log, signal }) {
      signal.throwIfAborted();
      const { root } = await readTemplate(directory);
      const path = join(root, context.owner.username, context.workspace.name);
      const prior: ScratchState = context.priorState?.length ? JSON.parse(Buffer.from(context.priorState).toString()) : {};
      if (context.transition === 'delete') {
        if (prior.directory) await rm(prior.directory, { recursive: true, force: true });
        log({ level: 'info', stage: 'Apply', output: `removed ${prior.directory ?? 'nothing'}` });
        return { resources: [], state: new Uint8Array() };
      }
      await mkdir(path, { recursive: true });
      log({ level: 'info', stage: 'Apply', output: `${context.transition}: ${path} (greeting ${context.parameters.greeting})` });
      const state: ScratchState = { directory: path };
      return { resources: [resource(path)], state: new Uint8Array(Buffer.from(JSON.stringify(state))) };
    },
  };
}

/** Registers the provisioner as `scratch-dir`. */
export const scratchDirProvisionerPlugin = () =>
  definePlugin({
    name: 'scratch-dir-provisioner',
    dependencies: ['provisioning'],
    register(ctx) {
      ctx.resolve(provisionerRegistryToken).register('scratch-dir', scratchDirProvisioner());
    },
  });
