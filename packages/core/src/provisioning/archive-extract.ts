import { mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type ArchiveLimits, defaultArchiveLimits } from '../files/archive-entry.js';
import { readArchive } from '../files/archive-reader.js';

/**
 * Extracts a template archive (tar, tar.gz or zip) into `dir`, which must exist and be empty.
 * It goes through the same validation as an upload (`readArchive`): absolute paths, `..`
 * segments, links leading out or written through, device files and archives past the limits
 * are refused with `HANGAR_ERR_FILE_ARCHIVE_INVALID` before anything is written.
 */
export async function extractArchive(archive: Uint8Array, dir: string, limits: ArchiveLimits = defaultArchiveLimits): Promise<void> {
  const entries = await readArchive(Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength), limits);
  for (const entry of entries) {
    const target = join(dir, entry.path);
    if (entry.type === 'directory') {
      await mkdir(target, { recursive: true, mode: 0o755 });
      continue;
    }
    await mkdir(dirname(target), { recursive: true, mode: 0o755 });
    if (entry.type === 'symlink') await symlink(entry.linkTarget!, target);
    else await writeFile(target, entry.data ?? Buffer.alloc(0), { mode: entry.mode & 0o755, flag: 'wx' });
  }
}
