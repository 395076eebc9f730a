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

/**
 * Throws when an entry would be written through a symlink of the archive, or a link's target
 * walks through one: after a link, `..` no longer means what it says lexically (`here -> .`
 * then `here/up -> ..` reaches outside), so such archives are refused outright.
 */
export function assertNoWriteThroughLinks(entries: readonly { path: string; type: string; linkTarget?: string }[]): void {
  const links = new Set(entries.filter((e) => e.type === 'symlink').map((e) => e.path));
  if (!links.size) return;
  for (const entry of entries) {
    const segments = entry.path.split('/');
    for (let i = 1; i < segments.length; i++) {
      const prefix = segments.slice(0, i).join('/');
      if (links.has(prefix)) throw refuse(`entry "${entry.path}" goes through the link "${prefix}"`);
    }
    if (entry.type !== 'symlink' || !entry.linkTarget) continue;
    const walk = entry.path.split('/').slice(0, -1);
    for (const segment of entry.linkTarget.split('/')) {
      if (segment === '' || segment === '.') continue;
      if (segment === '..') walk.pop();
      else {
        walk.push(segment);
        if (links.has(walk.join('/'))) throw refuse(`link "${entry.path}" points through the link "${walk.join('/')}"`);
      }
    }
  }
}
