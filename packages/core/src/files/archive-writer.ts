import tarStream from 'tar-stream';
import type { ArchiveEntry } from './archive-entry.js';

/** Writes entries as an uncompressed tar (the form Hangar stores and provisioners unpack). */
export async function writeTar(entries: readonly ArchiveEntry[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk) => chunks.push(chunk as Buffer));
  const finished = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  const mtime = new Date(0); // fixed, so the same content always gives the same bytes and hash
  for (const entry of [...entries].sort((a, b) => a.path.localeCompare(b.path))) {
    if (entry.type === 'file') pack.entry({ name: entry.path, mode: entry.mode, mtime, type: 'file' }, entry.data ?? Buffer.alloc(0));
    else if (entry.type === 'directory') pack.entry({ name: entry.path, mode: entry.mode, mtime, type: 'directory' });
    else pack.entry({ name: entry.path, mode: entry.mode, mtime, type: 'symlink', linkname: entry.linkTarget });
  }
  pack.finalize();
  await finished;
  return Buffer.concat(chunks);
}

/** A tar of files given as `path → content`; handy for tests and starter templates. */
export function tarFromFiles(files: Readonly<Record<string, string | Buffer>>): Promise<Buffer> {
  return writeTar(Object.entries(files).map(([path, content]) => ({ path, type: 'file', mode: 0o644, data: Buffer.from(content) })));
}
