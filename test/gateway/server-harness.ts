// Gateway system-test helpers: a gateway on ephemeral loopback ports with its own state
// directory, a TCP proxy that counts what reaches the upstream, a lenient raw upstream that
// records the bytes it is sent, and raw TCP/TLS clients.
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { configSchema } from '../../config/schema.ts';
import { createSelfSignedServerCert, type KeyAndCert } from '../../gateway/tls/certs.ts';
import { CredentialLimiter } from '../../gateway/limits/rate-limit.ts';
import { selfSignedPaths, writePair } from '../../gateway/tls/files.ts';
import { startGateway, type RunningGateway, type StartGatewayOptions } from '../../gateway/start.ts';
import { TEST_FORWARD_KEY } from '../helpers/relay.ts';

/** Where cleanup goes: a test's `t`, or a `Shared` collector for fixtures built in test.before. */
export interface Teardown {
  teardown(fn: () => unknown): void;
}

/** Teardowns for fixtures shared by a file's tests; run them in test.after.always. */
export class Shared implements Teardown {
  readonly #fns: Array<() => unknown> = [];
  teardown(fn: () => unknown): void {
    this.#fns.push(fn);
  }
  async run(): Promise<void> {
    for (const fn of this.#fns.splice(0).reverse()) await fn();
  }
}

export interface TestGateway {
  gw: RunningGateway;
  stateDir: string;
}

/** A gateway in front of 127.0.0.1:`upstreamPort`; `gateway` is merged into gateway.yaml's gateway section. */
export async function testGateway(
  t: Teardown,
  upstreamPort: number,
  gateway: Record<string, unknown> = {},
  extra: Partial<StartGatewayOptions> = {},
): Promise<TestGateway> {
  const stateDir = await mkdtemp(join(tmpdir(), 'icegate-gw-'));
  // One key per test process: RSA key generation is the slowest part of a gateway start.
  await mkdir(join(stateDir, 'tls'), { mode: 0o700 });
  await writePair(selfSignedPaths(stateDir), (serverPair ??= createSelfSignedServerCert()));
  const config = configSchema.parse({ stateDir, gateway: { upstream: `http://127.0.0.1:${upstreamPort}`, ...gateway } });
  const plain = config.gateway.source.plainPort === null ? null : 0;
  const gw = await startGateway({
    config,
    host: '127.0.0.1',
    ports: { listener: 0, listenerTls: 0, source: 0, sourcePlain: plain, admin: 0 },
    // The key test relays believe (test/helpers/relay.ts).
    forwardKey: TEST_FORWARD_KEY,
    ...extra,
  });
  t.teardown(async () => {
    await gw.close();
    await rm(stateDir, { recursive: true, force: true });
  });
  return { gw, stateDir };
}

let serverPair: KeyAndCert | undefined;

/** A limiter that blocks after `failures` failed logins per user and address. */
export function strictLimiter(failures: number): CredentialLimiter {
  const w = { failures, durationSeconds: 600, blockSeconds: 120 };
  const limits = { perUserAndAddress: w, perAddress: { ...w, failures: failures * 10 } };
  return new CredentialLimiter({ limits: { source: limits, admin: limits, listener: limits, token: limits } });
}

export interface CountingProxy {
  port: number;
  /** TCP connections that reached the upstream through this proxy. */
  connections(): number;
  close(): Promise<void>;
}

/** Forwards every connection to 127.0.0.1:`target` and counts them. */
export async function countingProxy(t: Teardown, target: number): Promise<CountingProxy> {
  let count = 0;
  const sockets = new Set<net.Socket>();
  const server = net.createServer((client) => {
    count++;
    const upstream = net.connect(target, '127.0.0.1');
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('error', () => s.destroy());
      s.once('close', () => sockets.delete(s));
    }
    client.pipe(upstream).on('error', () => {});
    upstream.pipe(client).on('error', () => {});
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const close = (): Promise<void> =>
    new Promise((resolve) => {
      for (const s of sockets) s.destroy();
      server.close(() => resolve());
    });
  t.teardown(close);
  return { port: (server.address() as AddressInfo).port, connections: () => count, close };
}

export interface RecordedConnection {
  socket: net.Socket;
  /** Everything received so far. */
  received(): Buffer;
  /** Resolves once `predicate` holds for the bytes received. */
  until(predicate: (data: Buffer) => boolean): Promise<Buffer>;
  closed: Promise<void>;
}

/** A raw upstream that accepts anything, records what it receives and answers with `reply`. */
export async function lenientUpstream(t: Teardown, reply: (conn: RecordedConnection) => void = () => {}) {
  const connections: RecordedConnection[] = [];
  const waiting: Array<(c: RecordedConnection) => void> = [];
  let taken = 0;
  const server = net.createServer((socket) => {
    let data = Buffer.alloc(0);
    const watchers = new Set<() => void>();
    socket.on('data', (d: Buffer) => {
      data = Buffer.concat([data, d]);
      for (const w of [...watchers]) w();
    });
    socket.on('error', () => {});
    const conn: RecordedConnection = {
      socket,
      received: () => data,
      until: (predicate) =>
        new Promise((resolve, reject) => {
          const check = (): void => {
            if (predicate(data)) {
              watchers.delete(check);
              resolve(data);
            }
          };
          watchers.add(check);
          socket.once('close', () => (predicate(data) ? resolve(data) : reject(new Error(`closed with ${JSON.stringify(data.toString('latin1').slice(0, 300))}`))));
          check();
        }),
      closed: new Promise((resolve) => socket.once('close', () => resolve())),
    };
    connections.push(conn);
    reply(conn);
    const waiter = waiting.shift();
    if (waiter) {
      taken++;
      waiter(conn);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  t.teardown(
    () =>
      new Promise<void>((resolve) => {
        for (const c of connections) c.socket.destroy();
        server.close(() => resolve());
      }),
  );
  return {
    port: (server.address() as AddressInfo).port,
    connections,
    /** The next connection (or the first one already made and not yet taken). */
    next: (): Promise<RecordedConnection> =>
      new Promise((resolve) => {
        if (connections.length > taken) resolve(connections[taken++]!);
        else waiting.push(resolve);
      }),
  };
}

export interface Exchange {
  /** Everything the server sent until it closed (or the wait ended). */
  data: Buffer;
  status: number;
  head: string;
  body: string;
}

/** Sends `request` over TCP (or TLS) and collects the answer until the server closes. */
export function exchange(port: number, request: string | Buffer, secure = false): Promise<Exchange> {
  return new Promise((resolve, reject) => {
    const socket = secure ? tls.connect({ port, host: '127.0.0.1', rejectUnauthorized: false }) : net.connect(port, '127.0.0.1');
    const parts: Buffer[] = [];
    socket.on('data', (d: Buffer) => parts.push(d));
    const done = (): void => resolve(parseExchange(Buffer.concat(parts)));
    socket.on('error', (err: NodeJS.ErrnoException) => (err.code === 'ECONNRESET' ? done() : reject(err)));
    socket.on('close', done);
    socket.once(secure ? 'secureConnect' : 'connect', () => socket.write(request));
  });
}

export function parseExchange(data: Buffer): Exchange {
  const text = data.toString('latin1');
  const end = text.indexOf('\r\n\r\n');
  const head = end === -1 ? text : text.slice(0, end);
  return { data, status: Number(/^HTTP\/1\.[01] (\d{3})/.exec(head)?.[1] ?? 0), head, body: end === -1 ? '' : text.slice(end + 4) };
}

/** The value of a header in a raw head, case-insensitive; undefined when absent. */
export function headerOf(head: string, name: string): string | undefined {
  const line = head.split('\r\n').find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}
