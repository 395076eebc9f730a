import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { runCli, type CliIo } from '../src/index.js';

function io(): CliIo & { out: string; err: string } {
  const captured = {
    out: '',
    err: '',
    exitCode: 0,
    stdout: (text: string) => void (captured.out += text),
    stderr: (text: string) => void (captured.err += text),
    waitForShutdownSignal: () => new Promise<NodeJS.Signals>(() => undefined),
  };
  return captured;
}

test('hangar provisionerd start --help lists its flags and hides the test-only echo provisioner', async () => {
  const cli = io();
  assert.is(await runCli(['node', 'hangar', 'provisionerd', 'start', '--help'], cli), 0);
  assert.match(cli.out, '--url <url>');
  assert.match(cli.out, '--key <key>');
  assert.match(cli.out, '--name <name>');
  assert.not.match(cli.out, 'echo');
});

test('a missing --key is a usage error (exit 2) naming the flag', async () => {
  const cli = io();
  assert.is(await runCli(['node', 'hangar', 'provisionerd', 'start', '--url', 'http://127.0.0.1:1'], cli), 2);
  assert.match(cli.err, "required option '--key <key>'");
});

test('a bad URL or no provisioner to offer fails clearly before connecting', async () => {
  const badUrl = io();
  assert.is(await runCli(['node', 'hangar', 'provisionerd', 'start', '--url', 'not a url', '--key', 'k'], badUrl), 2);
  assert.match(badUrl.err, 'is not a URL');
  const none = io();
  assert.is(await runCli(['node', 'hangar', 'provisionerd', 'start', '--url', 'http://127.0.0.1:1', '--key', 'k', '--provisioners', ''], none), 1);
  assert.match(none.err, 'no provisioner to offer');
  const unknown = io();
  assert.is(await runCli(['node', 'hangar', 'provisionerd', 'start', '--url', 'http://127.0.0.1:1', '--key', 'k', '--provisioners', 'pulumi'], unknown), 2);
  assert.match(unknown.err, 'unknown provisioner "pulumi"');
});

test.run();
