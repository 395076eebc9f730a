import { createHash, randomUUID } from 'node:crypto';
import {
  type BuildContext,
  definePlugin,
  type HangarPlugin,
  type JobFailureInfo,
  type JobKindHandler,
  jobKindRegistryToken,
  type JobPayload,
  jobQueueToken,
  type JobQueue,
  type JobResult,
  type NewJob,
  type ProvisionerJob,
  type ProvisioningOptions,
  type WorkspaceTransition,
  corePlugins,
} from '../../src/index.js';
import { echoProvisionerPlugin, makeTemplateArchive, startTestServer, type TestServer } from '../../src/testing/index.js';

/** A job kind for tests: archives by hash in memory, payload from the job's input, outcomes recorded. */
export interface TestKind {
  readonly handler: JobKindHandler;
  readonly archives: Map<string, Uint8Array>;
  readonly completed: { job: ProvisionerJob; result: JobResult }[];
  readonly failed: { job: ProvisionerJob; failure: JobFailureInfo }[];
}

/** The test kind's input: the payload, with a build's prior state as base64. */
export interface TestJobInput {
  readonly payload: { type: 'import'; variables: Record<string, string> } | { type: 'build'; context: Omit<BuildContext, 'priorState'>; prior_state?: string };
}

export function testKind(kind = 'test_job'): TestKind {
  const archives = new Map<string, Uint8Array>();
  const completed: TestKind['completed'] = [];
  const failed: TestKind['failed'] = [];
  const handler: JobKindHandler = {
    kind,
    async prepare(job) {
      const archive = archives.get(job.fileHash);
      if (!archive) throw new Error(`no archive with hash ${job.fileHash}`);
      const input = job.input as unknown as TestJobInput;
      const payload: JobPayload =
        input.payload.type === 'import'
          ? input.payload
          : {
              type: 'build',
              context: { ...input.payload.context, ...(input.payload.prior_state ? { priorState: new Uint8Array(Buffer.from(input.payload.prior_state, 'base64')) } : {}) },
            };
      return { archive, payload };
    },
    async complete(job, result) {
      completed.push({ job, result });
    },
    async failed(job, failure) {
      failed.push({ job, failure });
    },
  };
  return { handler, archives, completed, failed };
}

/** A plugin registering a test kind. */
export function testKindPlugin(kind: TestKind): HangarPlugin {
  return definePlugin({
    name: 'test-jobs',
    dependencies: ['provisioning'],
    register(ctx) {
      ctx.resolve(jobKindRegistryToken).register(kind.handler);
    },
  });
}

/** Options of {@link bootProvisioning}. */
export interface BootOptions {
  readonly daemons?: number;
  readonly provisioning?: ProvisioningOptions;
  readonly listen?: boolean;
  readonly plugins?: HangarPlugin[];
}

/** A test server with the echo provisioner, a test job kind and `daemons` in-process daemons (default 0). */
export async function bootProvisioning(options: BootOptions = {}): Promise<{ server: TestServer; kind: TestKind; queue: JobQueue }> {
  const kind = testKind();
  const server = await startTestServer({
    corePlugins: corePlugins({ provisioning: { heartbeatIntervalSeconds: 0.2, ...options.provisioning } }),
    plugins: [echoProvisionerPlugin(), testKindPlugin(kind), ...(options.plugins ?? [])],
    config: { provisionerDaemons: options.daemons ?? 0 },
    ...(options.listen ? { listen: true } : {}),
  });
  return { server, kind, queue: server.container.resolve(jobQueueToken) };
}

/** A build context for tests. */
export function buildContext(transition: WorkspaceTransition = 'start'): Omit<BuildContext, 'priorState'> {
  const id = randomUUID();
  return {
    transition,
    workspace: { id, name: 'dev', buildNumber: 1, templateId: id, templateName: 't', templateVersionId: id, templateVersionName: 'v1', organizationId: id },
    owner: { id, username: 'alice', name: 'Alice', email: 'alice@example.com', groups: [] },
    accessUrl: 'http://127.0.0.1:1',
    parameters: {},
    variables: {},
  };
}

/** The organization jobs in tests belong to unless told otherwise. */
export const testOrganization = '11111111-1111-4111-8111-111111111111';

/** Options of {@link enqueueJob}. */
export interface EnqueueOptions {
  readonly echo?: unknown;
  readonly files?: Record<string, string | object>;
  readonly payload?: TestJobInput['payload'];
  readonly tags?: Record<string, string>;
  readonly provisioner?: string;
  readonly organizationId?: string;
}

/** Queues a test job (its own transaction) with an echo script. */
export async function enqueueJob(server: TestServer, kind: TestKind, options: EnqueueOptions = {}, draft: Partial<NewJob> = {}): Promise<ProvisionerJob> {
  const archive = await makeTemplateArchive({ 'echo.json': options.echo ?? {}, ...options.files });
  const fileHash = createHash('sha256').update(archive).digest('hex');
  kind.archives.set(fileHash, archive);
  const queue = server.container.resolve(jobQueueToken);
  return server.database.fork().transactional((tx) =>
    queue.enqueue(tx, {
      kind: kind.handler.kind,
      provisioner: options.provisioner ?? 'echo',
      organizationId: options.organizationId ?? testOrganization,
      initiatorId: randomUUID(),
      fileHash,
      ...(options.tags ? { tags: options.tags } : {}),
      input: { payload: options.payload ?? { type: 'build', context: buildContext('start') } },
      ...draft,
    }),
  );
}

/** Polls until `check` returns a value that is not `undefined`/`false`. */
export async function waitFor<T>(check: () => Promise<T | undefined | false> | T | undefined | false, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

/** Waits until a job has one of the statuses. */
export function waitForStatus(queue: JobQueue, jobId: string, statuses: string[], timeoutMs?: number): Promise<ProvisionerJob> {
  return waitFor(async () => {
    const job = await queue.get(jobId);
    return job && statuses.includes(job.status) ? job : undefined;
  }, `job ${jobId} to be ${statuses.join(' or ')}`, timeoutMs);
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
