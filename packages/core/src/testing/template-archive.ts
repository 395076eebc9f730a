import { tarFromFiles } from '../files/archive-writer.js';

/** A file of a test archive: text, bytes, or a value written as JSON. */
export type ArchiveFileContent = string | Uint8Array | object;

/**
 * Builds a tar archive in memory from a map of paths to contents, for tests; objects are
 * written as JSON.
 *
 * @example
 * ```ts
 * const archive = await makeTemplateArchive({ 'echo.json': { plan: { resources: [{ name: 'dev', type: 'vm' }] } }, 'README.md': '# Dev' });
 * ```
 */
export async function makeTemplateArchive(files: Readonly<Record<string, ArchiveFileContent>>): Promise<Uint8Array> {
  const encoded = Object.fromEntries(
    Object.entries(files).map(([path, content]) => [
      path,
      typeof content === 'string' ? content : content instanceof Uint8Array ? Buffer.from(content) : JSON.stringify(content, null, 2),
    ]),
  );
  return new Uint8Array(await tarFromFiles(encoded));
}
