import { gunzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import yauzl from 'yauzl';
import { HangarError } from '../errors/hangar-error.js';
import type { ArchiveEntry, ArchiveLimits } from './archive-entry.js';
import { assertLinkInside, assertNoWriteThroughLinks, safeEntryPath } from './archive-paths.js';

/** The archive formats uploads may use. */
export type ArchiveFormat = 'tar' | 'tar+gzip' | 'zip';

/** Recognises an archive by its first bytes (content types are often wrong). */
export function detectArchiveFormat(bytes: Buffer): ArchiveFormat | undefined {
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x04034b50) return 'zip';
  if (bytes.length >= 4 && bytes.readUInt32LE(0) === 0x06054b50) return 'zip'; // empty zip
  if (bytes.length >= 2 && bytes[0] === 0x1f && bytes[1] === 0x8b) return 'tar+gzip';
  if (bytes.length >= 263 && bytes.toString('latin1', 257, 262) === 'ustar') return 'tar';
  if (bytes.length >= 1024 && bytes.subarray(0, 1024).every((b) => b === 0)) return 'tar'; // empty tar
  return undefined;
}

/**
 * Reads and validates an uploaded archive: no absolute paths, no `..`, no link leading out of
 * the archive, no device files, and within the size and entry limits. Throws a coded 400 or
 * 413 naming the entry at fault.
 */
export async function readArchive(bytes: Buffer, limits: ArchiveLimits): Promise<ArchiveEntry[]> {
  const format = detectArchiveFormat(bytes);
  if (!format) throw new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason: 'it is not a tar, tar.gz or zip archive' });
  const budget = new Budget(limits);
  const entries = format === 'zip' ? await readZip(bytes, budget) : await readTar(format === 'tar' ? bytes : gunzip(bytes, limits), budget);
  const seen = new Set<string>();
  const kept = entries.filter((entry) => {
    if (!entry.path) return false; // the root directory itself
    if (seen.has(entry.path)) throw new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason: `entry "${entry.path}" appears twice` });
    seen.add(entry.path);
    return true;
  });
  assertNoWriteThroughLinks(kept);
  return kept;
}

class Budget {
  private bytes = 0;
  private entries = 0;
  constructor(private readonly limits: ArchiveLimits) {}
  entry(): void {
    if (++this.entries > this.limits.maxEntries) {
      throw new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason: `it has more than ${this.limits.maxEntries} entries` });
    }
  }
  grow(size: number): void {
    this.bytes += size;
    if (this.bytes > this.limits.maxExpandedBytes) throw new HangarError('HANGAR_ERR_FILE_TOO_LARGE', { limit: this.limits.maxExpandedBytes });
  }
}

function gunzip(bytes: Buffer, limits: ArchiveLimits): Buffer {
  try {
    // maxOutputLength stops a decompression bomb before it fills memory.
    return gunzipSync(bytes, { maxOutputLength: limits.maxExpandedBytes + 64 * 1024 });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw new HangarError('HANGAR_ERR_FILE_TOO_LARGE', { limit: limits.maxExpandedBytes });
    throw new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason: 'the gzip data is corrupt' }, { detail: (error as Error).message });
  }
}

async function readTar(bytes: Buffer, budget: Budget): Promise<ArchiveEntry[]> {
  const extract = tarStream.extract();
  const entries: ArchiveEntry[] = [];
  const done = new Promise<void>((resolve, reject) => {
    extract.on('entry', (header, stream, next) => {
      // The entry stream fails along with the extractor; the extractor's error is the one reported.
      stream.on('error', () => undefined);
      try {
        budget.entry();
        const path = safeEntryPath(header.name);
        const mode = (header.mode ?? 0o644) & 0o777;
        if (header.type === 'directory') entries.push({ path, type: 'directory', mode });
        else if (header.type === 'symlink' || header.type === 'link') {
          const target = header.linkname ?? '';
          // A hard link names another entry by its archive path; a symlink is relative to its directory.
          if (header.type === 'link') safeEntryPath(target);
          else assertLinkInside(path, target);
          entries.push({ path, type: 'symlink', mode, linkTarget: header.type === 'link' ? relativeTo(path, safeEntryPath(target)) : target });
        } else if (header.type === 'file' || header.type === 'contiguous-file') {
          budget.grow(header.size ?? 0);
          const chunks: Buffer[] = [];
          stream.on('data', (chunk) => chunks.push(chunk as Buffer));
          stream.on('end', () => {
            entries.push({ path, type: 'file', mode, data: Buffer.concat(chunks) });
            next();
          });
          return;
        } else {
          throw new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason: `entry "${header.name}" is a ${header.type}, which templates may not contain` });
        }
        stream.resume();
        stream.on('end', () => next());
      } catch (error) {
        extract.destroy(error as Error);
      }
    });
    extract.on('finish', resolve);
    extract.on('error', (error) => reject(asArchiveError(error)));
  });
  extract.end(bytes);
  await done;
  return entries;
}

function relativeTo(path: string, target: string): string {
  const depth = path.split('/').length - 1;
  return `${'../'.repeat(depth)}${target}`;
}

function readZip(bytes: Buffer, budget: Budget): Promise<ArchiveEntry[]> {
  return new Promise((resolve, reject) => {
    yauzl.fromBuffer(bytes, { lazyEntries: true, validateEntrySizes: true, strictFileNames: false }, (openError, zip) => {
      if (openError || !zip) return reject(asArchiveError(openError));
      const entries: ArchiveEntry[] = [];
      const fail = (error: unknown) => {
        zip.close();
        reject(asArchiveError(error));
      };
      zip.on('error', fail);
      zip.on('end', () => resolve(entries));
      zip.on('entry', (entry: yauzl.Entry) => {
        try {
          budget.entry();
          const path = safeEntryPath(entry.fileName);
          const unixMode = (entry.externalFileAttributes >>> 16) & 0o177777;
          const isLink = (unixMode & 0o170000) === 0o120000;
          const isDirectory = entry.fileName.endsWith('/');
          if (isDirectory) {
            entries.push({ path, type: 'directory', mode: unixMode & 0o777 || 0o755 });
            return zip.readEntry();
          }
          budget.grow(entry.uncompressedSize);
          zip.openReadStream(entry, (streamError, stream) => {
            if (streamError || !stream) return fail(streamError);
            const chunks: Buffer[] = [];
            stream.on('data', (chunk: Buffer) => chunks.push(chunk));
            stream.on('error', fail);
            stream.on('end', () => {
              try {
                const data = Buffer.concat(chunks);
                if (isLink) {
                  const target = data.toString('utf8');
                  assertLinkInside(path, target);
                  entries.push({ path, type: 'symlink', mode: 0o777, linkTarget: target });
                } else entries.push({ path, type: 'file', mode: unixMode & 0o777 || 0o644, data });
                zip.readEntry();
              } catch (error) {
                fail(error);
              }
            });
          });
        } catch (error) {
          fail(error);
        }
      });
      zip.readEntry();
    });
  });
}

function asArchiveError(error: unknown): HangarError {
  if (error instanceof HangarError) return error;
  // yauzl checks zip entry names itself before we see them; keep its verdict, in our words.
  const unsafeName = /^(?:invalid relative path|absolute path): (.*)$/.exec((error as Error | undefined)?.message ?? '');
  if (unsafeName) {
    try {
      safeEntryPath(unsafeName[1]!);
    } catch (named) {
      return named as HangarError;
    }
  }
  return new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason: 'it is corrupt or truncated' }, { detail: (error as Error | undefined)?.message });
}
