import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { AuditContext, AuditService } from '../audit/audit-service.js';
import { HangarError } from '../errors/hangar-error.js';
import { createToken } from '../kernel/token.js';
import type { BuildService, QueuedBuild } from './build-service.js';
import type { ParameterValueInput } from './parameter-resolver.js';
import { query } from './sql.js';
import { findTemplate, findVersion } from './template-lookups.js';
import { WorkspaceSchema } from './workspace-entities.js';
import { assertWorkspaceName } from './workspace-names.js';

/** What a new workspace is made from. */
export interface NewWorkspace {
  readonly organizationId: string;
  readonly ownerId: string;
  readonly name: string;
  /** The template; its active version is built unless `templateVersionId` names another. */
  readonly templateId?: string;
  readonly templateVersionId?: string;
  readonly parameters?: readonly ParameterValueInput[];
  readonly initiatorId: string;
}

/** How workspace changes appear in audit diffs. */
export const workspaceAuditFields = { name: 'track', template_id: 'track', owner_id: 'track', organization_id: 'track' } as const;

/**
 * Workspaces: creation (with the first `start` build, in one transaction) and renaming.
 * Builds go through {@link BuildService}.
 */
export class WorkspaceService {
  constructor(
    private readonly builds: () => BuildService,
    private readonly audit: () => AuditService,
  ) {}

  /**
   * Creates a workspace and queues its first `start` build. The workspace, the build, its
   * job and the audit entries commit together; any refusal leaves nothing behind.
   */
  async create(em: EntityManager, context: AuditContext, input: NewWorkspace): Promise<{ workspaceId: string; build: QueuedBuild }> {
    assertWorkspaceName(input.name);
    const result = await this.audit().transaction(em, context, async (tx, record) => {
      const templateId = await this.templateOf(tx, input);
      const template = await findTemplate(tx, templateId);
      if (!template || template.deleted) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template' }, { validations: [{ field: 'template_id', detail: 'no template has this id' }] });
      if (template.organizationId !== input.organizationId) {
        throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template' }, { validations: [{ field: 'template_id', detail: 'no template of this organization has this id' }] });
      }
      await assertNameFree(tx, input.ownerId, input.name);
      const id = randomUUID();
      const now = new Date();
      await tx.insert(WorkspaceSchema, {
        id,
        organizationId: input.organizationId,
        ownerId: input.ownerId,
        templateId: template.id,
        name: input.name,
        deleted: false,
        createdAt: now,
        updatedAt: now,
      });
      record({
        action: 'create',
        resourceType: 'workspace',
        resourceId: id,
        resourceTarget: input.name,
        organizationId: input.organizationId,
        statusCode: 201,
        diff: this.audit().diff('workspace', undefined, { name: input.name, template_id: template.id, owner_id: input.ownerId, organization_id: input.organizationId }),
      });
      const target = { id, name: input.name, ownerId: input.ownerId, organizationId: input.organizationId, templateId: template.id, templateActiveVersionId: template.activeVersionId, deleted: false };
      const build = await this.builds().queue(tx, target, {
        transition: 'start',
        ...(input.templateVersionId ? { templateVersionId: input.templateVersionId } : {}),
        parameters: input.parameters ?? [],
        initiatorId: input.initiatorId,
      }, record);
      return { workspaceId: id, build };
    }).catch(nameTakenOnRace(input.name));
    await this.builds().announce(result.build);
    return result;
  }

  /** Renames a live workspace; the new name must be valid and free among the owner's workspaces. */
  async rename(em: EntityManager, context: AuditContext, workspaceId: string, name: string): Promise<void> {
    assertWorkspaceName(name);
    await this.audit().transaction(em, context, async (tx, record) => {
      const rows = await query(tx, 'select name, owner_id, organization_id, deleted from hangar_workspaces where id = ? for update', [workspaceId]);
      const row = rows[0];
      if (!row) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'workspace' });
      if (row.deleted) throw new HangarError('HANGAR_ERR_WORKSPACE_DELETED', { name: row.name });
      if (row.name === name) return;
      await assertNameFree(tx, row.owner_id as string, name);
      await query(tx, 'update hangar_workspaces set name = ?, updated_at = now() where id = ?', [name, workspaceId]);
      record({
        action: 'write',
        resourceType: 'workspace',
        resourceId: workspaceId,
        resourceTarget: name,
        organizationId: row.organization_id as string,
        diff: this.audit().diff('workspace', { name: row.name }, { name }),
      });
    }).catch(nameTakenOnRace(name));
  }

  /** The template a new workspace uses: the one named, or the one the named version belongs to. */
  private async templateOf(tx: EntityManager, input: NewWorkspace): Promise<string> {
    if (input.templateId) return input.templateId;
    if (!input.templateVersionId) {
      throw new HangarError('HANGAR_ERR_VALIDATION', {}, { validations: [{ field: 'template_id', detail: 'is required unless template_version_id is given' }], detail: 'template_id: is required' });
    }
    const version = await findVersion(tx, input.templateVersionId);
    if (!version) throw new HangarError('HANGAR_ERR_NOT_FOUND', { resource: 'template version' }, { validations: [{ field: 'template_version_id', detail: 'no template version has this id' }] });
    if (!version.templateId) {
      throw new HangarError('HANGAR_ERR_WORKSPACE_TEMPLATE_MISMATCH', { version: version.name, template: '(none)' }, { validations: [{ field: 'template_version_id', detail: 'belongs to no template' }] });
    }
    return version.templateId;
  }
}

async function assertNameFree(tx: EntityManager, ownerId: string, name: string): Promise<void> {
  const taken = await query(tx, 'select 1 from hangar_workspaces where owner_id = ? and name = ? and not deleted', [ownerId, name]);
  if (taken.length) throw nameTaken(name);
}

function nameTaken(name: string): HangarError {
  return new HangarError('HANGAR_ERR_WORKSPACE_NAME_TAKEN', { name }, { validations: [{ field: 'name', detail: 'is taken' }] });
}

/** Two requests that pass the name check at once: the unique index refuses the second. */
function nameTakenOnRace(name: string) {
  return (error: unknown): never => {
    if (String((error as Error)?.message ?? '').includes('hangar_workspaces_owner_name')) throw nameTaken(name);
    throw error;
  };
}

/** Token of the server's {@link WorkspaceService}. */
export const workspaceServiceToken = createToken<WorkspaceService>('workspaces.service');
