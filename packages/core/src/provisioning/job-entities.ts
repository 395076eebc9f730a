import { EntitySchema } from '@mikro-orm/core';
import type { LogLine } from './provisioner.js';

/** Where a job is in its life. `canceling` means a daemon was told to stop and has not reported yet. */
export type JobStatus = 'pending' | 'running' | 'succeeded' | 'canceling' | 'canceled' | 'failed';

/** Statuses a job never leaves. */
export const terminalJobStatuses: readonly JobStatus[] = Object.freeze(['succeeded', 'canceled', 'failed']);

/** Provisioner tags: a job's tags must be a subset of a daemon's for the daemon to take it. */
export type ProvisionerTags = Readonly<Record<string, string>>;

/**
 * A row of `hangar_provisioner_jobs`. The queue owns the status columns (`status`,
 * `*_at`, `workerId`, `error`, `errorCode`); other subsystems read them and never write them.
 */
export interface ProvisionerJob {
  id: string;
  createdAt: Date;
  /** Touched by every heartbeat and log batch; the hang detector reads it. */
  updatedAt: Date;
  startedAt: Date | null;
  completedAt: Date | null;
  canceledAt: Date | null;
  organizationId: string;
  /** The user who caused the job (created the version, started the build). */
  initiatorId: string;
  /** Name of the provisioner that runs it (`terraform`, `echo`, …). */
  provisioner: string;
  /** The job kind, e.g. `template_version_import` or `workspace_build`; names its {@link JobKindHandler}. */
  kind: string;
  /** Kind-specific input (the kind's handler reads it). */
  input: Record<string, unknown>;
  /** SHA-256 (hex) of the template archive in `hangar_files`. */
  fileHash: string;
  tags: ProvisionerTags;
  status: JobStatus;
  /** The daemon that runs (or ran) it. */
  workerId: string | null;
  /** Why it failed, for people. */
  error: string | null;
  /** Why it failed, as a `HANGAR_ERR_*` code. */
  errorCode: string | null;
}

/** A stored log line of a job. Its `id` is the streaming cursor: it only grows. */
export interface ProvisionerJobLog extends LogLine {
  /** A bigint, as a string. */
  id: string;
  jobId: string;
  createdAt: Date;
}

/** MikroORM schema of `hangar_provisioner_jobs` (read it; write status only through the queue). */
export const ProvisionerJobSchema = new EntitySchema<ProvisionerJob>({
  name: 'HangarProvisionerJob',
  tableName: 'hangar_provisioner_jobs',
  properties: {
    id: { type: 'uuid', primary: true },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    updatedAt: { type: 'Date', columnType: 'timestamptz' },
    startedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    completedAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    canceledAt: { type: 'Date', columnType: 'timestamptz', nullable: true },
    organizationId: { type: 'uuid' },
    initiatorId: { type: 'uuid' },
    provisioner: { type: 'string', columnType: 'text' },
    kind: { type: 'string', columnType: 'text' },
    input: { type: 'json', columnType: 'jsonb' },
    fileHash: { type: 'string', columnType: 'text' },
    tags: { type: 'json', columnType: 'jsonb' },
    status: { type: 'string', columnType: 'text' },
    workerId: { type: 'uuid', nullable: true },
    error: { type: 'string', columnType: 'text', nullable: true },
    errorCode: { type: 'string', columnType: 'text', nullable: true },
  },
});

/** MikroORM schema of `hangar_provisioner_job_logs`. */
export const ProvisionerJobLogSchema = new EntitySchema<ProvisionerJobLog>({
  name: 'HangarProvisionerJobLog',
  tableName: 'hangar_provisioner_job_logs',
  properties: {
    id: { type: 'bigint', primary: true },
    jobId: { type: 'uuid' },
    createdAt: { type: 'Date', columnType: 'timestamptz' },
    level: { type: 'string', columnType: 'text' },
    stage: { type: 'string', columnType: 'text' },
    output: { type: 'string', columnType: 'text' },
  },
});

/** Maps a raw `hangar_provisioner_jobs` row (snake_case columns) to a {@link ProvisionerJob}. */
export function jobFromRow(row: Record<string, unknown>): ProvisionerJob {
  return {
    id: row.id as string,
    createdAt: asDate(row.created_at)!,
    updatedAt: asDate(row.updated_at)!,
    startedAt: asDate(row.started_at),
    completedAt: asDate(row.completed_at),
    canceledAt: asDate(row.canceled_at),
    organizationId: row.organization_id as string,
    initiatorId: row.initiator_id as string,
    provisioner: row.provisioner as string,
    kind: row.kind as string,
    input: (row.input ?? {}) as Record<string, unknown>,
    fileHash: row.file_hash as string,
    tags: (row.tags ?? {}) as ProvisionerTags,
    status: row.status as JobStatus,
    workerId: (row.worker_id as string | null) ?? null,
    error: (row.error as string | null) ?? null,
    errorCode: (row.error_code as string | null) ?? null,
  };
}

/** Maps a raw `hangar_provisioner_job_logs` row to a {@link ProvisionerJobLog}. */
export function logFromRow(row: Record<string, unknown>): ProvisionerJobLog {
  return {
    id: String(row.id),
    jobId: row.job_id as string,
    createdAt: asDate(row.created_at)!,
    level: row.level as LogLine['level'],
    stage: row.stage as string,
    output: row.output as string,
  };
}

function asDate(value: unknown): Date | null {
  if (value === null || value === undefined) return null;
  return value instanceof Date ? value : new Date(value as string);
}
