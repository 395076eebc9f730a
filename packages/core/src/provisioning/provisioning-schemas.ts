import { Type } from '@sinclair/typebox';
import type { ProvisionerDaemonRecord } from './daemon-store.js';
import type { ProvisionerJob } from './job-entities.js';
import type { QueuePosition } from './job-queue.js';
import type { ProvisionerKeyRecord } from './provisioner-keys.js';

const Uuid = Type.String({ format: 'uuid' });
const Time = Type.String({ format: 'date-time' });
const NullableTime = Type.Union([Time, Type.Null()]);

/** Provisioner tags on the wire: up to 32 string pairs. */
export const TagsSchema = Type.Record(Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9_.:/-]+$' }), Type.String({ maxLength: 256 }), {
  maxProperties: 32,
  description: 'Provisioner tags: a job runs only on daemons whose tags include all of its own.',
});

/** A provisioner job on the wire (embed it in build and template version responses). */
export const ProvisionerJobViewSchema = Type.Object({
  id: Uuid,
  created_at: Time,
  updated_at: Time,
  started_at: NullableTime,
  completed_at: NullableTime,
  canceled_at: NullableTime,
  status: Type.Union(['pending', 'running', 'succeeded', 'canceling', 'canceled', 'failed'].map((s) => Type.Literal(s))),
  kind: Type.String(),
  provisioner: Type.String(),
  organization_id: Uuid,
  initiator_id: Uuid,
  file_hash: Type.String(),
  tags: Type.Record(Type.String(), Type.String()),
  worker_id: Type.Union([Uuid, Type.Null()]),
  error: Type.Union([Type.String(), Type.Null()]),
  error_code: Type.Union([Type.String(), Type.Null()]),
  queue_position: Type.Integer({ description: '1 for the next job to run; 0 once it is no longer pending.' }),
  queue_size: Type.Integer({ description: 'Pending jobs for the same provisioner.' }),
});

/** A job as {@link ProvisionerJobViewSchema} renders it. */
export function toJobView(job: ProvisionerJob, position: QueuePosition = { position: 0, size: 0 }) {
  return {
    id: job.id,
    created_at: job.createdAt.toISOString(),
    updated_at: job.updatedAt.toISOString(),
    started_at: job.startedAt?.toISOString() ?? null,
    completed_at: job.completedAt?.toISOString() ?? null,
    canceled_at: job.canceledAt?.toISOString() ?? null,
    status: job.status,
    kind: job.kind,
    provisioner: job.provisioner,
    organization_id: job.organizationId,
    initiator_id: job.initiatorId,
    file_hash: job.fileHash,
    tags: job.tags,
    worker_id: job.workerId,
    error: job.error,
    error_code: job.errorCode,
    queue_position: position.position,
    queue_size: position.size,
  };
}

/** A daemon on the wire. */
export const ProvisionerDaemonViewSchema = Type.Object({
  id: Uuid,
  name: Type.String(),
  organization_id: Type.Union([Uuid, Type.Null()], { description: 'null for daemons inside the server (they serve every organization).' }),
  tags: Type.Record(Type.String(), Type.String()),
  version: Type.String(),
  provisioners: Type.Array(Type.String()),
  key_id: Type.Union([Uuid, Type.Null()]),
  created_at: Time,
  last_seen_at: Time,
  status: Type.Union([Type.Literal('idle'), Type.Literal('busy'), Type.Literal('offline')]),
  current_job: Type.Union([Type.Object({ id: Uuid, status: Type.String(), kind: Type.String() }), Type.Null()]),
});

/** A daemon as {@link ProvisionerDaemonViewSchema} renders it; offline when not seen for `offlineAfterMs`. */
export function toDaemonView(daemon: ProvisionerDaemonRecord & { currentJob: { id: string; status: string; kind: string } | null }, offlineAfterMs: number) {
  const offline = Date.now() - daemon.lastSeenAt.getTime() > offlineAfterMs;
  return {
    id: daemon.id,
    name: daemon.name,
    organization_id: daemon.organizationId,
    tags: daemon.tags,
    version: daemon.version,
    provisioners: [...daemon.provisioners],
    key_id: daemon.keyId,
    created_at: daemon.createdAt.toISOString(),
    last_seen_at: daemon.lastSeenAt.toISOString(),
    status: offline ? ('offline' as const) : daemon.currentJob ? ('busy' as const) : ('idle' as const),
    current_job: daemon.currentJob,
  };
}

/** A provisioner key on the wire (never its secret). */
export const ProvisionerKeyViewSchema = Type.Object({
  id: Uuid,
  organization_id: Uuid,
  name: Type.String(),
  tags: Type.Record(Type.String(), Type.String()),
  created_at: Time,
  created_by: Type.Union([Uuid, Type.Null()]),
});

/** A key as {@link ProvisionerKeyViewSchema} renders it. */
export function toKeyView(key: ProvisionerKeyRecord) {
  return {
    id: key.id,
    organization_id: key.organizationId,
    name: key.name,
    tags: key.tags,
    created_at: key.createdAt.toISOString(),
    created_by: key.createdBy,
  };
}

/** The body of `POST /api/v2/organizations/:organization/provisionerkeys`. */
export const CreateProvisionerKeySchema = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?$' }),
  tags: Type.Optional(TagsSchema),
});

/** The answer to a key creation: the key string, shown this once. */
export const CreatedProvisionerKeySchema = Type.Composite([ProvisionerKeyViewSchema, Type.Object({ key: Type.String({ description: 'The key, shown once: `<id>-<secret>`.' }) })]);

/** `:organization` path parameter of the key routes: an organization id or name. */
export const KeyOrganizationParamsSchema = Type.Object({ organization: Type.String({ minLength: 1, maxLength: 64 }) });
