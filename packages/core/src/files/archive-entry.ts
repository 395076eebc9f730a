/** One entry of an uploaded template archive, after validation. */
export interface ArchiveEntry {
  /** Relative path with `/` separators, no leading `./`, never `..` or absolute. */
  readonly path: string;
  readonly type: 'file' | 'directory' | 'symlink';
  /** Permission bits (e.g. 0o644, 0o755). */
  readonly mode: number;
  /** File contents (files only). */
  readonly data?: Buffer;
  /** Link target (symlinks only); always stays inside the archive. */
  readonly linkTarget?: string;
}

/** Bounds an archive must stay within. */
export interface ArchiveLimits {
  /** Largest total size of the contents once expanded (default 100 MiB). */
  readonly maxExpandedBytes: number;
  /** Most entries (default 10,000). */
  readonly maxEntries: number;
}

/** The default {@link ArchiveLimits}. */
export const defaultArchiveLimits: ArchiveLimits = { maxExpandedBytes: 100 * 1024 * 1024, maxEntries: 10_000 };
