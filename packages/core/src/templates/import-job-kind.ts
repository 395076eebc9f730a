import type { EntityManager } from '@mikro-orm/postgresql';
import { HangarError } from '../errors/hangar-error.js';
import type { FileService } from '../files/file-service.js';
import type { ProvisionerJob } from '../provisioning/job-entities.js';
import type { JobKindHandler } from '../provisioning/job-kinds.js';
import { type ImportJobInput, storeImportResult } from './import-job-handler.js';
import { importJobKind } from './template-service.js';

/**
 * The `template_version_import` job kind: the daemon parses the template and plans it for
 * start and for stop; on success the version gets its readme, parameters, variables and
 * resources (marked persistent). A failed import leaves the version unusable, nothing else.
 */
export function createImportJobHandler(files: () => FileService): JobKindHandler {
  return {
    kind: importJobKind,
    async prepare(job: ProvisionerJob, em: EntityManager) {
      const archive = await files().bytes(em, job.fileHash);
      if (!archive) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template archive' });
      const input = job.input as unknown as ImportJobInput;
      return { archive, payload: { type: 'import', variables: input.variable_values ?? {} } };
    },
    async complete(job: ProvisionerJob, result, em: EntityManager) {
      if (result.type !== 'import') throw new HangarError('HANGAR_ERR_PROVISIONER_JOB_FAILED', { reason: `an import reported a "${result.type}" result` });
      await storeImportResult(em, job.input as unknown as ImportJobInput, result);
    },
    async failed() {
      // Nothing to restore: a version whose import failed simply cannot be used.
    },
  };
}
