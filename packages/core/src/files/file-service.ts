import { createHash } from 'node:crypto';
import type { EntityManager } from '@mikro-orm/core';
import { createToken } from '../kernel/token.js';
import { type ArchiveLimits, defaultArchiveLimits } from './archive-entry.js';
import { readArchive } from './archive-reader.js';
import { writeTar } from './archive-writer.js';
import { type FileRecord, FileSchema } from './file-entity.js';

/** What {@link FileService.store} did. */
export interface StoredFile {
  readonly hash: string;
  readonly size: number;
  /** False when identical content was already stored (deduplicated). */
  readonly created: boolean;
}

/**
 * Stores template archives content-addressed: every upload is validated, normalised to an
 * uncompressed tar with fixed timestamps (so equal content dedupes whatever its packaging),
 * and kept once per SHA-256.
 */
export class FileService {
  constructor(private readonly limits: ArchiveLimits = defaultArchiveLimits) {}

  /** Validates and stores an archive; throws a coded 400/413 for a bad one, writing nothing. */
  async store(em: EntityManager, upload: Buffer, createdBy: string | null): Promise<StoredFile> {
    const entries = await readArchive(upload, this.limits);
    const tar = await writeTar(entries);
    const hash = createHash('sha256').update(tar).digest('hex');
    // Insert-or-ignore keeps two concurrent uploads of the same content from colliding.
    const inserted = await em.getConnection().execute(
      `insert into hangar_files (hash, mimetype, size, data, created_by) values (?, 'application/x-tar', ?, ?, ?)
       on conflict (hash) do nothing returning hash`,
      [hash, tar.length, tar, createdBy],
    );
    return { hash, size: tar.length, created: inserted.length === 1 };
  }

  /** The stored file's metadata (not its bytes), or null. */
  async get(em: EntityManager, hash: string): Promise<FileRecord | null> {
    if (!/^[0-9a-f]{64}$/.test(hash)) return null;
    return em.findOne(FileSchema, { hash });
  }

  /** Only the bytes of a stored file (for job runners), or null. */
  async bytes(em: EntityManager, hash: string): Promise<Buffer | null> {
    const rows = await em.getConnection().execute<{ data: Buffer }[]>('select data from hangar_files where hash = ?', [hash]);
    return rows[0]?.data ?? null;
  }
}

/** Token of the server's {@link FileService}. */
export const fileServiceToken = createToken<FileService>('core.files');
