import { link, mkdir, symlink, writeFile } from 'node:fs/promises';
import { dirname, join, posix } from 'node:path';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { HangarError } from '../errors/hangar-error.js';

/** Bounds on what an archive may expand to. */
export interface ExtractLimits {
  /** Total bytes of file contents (default 512 MiB). */
  readonly maxBytes?: number;
  /** Entries (default 20,000). */
  readonly maxEntries?: number;
}

function refuse(reason: string): HangarError {
  return new HangarError('HANGAR_ERR_PROVISIONER_ARCHIVE_INVALID', { reason });
}

/** The archive path of an entry, normalised; throws for absolute paths, `..` and NUL bytes. */
export function safeArchivePath(raw: string): string {
  if (raw.includes('\0')) throw refuse(`entry "${raw.replace(/\0/g, '\\0')}" has a NUL byte in its name`);
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) throw refuse(`entry "${raw}" has an absolute path`);
  const segments = raw.replace(/\\/g, '/').split('/');
  if (segments.includes('..')) throw refuse(`entry "${raw}" has a ".." path segment`);
  const normalised = posix.normalize(segments.filter((s) => s !== '' && s !== '.').join('/'));
  return normalised === '.' ? '' : normalised;
}

/** Throws unless a link at `path` pointing at `target` (relative to the link's directory) stays inside. */
function assertInside(path: string, target: string, kind: string): void {
  if (target.startsWith('/')) throw refuse(`${kind} "${path}" points to the absolute path "${target}"`);
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) throw refuse(`${kind} "${path}" points outside the archive ("${target}")`);
}

/**
 * Extracts a tar (or gzipped tar) archive into `dir`, which must exist and be empty. Entries
 * with absolute paths, `..` segments, links that lead out of `dir`, or device files are
 * refused with `HANGAR_ERR_PROVISIONER_ARCHIVE_INVALID`; so is an archive past the limits.
 */
export async function extractArchive(archive: Uint8Array, dir: string, limits: ExtractLimits = {}): Promise<void> {
  const maxBytes = limits.maxBytes ?? 512 * 1024 * 1024;
  const maxEntries = limits.maxEntries ?? 20_000;
  let bytes = Buffer.from(archive.buffer, archive.byteOffset, archive.byteLength);
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) {
    try {
      bytes = gunzipSync(bytes, { maxOutputLength: maxBytes + 1024 * 1024 });
    } catch (error) {
      throw new HangarError('HANGAR_ERR_PROVISIONER_ARCHIVE_INVALID', { reason: 'the gzip data is corrupt or too large' }, { detail: (error as Error).message });
    }
  }
  let total = 0;
  let entries = 0;
  // Nothing may be written through a symlink the archive made: a link's target is checked
  // where it lies in the archive, and a path through another link would change that.
  const links = new Set<string>();
  const assertNoLinkOnPath = (path: string) => {
    const segments = path.split('/');
    for (let i = 1; i <= segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      if (links.has(prefix)) throw refuse(`entry "${path}" goes through the link "${prefix}"`);
    }
  };
  const extract = tarStream.extract();
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      const fail = (error: unknown) => {
        stream.resume();
        extract.destroy(error as Error);
      };
      (async () => {
        if (++entries > maxEntries) throw refuse(`it has more than ${maxEntries} entries`);
        const path = safeArchivePath(header.name);
        const target = join(dir, path);
        assertNoLinkOnPath(path);
        switch (header.type) {
          case 'directory':
            await mkdir(target, { recursive: true, mode: 0o755 });
            stream.resume();
            return;
          case 'file':
          case 'contiguous-file': {
            if (!path) throw refuse('a file entry names the archive root');
            total += header.size ?? 0;
            if (total > maxBytes) throw refuse(`its contents are larger than ${maxBytes} bytes`);
            const chunks: Buffer[] = [];
            for await (const chunk of stream) chunks.push(chunk as Buffer);
            await mkdir(dirname(target), { recursive: true, mode: 0o755 });
            await writeFile(target, Buffer.concat(chunks), { mode: (header.mode ?? 0o644) & 0o755, flag: 'wx' });
            return;
          }
          case 'symlink': {
            assertInside(path, header.linkname ?? '', 'link');
            await mkdir(dirname(target), { recursive: true, mode: 0o755 });
            await symlink(header.linkname!, target);
            links.add(path);
            stream.resume();
            return;
          }
          case 'link': {
            // A hard link names another entry by its archive path.
            const source = safeArchivePath(header.linkname ?? '');
            assertNoLinkOnPath(source);
            await mkdir(dirname(target), { recursive: true, mode: 0o755 });
            await link(join(dir, source), target);
            stream.resume();
            return;
          }
          default:
            throw refuse(`entry "${header.name}" is a ${header.type}, which a template may not contain`);
        }
      })().then(() => next(), fail);
    });
    extract.on('finish', resolve);
    extract.on('error', (error) => reject(error instanceof HangarError ? error : refuse('it is corrupt or truncated')));
  });
  Readable.from([bytes]).pipe(extract);
  await done;
}
