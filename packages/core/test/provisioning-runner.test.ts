import { existsSync } from 'node:fs';
import { lstat, mkdtemp, readFile, readlink, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { createProvisionerRegistry, decodeWire, encodeWire, extractArchive, JobRunner, type LogLine, type Provisioner } from '../src/index.js';
import { echoProvisioner, makeTemplateArchive } from '../src/testing/index.js';
import { buildContext } from './support/provisioning-fixtures.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'character-device'; linkname?: string; content?: string; mode?: number };

async function tar(entries: Entry[]): Promise<Uint8Array> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (chunk: unknown) => void chunks.push(chunk as Buffer));
  const ended = new Promise<void>((resolve) => pack.on('end', () => resolve()));
  for (const entry of entries) {
    await new Promise<void>((resolve, reject) =>
      pack.entry({ name: entry.name, type: entry.type ?? 'file', ...(entry.linkname ? { linkname: entry.linkname } : {}), mode: entry.mode ?? 0o644 }, entry.content ?? '', (error) => (error ? reject(error) : resolve())),
    );
  }
  pack.finalize();
  await ended;
  return new Uint8Array(Buffer.concat(chunks));
}

async function extractInto(archive: Uint8Array): Promise<{ dir: string; error?: { code: string; message: string } }> {
  const parent = await mkdtemp(join(tmpdir(), 'hangar-extract-test-'));
  const dir = join(parent, 'job');
  await import('node:fs/promises').then((fs) => fs.mkdir(dir));
  try {
    await extractArchive(archive, dir);
    return { dir };
  } catch (error) {
    return { dir, error: error as { code: string; message: string } };
  }
}

test('a template archive is extracted with its directories, modes and inside links; gzip works too', async () => {
  const archive = await tar([
    { name: 'main.tf', content: 'resource {}' },
    { name: 'scripts/', type: 'directory' },
    { name: 'scripts/init.sh', content: '#!/bin/sh', mode: 0o755 },
    { name: 'current', type: 'symlink', linkname: 'scripts/init.sh' },
  ]);
  for (const bytes of [archive, new Uint8Array(gzipSync(archive))]) {
    const { dir, error } = await extractInto(bytes);
    assert.is(error, undefined);
    assert.is(await readFile(join(dir, 'main.tf'), 'utf8'), 'resource {}');
    assert.is((await lstat(join(dir, 'scripts/init.sh'))).mode & 0o777, 0o755);
    assert.is(await readlink(join(dir, 'current')), 'scripts/init.sh');
    await rm(join(dir, '..'), { recursive: true, force: true });
  }
});

const hostile: [string, Entry[], RegExp][] = [
  ['an absolute path', [{ name: '/tmp/hangar-evil' }], /absolute path/],
  ['a ".." segment', [{ name: 'a/../../evil' }], /"\.\." path segment/],
  ['a symlink leaving the directory', [{ name: 'escape', type: 'symlink', linkname: '../../etc' }], /points outside/],
  ['an absolute symlink', [{ name: 'escape', type: 'symlink', linkname: '/etc/passwd' }], /absolute path/],
  [
    'a write through a link',
    [
      { name: 'here', type: 'symlink', linkname: '.' },
      { name: 'here/up', type: 'symlink', linkname: '..' },
    ],
    /goes through the link/,
  ],
  ['a hard link to a path outside', [{ name: 'hard', type: 'link', linkname: '../outside' }], /"\.\." path segment/],
  ['a device file', [{ name: 'tty', type: 'character-device' }], /character-device/],
];
for (const [what, entries, reason] of hostile) {
  test(`an archive with ${what} is refused with a coded error and writes nothing outside`, async () => {
    const { dir, error } = await extractInto(await tar(entries));
    assert.is(error?.code, 'HANGAR_ERR_FILE_ARCHIVE_INVALID', String(error?.message));
    assert.match(error!.message, reason);
    assert.not.ok(existsSync(join(dir, '..', 'evil')));
    await rm(join(dir, '..'), { recursive: true, force: true });
  });
}

test('the runner works in a fresh directory per job, streams the provisioner\'s log with stages, and removes the directory', async () => {
  let seen = '';
  const spy: Provisioner = {
    ...echoProvisioner(),
    async plan(call) {
      seen = call.directory;
      assert.is(await readFile(join(call.directory, 'hello.txt'), 'utf8'), 'hi');
      call.log({ level: 'info', stage: '', output: 'planning' });
      return { resources: [], parameters: [] };
    },
  };
  const registry = createProvisionerRegistry();
  registry.register('spy', spy);
  const lines: LogLine[] = [];
  const archive = await makeTemplateArchive({ 'hello.txt': 'hi' });
  const result = await new JobRunner(registry).run(
    { id: 'j', kind: 'k', provisioner: 'spy', archive, payload: { type: 'build', context: buildContext('start') } },
    new AbortController().signal,
    (line) => lines.push(line),
  );
  assert.is(result.type, 'build');
  assert.ok(seen && !existsSync(seen), 'the working directory is gone');
  assert.ok(lines.some((l) => l.output === 'planning' && l.stage === 'Planning infrastructure'));
  const missing = await new JobRunner(registry)
    .run({ id: 'j', kind: 'k', provisioner: 'nope', archive, payload: { type: 'import', variables: {} } }, new AbortController().signal, () => undefined)
    .catch((e) => e.code);
  assert.is(missing, 'HANGAR_ERR_PROVISIONER_UNAVAILABLE');
});

test('wire messages carry byte arrays as base64 and back', () => {
  const state = new Uint8Array([0, 1, 2, 250]);
  const decoded = decodeWire(encodeWire({ result: { type: 'build', state, resources: [] }, other: Buffer.from('x') })) as { result: { state: Uint8Array }; other: Uint8Array };
  assert.ok(decoded.result.state instanceof Uint8Array);
  assert.equal([...decoded.result.state], [0, 1, 2, 250]);
  assert.equal([...decoded.other], [120]);
});

test.run();
