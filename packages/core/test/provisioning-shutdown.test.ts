import { test } from 'uvu';
import * as assert from 'uvu/assert';
import { startTestServer } from '../src/testing/index.js';

const timers = () => process.getActiveResourcesInfo().filter((kind) => kind === 'Timeout').length;

test('closing a server with idle daemons leaves no timer behind to hold the process open', async () => {
  const server = await startTestServer({ config: { provisionerDaemons: 3 } });
  await new Promise((r) => setTimeout(r, 100)); // let the daemons settle into waiting
  await server.close();
  await new Promise((r) => setImmediate(r));
  // A daemon's grace-period timer used to outlive close() by 30 s, delaying every exit.
  assert.is(timers(), 0, `still active after close: ${process.getActiveResourcesInfo().join(', ')}`);
});

test.run();
