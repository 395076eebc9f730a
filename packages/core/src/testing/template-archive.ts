import tarStream from 'tar-stream';

/** A file of a test archive: text, bytes, or a value written as JSON. */
export type ArchiveFileContent = string | Uint8Array | object;

/**
 * Builds a tar archive in memory from a map of paths to contents, for tests.
 *
 * @example
 * ```ts
 * const archive = await makeTemplateArchive({ 'echo.json': { plan: { resources: [{ name: 'dev', type: 'vm' }] } }, 'README.md': '# Dev' });
 * ```
 */
export async function makeTemplateArchive(files: Readonly<Record<string, ArchiveFileContent>>): Promise<Uint8Array> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve, reject) => {
    pack.on('end', resolve);
    pack.on('error', reject);
  });
  for (const [name, content] of Object.entries(files)) {
    const data = typeof content === 'string' ? Buffer.from(content) : content instanceof Uint8Array ? Buffer.from(content) : Buffer.from(JSON.stringify(content, null, 2));
    await new Promise<void>((resolve, reject) => pack.entry({ name, mode: 0o644, mtime: new Date(0) }, data, (error) => (error ? reject(error) : resolve())));
  }
  pack.finalize();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}
