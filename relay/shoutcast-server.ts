// The SHOUTcast v1 source port (docs/icecast-compatibility.md#shoutcast-v1-sources): an old encoder connects to a port of
// its own, sends a bare password line, gets OK2, sends icy-* header lines and a blank line, then
// raw audio. Icecast opens it at listen port + 1; here it is relay.shoutcast.port. Once logged in
// the source is an ordinary one: the same admission and the same body piping as PUT/SOURCE.
import net from 'node:net';
import type { RelayContext } from '../stream/context.ts';
import { OK2_REPLY, parseIcyHeaders, parsePasswordLine, type PasswordLine } from './shoutcast.ts';
import { safeEqual } from '../stream/basic-auth.ts';
import { LEGACY_CONTENT_TYPE, sourceCredentialsFor, streamSource } from './source-ingest.ts';
import { wakeHeldSource } from './read-batch.ts';
import { describeSource } from '../stream/source-headers.ts';
import { plainAddress } from '../stream/client-ip.ts';
import type { SourceInfo } from '../stream/types.ts';

export interface ShoutcastServer {
  readonly server: net.Server;
  /** The bound port: the configured one, or the one the system picked for port 0. */
  port(): number;
  close(): Promise<void>;
}

export interface ShoutcastAddress {
  host: string;
  port: number;
}

export type PasswordMatch = { ok: true; mount: string } | { ok: false; mount: string };

/**
 * The mount a password line logs in to. The plain form is the default mount's password; in
 * Icecast-KH's `/mount:password` form the second half is that mount's password, and since a
 * password may itself look like `/x:y`, the whole line is also tried on the default mount. Every
 * candidate is compared, so the time taken does not tell which one failed.
 */
export function matchPassword(
  line: Extract<PasswordLine, { kind: 'ok' }>,
  defaultMount: string,
  passwordOf: (mount: string) => string,
): PasswordMatch {
  const candidates: [mount: string, given: string][] =
    line.mount === undefined ? [[defaultMount, line.password]] : [[line.mount, line.password], [defaultMount, line.line]];
  const results = candidates.map(([mount, given]) => safeEqual(given, passwordOf(mount)));
  const [mount] = candidates[Math.max(0, results.indexOf(true))]!;
  return { ok: results.includes(true), mount };
}

export function createShoutcastServer(ctx: RelayContext): ShoutcastServer {
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    void login(ctx, socket);
  });
  server.on('error', (err) => ctx.events.emit('bad-request', { ip: '', reason: `shoutcast server: ${err.message}` }));
  return {
    server,
    port: () => (server.address() as net.AddressInfo).port,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        for (const s of sockets) s.destroy();
      }),
  };
}

export async function startShoutcastServer(ctx: RelayContext, at: ShoutcastAddress): Promise<ShoutcastServer> {
  const shoutcast = createShoutcastServer(ctx);
  await new Promise<void>((resolve, reject) => {
    shoutcast.server.once('error', reject);
    shoutcast.server.listen(at.port, at.host, () => {
      shoutcast.server.off('error', reject);
      resolve();
    });
  });
  return shoutcast;
}

async function login(ctx: RelayContext, socket: net.Socket): Promise<void> {
  const ip = plainAddress(socket.remoteAddress);
  // A refused login is closed without a reply, as in Icecast: an encoder that gets no OK2 reports
  // a failed login, and a scanner learns nothing about the port.
  const drop = (reason: string): void => {
    ctx.events.emit('bad-request', { ip, reason: `shoutcast: ${reason}` });
    socket.destroy();
  };
  // The header timeout (the slowloris defence) covers the whole login: password and header block.
  const deadline = setTimeout(() => drop('header timeout'), ctx.config.limits.headerTimeout * 1000);
  try {
    const line = await readUntil(socket, Buffer.alloc(0), parsePasswordLine);
    if (line === null) return;
    if (line.kind === 'error') return drop(line.message);
    const match = matchPassword(line, ctx.config.shoutcast.mount, (mount) => sourceCredentialsFor(ctx, mount).password);
    if (!match.ok) {
      ctx.events.emit('auth-failure', { channel: 'source', ip, mount: match.mount, probe: false });
      socket.destroy();
      return;
    }
    socket.write(OK2_REPLY);
    const block = await readUntil(socket, line.rest, parseIcyHeaders);
    if (block === null) return;
    if (block.kind === 'error') return drop(block.message);
    // Icecast replays the login as `SOURCE <mount>` with these headers; a refusal here would be
    // an HTTP 403 that a SHOUTcast encoder cannot read, so the connection is just closed.
    // A live source whose end is not read yet is looked at first (relay/read-batch.ts).
    await wakeHeldSource(ctx.registry.get(match.mount));
    if (socket.destroyed) return;
    const admission = ctx.registry.admitSource(match.mount);
    if (!admission.ok) {
      socket.destroy();
      return;
    }
    const headers = block.headers;
    const info: SourceInfo = {
      contentType: headers.get('content-type')?.trim() || LEGACY_CONTENT_TYPE,
      ip,
      userAgent: headers.get('user-agent') ?? '',
      description: describeSource(headers),
      kind: 'source',
    };
    streamSource(ctx, socket, admission, info, { kind: 'stream' }, block.rest);
  } finally {
    clearTimeout(deadline);
  }
}

/**
 * Reads until `parse` decides, starting with `buffered`. The parsers fail once their bound is
 * passed, so what is held is at most that bound plus one socket read. null: the socket closed
 * first. The socket is left paused with none of these listeners, the rest for the next reader.
 */
function readUntil<T extends { kind: string }>(
  socket: net.Socket,
  buffered: Buffer,
  parse: (buf: Buffer) => T,
): Promise<Exclude<T, { kind: 'incomplete' }> | null> {
  type Decided = Exclude<T, { kind: 'incomplete' }>;
  return new Promise((resolve) => {
    let buf = buffered;
    const first = parse(buf);
    if (first.kind !== 'incomplete' || socket.destroyed) {
      resolve(first.kind !== 'incomplete' ? (first as Decided) : null);
      return;
    }
    const finish = (result: Decided | null): void => {
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.pause();
      resolve(result);
    };
    const onData = (chunk: Buffer): void => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      const result = parse(buf);
      if (result.kind !== 'incomplete') finish(result as Decided);
    };
    const onClose = (): void => finish(null);
    socket.on('data', onData);
    socket.once('close', onClose);
    socket.resume();
  });
}
