import { chmod, rm } from 'node:fs/promises';
import type { Http2SecureServer, Http2Server, Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2';
import { decodeMessage, encodeMessage, type MessageTable, type Msg } from './protobuf.js';

/**
 * A unary gRPC method: request and response message names plus the handler. The handler gets the
 * HTTP/2 session as the connection identity (terraform opens one connection per provider
 * instance, and provider configuration belongs to that connection).
 */
export interface UnaryRoute {
  readonly request: string;
  readonly response: string;
  handle(request: Msg, connection: Http2Session): Msg | Promise<Msg>;
  /** Runs once the response has been flushed (used by go-plugin's Shutdown to exit). */
  afterResponse?(): void;
}

/** The gRPC surface served on one socket: unary routes by path, and streams closed at once. */
export interface GrpcService {
  readonly messages: MessageTable;
  readonly unary: ReadonlyMap<string, UnaryRoute>;
  /** Streaming methods the client opens but needs nothing from (go-plugin's stdio and broker). */
  readonly emptyStreams: ReadonlySet<string>;
  /** Receives a line per failed call; the provider must never write to stdout. */
  readonly log: (line: string) => void;
}

/** gRPC status codes used here. */
const Status = { OK: 0, INTERNAL: 13, UNIMPLEMENTED: 12 } as const;

/**
 * Serves gRPC over HTTP/2 with node:http2 directly. grpc-js would work too, but costs ~60 ms per
 * start and hides the HTTP/2 session that identifies terraform's connection.
 */
export function attachGrpcService(server: Http2Server | Http2SecureServer, service: GrpcService): void {
  server.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
    // A client that goes away mid-call must not crash the provider.
    stream.on('error', (err) => service.log(`grpc stream error: ${err.message}`));
    const path = String(headers[':path']);
    if (service.emptyStreams.has(path)) {
      finish(stream, Status.OK);
      return;
    }
    const chunks: Buffer[] = [];
    stream.on('data', (chunk: Buffer) => chunks.push(chunk));
    stream.on('end', () => void callUnary(service, path, stream, Buffer.concat(chunks)));
  });
}

async function callUnary(service: GrpcService, path: string, stream: ServerHttp2Stream, body: Buffer): Promise<void> {
  const route = service.unary.get(path);
  if (!route) {
    service.log(`grpc: unimplemented ${path}`);
    finish(stream, Status.UNIMPLEMENTED, `method ${path} is not implemented by this provider`);
    return;
  }
  let payload: Buffer;
  try {
    if (body.length >= 1 && body[0] !== 0) throw new Error('compressed gRPC messages are not supported');
    const request = decodeMessage(service.messages, route.request, body.subarray(5, 5 + readLength(body)));
    const response = await route.handle(request, stream.session!);
    payload = encodeMessage(service.messages, route.response, response);
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    service.log(`grpc: ${path} failed: ${message}`);
    finish(stream, Status.INTERNAL, err instanceof Error ? err.message : String(err));
    return;
  }
  if (stream.destroyed || stream.closed) return;
  if (route.afterResponse) stream.once('close', route.afterResponse);
  stream.respond({ ':status': 200, 'content-type': 'application/grpc' }, { waitForTrailers: true });
  stream.once('wantTrailers', () => stream.sendTrailers({ 'grpc-status': String(Status.OK) }));
  stream.end(frame(payload));
}

function readLength(body: Buffer): number {
  return body.length >= 5 ? body.readUInt32BE(1) : 0;
}

/** Length-prefixed gRPC message: flag byte (uncompressed), 4-byte big-endian length, payload. */
function frame(payload: Buffer): Buffer {
  const head = Buffer.alloc(5);
  head.writeUInt32BE(payload.length, 1);
  return Buffer.concat([head, payload]);
}

/** A "trailers-only" response: status in the only HEADERS frame, stream ended. */
function finish(stream: ServerHttp2Stream, status: number, message?: string): void {
  if (stream.destroyed || stream.closed || stream.headersSent) return;
  const headers: Record<string, string | number> = {
    ':status': 200,
    'content-type': 'application/grpc',
    'grpc-status': String(status),
  };
  if (message) headers['grpc-message'] = encodeURIComponent(message);
  stream.respond(headers, { endStream: true });
}

/**
 * Listens on a unix socket path (removing a stale file first), restricts it to its owner, and
 * tracks sessions so {@link closeServer} can end them instead of waiting for terraform.
 */
export async function listenOnSocket(server: Http2Server | Http2SecureServer, socketPath: string): Promise<void> {
  // A unix socket path longer than sun_path (108 bytes on Linux) fails with an obscure EINVAL.
  if (Buffer.byteLength(socketPath) > 103) {
    throw new Error(`unix socket path is too long (${Buffer.byteLength(socketPath)} bytes): ${socketPath}`);
  }
  await rm(socketPath, { force: true });
  const sessions = new Set<Http2Session>();
  server.on('session', (session: Http2Session) => {
    sessions.add(session);
    session.on('error', () => undefined);
    session.once('close', () => sessions.delete(session));
  });
  sessionsOf.set(server, sessions);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  await chmod(socketPath, 0o600);
}

const sessionsOf = new WeakMap<Http2Server | Http2SecureServer, Set<Http2Session>>();

/** Stops listening, ends open sessions and removes the socket file. */
export async function closeServer(server: Http2Server | Http2SecureServer, socketPath: string): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const session of sessionsOf.get(server) ?? []) session.destroy();
  await closed;
  await rm(socketPath, { force: true });
}
