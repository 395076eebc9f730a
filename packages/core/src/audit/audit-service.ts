import { randomUUID } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/postgresql';
import type { FastifyRequest } from 'fastify';
import type {} from '../identity/request-auth.js';
import { createToken } from '../kernel/token.js';
import type { Logger } from '../logging/logger.js';
import { type ListFilter, listFilterWhere } from '../rbac/list-filter.js';
import { auditDiff, type AuditFieldTable, scrubDiff, scrubSecrets } from './audit-diff.js';
import { type AuditDiff, type AuditEntry, AuditEntrySchema } from './audit-entity.js';
import type { AuditHooks } from './audit-hooks.js';

/** Who did something, from where: taken from the request. */
export interface AuditContext {
  readonly userId: string | null;
  readonly username: string;
  readonly ip: string | null;
  readonly userAgent: string;
  readonly requestId: string;
}

/** An entry to record; the context fills who, when and from where. */
export interface AuditDraft {
  readonly action: string;
  readonly resourceType: string;
  readonly resourceId: string;
  readonly resourceTarget?: string;
  readonly organizationId?: string | null;
  readonly diff?: AuditDiff;
  /** The HTTP status the action ends with (default 200). */
  readonly statusCode?: number;
  readonly additionalFields?: Record<string, unknown>;
  /** The actor, when it is not the request's subject (a login names the user it signed in). */
  readonly actor?: { readonly id: string; readonly username: string };
}

/** Filters of {@link AuditService.list}. */
export interface AuditQuery {
  readonly action?: string;
  readonly resourceType?: string;
  readonly resourceId?: string;
  readonly userId?: string;
  readonly username?: string;
  readonly organizationId?: string;
  readonly from?: Date;
  readonly to?: Date;
  readonly limit: number;
  readonly offset: number;
}

/** Records audit entries in the transaction of the action they describe, and lists them. */
export class AuditService {
  private readonly tables = new Map<string, AuditFieldTable>();

  constructor(
    private readonly hooks: AuditHooks,
    private readonly logger: Logger,
  ) {}

  /** Declares how fields of a resource type appear in diffs (see {@link AuditFieldTable}). */
  trackFields(resourceType: string, table: AuditFieldTable): void {
    this.tables.set(resourceType, { ...this.tables.get(resourceType), ...table });
  }

  /** The diff of two versions of a resource, under its declared field table. */
  diff(resourceType: string, before: Record<string, unknown> | undefined, after: Record<string, unknown> | undefined): AuditDiff {
    return auditDiff(this.tables.get(resourceType) ?? {}, before, after);
  }

  /** The audit context of a request: its subject, address, user agent and id. */
  contextOf(request: FastifyRequest): AuditContext {
    return {
      userId: request.subject?.id ?? null,
      username: request.subject?.username ?? '',
      ip: request.ip || null,
      userAgent: String(request.headers['user-agent'] ?? '').slice(0, 512),
      requestId: request.id,
    };
  }

  /**
   * Runs `work` in a transaction and writes the entries it records in that same
   * transaction, so an action and its entry commit or fail together; `entryRecorded` taps
   * hear of them once committed.
   *
   * @example
   * ```ts
   * await audit.transaction(em, audit.contextOf(request), async (tx, record) => {
   *   tx.remove(thing);
   *   record({ action: 'delete', resourceType: 'thing', resourceId: thing.id });
   * });
   * ```
   */
  async transaction<T>(em: EntityManager, context: AuditContext, work: (tx: EntityManager, record: (draft: AuditDraft) => void) => Promise<T>): Promise<T> {
    const entries: AuditEntry[] = [];
    const result = await em.transactional(async (tx) => {
      const drafts: AuditDraft[] = [];
      const value = await work(tx, (draft) => void drafts.push(draft));
      for (const draft of drafts) entries.push(await this.write(tx, context, draft));
      return value;
    });
    await this.forward(entries);
    return result;
  }

  /** Records one entry on its own (e.g. a refused login, where nothing else is written). */
  async record(em: EntityManager, context: AuditContext, draft: AuditDraft): Promise<AuditEntry> {
    const entry = await em.transactional((tx) => this.write(tx, context, draft));
    await this.forward([entry]);
    return entry;
  }

  /** Entries matching the query and visible through the filter, newest first, with the total count. */
  async list(em: EntityManager, query: AuditQuery, filter: ListFilter): Promise<{ entries: AuditEntry[]; count: number }> {
    const conditions: Record<string, unknown>[] = [listFilterWhere(filter, { organization: 'organizationId' }) as Record<string, unknown>];
    if (query.action) conditions.push({ action: query.action });
    if (query.resourceType) conditions.push({ resourceType: query.resourceType });
    if (query.resourceId) conditions.push({ resourceId: query.resourceId });
    if (query.userId) conditions.push({ userId: query.userId });
    if (query.username) conditions.push({ username: query.username });
    if (query.organizationId) conditions.push({ organizationId: query.organizationId });
    if (query.from) conditions.push({ time: { $gte: query.from } });
    if (query.to) conditions.push({ time: { $lte: query.to } });
    const [entries, count] = await em.findAndCount(AuditEntrySchema, { $and: conditions } as never, {
      orderBy: { time: 'desc', id: 'desc' },
      limit: query.limit,
      offset: query.offset,
    });
    return { entries, count };
  }

  private async write(tx: EntityManager, context: AuditContext, draft: AuditDraft): Promise<AuditEntry> {
    const prepared = await this.hooks.prepareEntry.promise({
      id: randomUUID(),
      time: new Date(),
      userId: draft.actor?.id ?? context.userId,
      username: draft.actor?.username ?? context.username,
      organizationId: draft.organizationId ?? null,
      ip: context.ip,
      userAgent: context.userAgent,
      requestId: context.requestId,
      action: draft.action,
      resourceType: draft.resourceType,
      resourceId: draft.resourceId,
      resourceTarget: draft.resourceTarget ?? '',
      diff: draft.diff ?? {},
      statusCode: draft.statusCode ?? 200,
      additionalFields: draft.additionalFields ?? {},
    });
    // Scrub after the hook, so no tap can put a secret back in.
    const entry: AuditEntry = { ...prepared, diff: scrubDiff(prepared.diff), additionalFields: scrubSecrets(prepared.additionalFields) };
    await tx.insert(AuditEntrySchema, entry);
    return entry;
  }

  private async forward(entries: AuditEntry[]): Promise<void> {
    for (const entry of entries) {
      await this.hooks.entryRecorded.promise(entry).catch((error) => this.logger.error({ err: error, auditEntry: entry.id }, 'forwarding an audit entry failed'));
    }
  }
}

/** Token of the server's {@link AuditService}. */
export const auditServiceToken = createToken<AuditService>('audit.service');
