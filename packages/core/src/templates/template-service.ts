import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import { HangarError, invalidField } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { ProvisionerRegistry } from '../provisioning/provisioner.js';
import type { JobQueue } from '../provisioning/job-queue.js';
import { type Template, TemplateSchema, type TemplateVersion, TemplateVersionSchema } from './template-entities.js';
import { randomVersionName } from './version-names.js';

/** The job kind of a template version import. */
export const importJobKind = 'template_version_import';

/** Input of {@link TemplateService.createVersion}. */
export interface NewTemplateVersion {
  readonly organizationId: string;
  readonly fileHash: string;
  readonly provisioner: string;
  readonly createdBy: string;
  readonly name?: string;
  readonly message?: string;
  readonly templateId?: string;
  /** Values an admin sets for template variables, by name. */
  readonly variableValues: Readonly<Record<string, string>>;
  /** Provisioner tags the import job carries (default `{ scope: 'organization' }`). */
  readonly tags?: Readonly<Record<string, string>>;
}

/** Input of {@link TemplateService.createTemplate}. */
export interface NewTemplate {
  readonly organizationId: string;
  readonly name: string;
  readonly displayName?: string;
  readonly description?: string;
  readonly icon?: string;
  readonly versionId: string;
  readonly createdBy: string;
}

/** The job fields a version's status is derived from. */
export interface JobSummary {
  readonly id: string;
  readonly status: string;
  readonly error: string | null;
  readonly createdAt: Date;
  readonly startedAt: Date | null;
  readonly completedAt: Date | null;
}

/** Templates and versions: creating, importing, promoting, listing, deleting. */
export class TemplateService {
  constructor(
    private readonly provisioners: () => ProvisionerRegistry,
    private readonly jobs: () => JobQueue,
  ) {}

  /** Creates a version and queues its import job, in the caller's transaction. */
  async createVersion(tx: EntityManager, input: NewTemplateVersion): Promise<TemplateVersion> {
    if (!this.provisioners().get(input.provisioner)) throw invalidField('provisioner', `no provisioner named "${input.provisioner}" is available`);
    const file = await tx.getConnection().execute('select 1 from hangar_files where hash = ?', [input.fileHash], 'all', tx.getTransactionContext());
    if (!file.length) throw invalidField('file_id', 'no uploaded file has this id');
    if (input.templateId) {
      const template = await this.template(tx, input.templateId);
      if (template.organizationId !== input.organizationId) throw invalidField('template_id', 'the template belongs to another organization');
    }
    const id = randomUUID();
    const job = await this.jobs().enqueue(tx, {
      kind: importJobKind,
      provisioner: input.provisioner,
      organizationId: input.organizationId,
      initiatorId: input.createdBy,
      fileHash: input.fileHash,
      tags: input.tags ?? { scope: 'organization' },
      input: { template_version_id: id, variable_values: input.variableValues },
    });
    const version = tx.create(TemplateVersionSchema, {
      id,
      templateId: input.templateId ?? null,
      organizationId: input.organizationId,
      name: input.name ?? randomVersionName(),
      message: input.message ?? '',
      readme: '',
      fileHash: input.fileHash,
      provisioner: input.provisioner,
      jobId: job.id,
      resources: [],
      createdBy: input.createdBy,
    });
    await tx.flush();
    return version;
  }

  /** Creates a template from a successfully imported version that belongs to no template yet. */
  async createTemplate(tx: EntityManager, input: NewTemplate): Promise<Template> {
    const version = await this.version(tx, input.versionId, 'template_version_id');
    if (version.organizationId !== input.organizationId) throw invalidField('template_version_id', 'the version belongs to another organization');
    if (version.templateId) throw new HangarError('HANGAR_ERR_TEMPLATE_VERSION_TAKEN', { version: version.name });
    await this.assertImported(tx, version);
    await this.assertNameFree(tx, input.organizationId, input.name);
    const template = tx.create(TemplateSchema, {
      id: randomUUID(),
      organizationId: input.organizationId,
      name: input.name,
      displayName: input.displayName ?? '',
      description: input.description ?? '',
      icon: input.icon ?? '',
      provisioner: version.provisioner,
      activeVersionId: version.id,
      createdBy: input.createdBy,
      deleted: false,
    });
    version.templateId = template.id;
    await tx.flush();
    return template;
  }

