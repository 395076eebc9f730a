import { posix } from 'node:path';
import { HangarError } from '../errors/hangar-error.js';

function refuse(reason: string): HangarError {
  return new HangarError('HANGAR_ERR_FILE_ARCHIVE_INVALID', { reason });
}

/**
 * The safe, normalised form of an entry's path; throws for absolute paths, `..` segments,
 * NUL bytes and paths that name the archive root itself.
 */
export function safeEntryPath(raw: string): string {
  if (raw.includes('\0')) throw refuse(`entry "${raw.replace(/\0/g, '\\0')}" has a NUL byte in its name`);
  if (raw.startsWith('/') || /^[A-Za-z]:[\\/]/.test(raw)) throw refuse(`entry "${raw}" has an absolute path`);
  const segments = raw.replace(/\\/g, '/').split('/');
  if (segments.includes('..')) throw refuse(`entry "${raw}" has a ".." path segment`);
  const normalised = posix.normalize(segments.filter((s) => s !== '' && s !== '.').join('/'));
  return normalised === '.' ? '' : normalised;
}

/** Throws when a symlink at `path` pointing to `target` would resolve outside the archive. */
export function assertLinkInside(path: string, target: string): void {
  if (target.startsWith('/')) throw refuse(`link "${path}" points to the absolute path "${target}"`);
  const resolved = posix.normalize(posix.join(posix.dirname(path), target));
  if (resolved === '..' || resolved.startsWith('../')) throw refuse(`link "${path}" points outside the archive ("${target}")`);
}
