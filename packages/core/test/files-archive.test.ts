import { gzipSync } from 'node:zlib';
import tarStream from 'tar-stream';
import { test } from 'uvu';
import * as assert from 'uvu/assert';
import yazl from 'yazl';
import { defaultArchiveLimits, type HangarError, readArchive, tarFromFiles } from '../src/index.js';

type TarItem = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo'; data?: string; linkname?: string };

async function tar(items: TarItem[]): Promise<Buffer> {
  const pack = tarStream.pack();
  const chunks: Buffer[] = [];
  pack.on('data', (c) => chunks.push(c as Buffer));
  const done = new Promise<void>((r) => pack.on('end', () => r()));
  for (const item of items) {
    if ((item.type ?? 'file') === 'file') pack.entry({ name: item.name }, item.data ?? '');
    else pack.entry({ name: item.name, type: item.type, linkname: item.linkname });
  }
  pack.finalize();
  await done;
  return Buffer.concat(chunks);
}

async function zip(items: { name: string; data?: string; symlinkTo?: string }[]): Promise<Buffer> {
  const file = new yazl.ZipFile();
  for (const item of items) {
    if (item.symlinkTo !== undefined) file.addBuffer(Buffer.from(item.symlinkTo), item.name, { mode: 0o120777 });
    else file.addBuffer(Buffer.from(item.data ?? ''), item.name);
  }
  file.end();
  const chunks: Buffer[] = [];
  for await (const chunk of file.outputStream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function refusal(bytes: Buffer, limits = defaultArchiveLimits): Promise<HangarError> {
  try {
    await readArchive(bytes, limits);
  } catch (error) {
    return error as HangarError;
  }
  throw new Error('the archive was accepted');
}

test('a plain tar is read with its files and directories', async () => {
  const entries = await readArchive(await tar([{ name: 'main.tf', data: 'x' }, { name: 'modules/', type: 'directory' }, { name: 'modules/a.tf', data: 'y' }]), defaultArchiveLimits);
  assert.equal(entries.map((e) => [e.path, e.type]), [['main.tf', 'file'], ['modules', 'directory'], ['modules/a.tf', 'file']]);
});

test('tar.gz and zip archives are read too, and a link inside the archive is kept', async () => {
  const gz = gzipSync(await tar([{ name: './main.tf', data: 'x' }, { name: 'link.tf', type: 'symlink', linkname: 'main.tf' }]));
  assert.equal((await readArchive(gz, defaultArchiveLimits)).map((e) => e.path), ['main.tf', 'link.tf']);
  const zipped = await zip([{ name: 'main.tf', data: 'x' }, { name: 'dir/link', symlinkTo: '../main.tf' }]);
  const entries = await readArchive(zipped, defaultArchiveLimits);
  assert.equal(entries.map((e) => [e.path, e.type, e.linkTarget]), [['main.tf', 'file', undefined], ['dir/link', 'symlink', '../main.tf']]);
});

test('an absolute path is refused, naming the entry', async () => {
  const error = await refusal(await tar([{ name: '/etc/passwd', data: 'x' }]));
  assert.is(error.code, 'HANGAR_ERR_FILE_ARCHIVE_INVALID');
  assert.is(error.statusCode, 400);
  assert.match(error.message, /"\/etc\/passwd" has an absolute path/);
});

test('a ".." segment is refused in tar and zip', async () => {
  assert.match((await refusal(await tar([{ name: 'a/../../escape.tf', data: 'x' }]))).message, /"\.\." path segment/);
  // zip writers refuse such names, so rename the entry in the bytes (both headers).
  const hostile = Buffer.from((await zip([{ name: 'AB/escape.tf', data: 'x' }])).toString('latin1').replaceAll('AB/escape.tf', '../escape.tf'), 'latin1');
  assert.match((await refusal(hostile)).message, /"\.\." path segment/);
});

test('links pointing outside the archive are refused', async () => {
  assert.match((await refusal(await tar([{ name: 'evil', type: 'symlink', linkname: '/etc/shadow' }]))).message, /points to the absolute path/);
  assert.match((await refusal(await tar([{ name: 'a/evil', type: 'symlink', linkname: '../../outside' }]))).message, /points outside the archive/);
  assert.match((await refusal(await tar([{ name: 'hard', type: 'link', linkname: '../outside' }]))).message, /"\.\." path segment/);
  assert.match((await refusal(await zip([{ name: 'evil', symlinkTo: '../../etc' }]))).message, /points outside the archive/);
});

test('nothing is written through a link, and no link points through another', async () => {
  const through = await tar([{ name: 'here', type: 'symlink', linkname: '.' }, { name: 'here/up', type: 'symlink', linkname: '..' }]);
  assert.match((await refusal(through)).message, /"here\/up" goes through the link "here"/);
  const chained = await tar([{ name: 'l1', type: 'symlink', linkname: '.' }, { name: 'l2', type: 'symlink', linkname: 'l1/..' }]);
  assert.match((await refusal(chained)).message, /"l2" points through the link "l1"/);
});

test('device files and fifos are refused', async () => {
  assert.match((await refusal(await tar([{ name: 'pipe', type: 'fifo' }]))).message, /is a fifo/);
});

test('an archive expanding past the limit is refused with 413, whatever its compressed size', async () => {
  const bomb = gzipSync(await tar([{ name: 'zeros', data: '\0'.repeat(3 * 1024 * 1024) }]));
  assert.ok(bomb.length < 64 * 1024, 'the upload itself is small');
  const error = await refusal(bomb, { maxExpandedBytes: 1024 * 1024, maxEntries: 100 });
  assert.is(error.code, 'HANGAR_ERR_FILE_TOO_LARGE');
  assert.is(error.statusCode, 413);
  const zipError = await refusal(await zip([{ name: 'zeros', data: '\0'.repeat(2 * 1024 * 1024) }]), { maxExpandedBytes: 1024 * 1024, maxEntries: 100 });
  assert.is(zipError.code, 'HANGAR_ERR_FILE_TOO_LARGE');
});

test('too many entries and duplicate entries are refused', async () => {
  const many = await tar(Array.from({ length: 20 }, (_, i) => ({ name: `f${i}.tf`, data: 'x' })));
  assert.match((await refusal(many, { maxExpandedBytes: 1e6, maxEntries: 10 })).message, /more than 10 entries/);
  assert.match((await refusal(await tar([{ name: 'a.tf' }, { name: './a.tf' }]))).message, /appears twice/);
});

test('bytes that are no archive, and a truncated archive, are refused', async () => {
  assert.match((await refusal(Buffer.from('just some text that is not an archive'))).message, /not a tar, tar\.gz or zip/);
  const whole = await zip([{ name: 'main.tf', data: 'resource "x" "y" {}'.repeat(100) }]);
  assert.is((await refusal(whole.subarray(0, whole.length - 30))).code, 'HANGAR_ERR_FILE_ARCHIVE_INVALID');
});

test('the same files give the same normalised tar bytes', async () => {
  const a = await tarFromFiles({ 'main.tf': 'x', 'README.md': 'y' });
  const b = await tarFromFiles({ 'README.md': 'y', 'main.tf': 'x' });
  assert.ok(a.equals(b));
});

test.run();
