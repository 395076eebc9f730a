import { randomUUID } from 'node:crypto';
import type { Database } from '../database/database.js';
import type { ProvisionerTags } from './job-entities.js';
import { jsonParam, type Row } from './sql-on.js';

/** Who is asking for work: what the queue matches jobs against. */
export interface DaemonIdentity {
  readonly id: string;
  readonly name: string;
  /** `null` for daemons inside the server: they serve every organization. */
  readonly organizationId: string | null;
  /** Provisioner names the daemon can run. */
  readonly provisioners: readonly string[];
  /** A job's tags must be a subset of these. */
  readonly tags: ProvisionerTags;
}

/** What a daemon says about itself when it connects. */
export interface DaemonRegistration {
  readonly name: string;
  readonly organizationId?: string | null;
  readonly tags: ProvisionerTags;
  readonly provisioners: readonly string[];
  readonly version: string;
  /** The provisioner key an external daemon authenticated with. */
  readonly keyId?: string | null;
}

/** A row of `hangar_provisioner_daemons`. */
export interface ProvisionerDaemonRecord extends DaemonIdentity {
  readonly version: string;
  readonly keyId: string | null;
  readonly createdAt: Date;
  readonly lastSeenAt: Date;
  readonly currentJobId: string | null;
}

const noOrganization = '00000000-0000-0000-0000-000000000000';

/**
 * The daemons table. A daemon is known by its name within its organization: one that
 * reconnects (or restarts) under the same name keeps its id, so it can still report the job
 * it was running.
 */
export class DaemonStore {
  constructor(private readonly database: () => Database) {}

  /** Creates or refreshes a daemon's row and returns its identity. */
  async register(registration: DaemonRegistration): Promise<ProvisionerDaemonRecord> {
    const rows = await this.database().execute<Row[]>(
      `insert into hangar_provisioner_daemons (id, name, organization_id, tags, version, provisioners, key_id)
       values (?, ?, ?, ?::jsonb, ?, ?::jsonb, ?)
       on conflict (coalesce(organization_id, '${noOrganization}'::uuid), name) do update set
         tags = excluded.tags, version = excluded.version, provisioners = excluded.provisioners,
         key_id = excluded.key_id, last_seen_at = now()
       returning *`,
      [
        randomUUID(),
        registration.name,
        registration.organizationId ?? null,
        jsonParam(registration.tags),
        registration.version,
        jsonParam(registration.provisioners),
        registration.keyId ?? null,
      ],
    );
    return daemonFromRow(rows[0]!);
  }

  /** Records that a daemon is alive. */
  async touch(daemonId: string): Promise<void> {
    await this.database().execute('update hangar_provisioner_daemons set last_seen_at = now() where id = ?', [daemonId]);
  }

  /** Daemons, most recently seen first, with their current job; with an organization, its own and the server's. */
  async list(organizationId?: string): Promise<(ProvisionerDaemonRecord & { currentJob: { id: string; status: string; kind: string } | null })[]> {
    const rows = await this.database().execute<Row[]>(
      `select daemon.*, job.status as current_job_status, job.kind as current_job_kind
       from hangar_provisioner_daemons daemon
       left join hangar_provisioner_jobs job on job.id = daemon.current_job_id
       where ?::uuid is null or daemon.organization_id is null or daemon.organization_id = ?::uuid
       order by daemon.last_seen_at desc, daemon.name`,
      [organizationId ?? null, organizationId ?? null],
    );
    return rows.map((row) => ({
      ...daemonFromRow(row),
      currentJob: row.current_job_id ? { id: row.current_job_id as string, status: row.current_job_status as string, kind: row.current_job_kind as string } : null,
    }));
  }

  /** Forgets daemons not seen for a while (default a week), as Coder does. */
  async prune(olderThanSeconds = 7 * 24 * 3600): Promise<number> {
    const rows = await this.database().execute<Row[]>(
      `delete from hangar_provisioner_daemons where last_seen_at < now() - make_interval(secs => ?) and current_job_id is null returning id`,
      [olderThanSeconds],
    );
    return rows.length;
  }
}

function daemonFromRow(row: Row): ProvisionerDaemonRecord {
  return {
    id: row.id as string,
    name: row.name as string,
    organizationId: (row.organization_id as string | null) ?? null,
    tags: (row.tags ?? {}) as ProvisionerTags,
    provisioners: (row.provisioners ?? []) as string[],
    version: (row.version as string) ?? '',
    keyId: (row.key_id as string | null) ?? null,
    createdAt: new Date(row.created_at as string),
    lastSeenAt: new Date(row.last_seen_at as string),
    currentJobId: (row.current_job_id as string | null) ?? null,
  };
}