  /** Makes a successfully imported version of the template its active one. */
  async promote(tx: EntityManager, template: Template, versionId: string): Promise<void> {
    const version = await this.version(tx, versionId, 'id');
    if (version.templateId !== template.id) throw invalidField('id', 'the version belongs to another template');
    await this.assertImported(tx, version);
    template.activeVersionId = version.id;
    await tx.flush();
  }

  /** Renames or redescribes a template; a new name must be free in its organization. */
  async updateTemplate(
    tx: EntityManager,
    template: Template,
    changes: { name?: string; display_name?: string; description?: string; icon?: string },
  ): Promise<void> {
    if (changes.name !== undefined && changes.name.toLowerCase() !== template.name.toLowerCase()) {
      await this.assertNameFree(tx, template.organizationId, changes.name);
    }
    if (changes.name !== undefined) template.name = changes.name;
    if (changes.display_name !== undefined) template.displayName = changes.display_name;
    if (changes.description !== undefined) template.description = changes.description;
    if (changes.icon !== undefined) template.icon = changes.icon;
    await tx.flush();
  }

  /** Soft-deletes a template that no live workspace uses. */
  async deleteTemplate(tx: EntityManager, template: Template): Promise<void> {
    const rows = await tx.getConnection().execute<{ count: string }[]>(
      `select count(*)::text as count from hangar_workspaces where template_id = ? and not deleted`,
      [template.id],
      'all',
      tx.getTransactionContext(),
    );
    const count = Number(rows[0]?.count ?? 0);
    if (count > 0) throw new HangarError('HANGAR_ERR_TEMPLATE_IN_USE', { name: template.name, count });
    template.deleted = true;
    await tx.flush();
  }

  /** A live template by id; 404 otherwise. */
  async template(em: EntityManager, id: string): Promise<Template> {
    const template = await em.findOne(TemplateSchema, { id, deleted: false });
    if (!template) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template' });
    return template;
  }

  /** A version by id; a 404 naming `field` when `field` is given (the id came from a body), else a plain 404. */
  async version(em: EntityManager, id: string, field?: string): Promise<TemplateVersion> {
    const version = await em.findOne(TemplateVersionSchema, { id });
    if (!version) {
      if (field) throw invalidField(field, 'no template version has this id');
      throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template version' });
    }
    return version;
  }

  /** The jobs behind versions (or builds), by job id. */
  async jobSummaries(em: EntityManager, jobIds: readonly string[]): Promise<Map<string, JobSummary>> {
    if (!jobIds.length) return new Map();
    const rows = await em.getConnection().execute<Record<string, unknown>[]>(
      `select id, status, error, created_at, started_at, completed_at from hangar_provisioner_jobs where id in (${jobIds.map(() => '?').join(',')})`,
      [...jobIds],
    );
    return new Map(rows.map((row: Record<string, unknown>) => [String(row.id), {
      id: String(row.id),
      status: String(row.status),
      error: (row.error as string | null) ?? null,
      createdAt: new Date(row.created_at as string),
      startedAt: row.started_at ? new Date(row.started_at as string) : null,
      completedAt: row.completed_at ? new Date(row.completed_at as string) : null,
    }]));
  }

  private async assertImported(em: EntityManager, version: TemplateVersion): Promise<void> {
    const job = (await this.jobSummaries(em, [version.jobId])).get(version.jobId);
    if (job?.status !== 'succeeded') throw new HangarError('HANGAR_ERR_TEMPLATE_VERSION_NOT_READY', { version: version.name, status: job?.status ?? 'unknown' });
  }

  private async assertNameFree(em: EntityManager, organizationId: string, name: string): Promise<void> {
    const taken = await em.getConnection().execute(
      'select 1 from hangar_templates where organization_id = ? and lower(name) = lower(?) and not deleted',
      [organizationId, name],
      'all',
      em.getTransactionContext(),
    );
    if (taken.length) throw new HangarError('HANGAR_ERR_TEMPLATE_NAME_TAKEN', { name }, { validations: [{ field: 'name', detail: 'is taken' }] });
  }
}

/** Token of the server's {@link TemplateService}. */
export const templateServiceToken = createToken<TemplateService>('core.templates');
