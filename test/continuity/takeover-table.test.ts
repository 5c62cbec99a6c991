// The takeover rule as a table, on the relay directly and through the gateway's TLS source port:
// a live source keeps its mount (403 Mountpoint in use) against anyone; a source silent for
// relay.limits.takeoverAfter is taken over by a new connection with the same mount credentials,
// from any address (NAT rebinding), its listener staying connected; other credentials are refused
// by the password check before the mount is looked at (401, Icecast's order), so they never take
// a mount over. "Another address" is 127.0.0.2 (a second loopback address, the client's own at the
// gateway's source port). Silence is made with a skewed clock. Through the gateway, the gateway
// counts and logs the takeover too (gateway/hold/stats.ts), for the dashboard.
import test, { type ExecutionContext } from 'ava';
import net from 'node:net';
import tls from 'node:tls';
import { testRelay, SECRETS, until } from '../helpers/relay.ts';
import { testGateway } from '../gateway/server-harness.ts';
import { FRAME_BYTES, SkewedClock, mp3, openStream, sourceHead } from '../relay/ingest-kit.ts';

const TAKEOVER_AFTER_MS = 3000;
const MOUNT = '/live.mp3';

/** A source connection from `localAddress`, plain or TLS, that records its answer. */
class Source {
  readonly socket: net.Socket;
  received = '';
  closed = false;
  constructor(port: number, secure: boolean, localAddress: string, password: string) {
    const auth = `Basic ${Buffer.from(`source:${password}`).toString('base64')}`;
    const head = sourceHead(`PUT ${MOUNT} HTTP/1.1`, ['Host: 127.0.0.1', `Authorization: ${auth}`, 'Content-Type: audio/mpeg']);
    const o = { host: '127.0.0.1', port, localAddress };
    this.socket = secure ? tls.connect({ ...o, rejectUnauthorized: false }, () => this.socket.write(head)) : net.connect(o, () => this.socket.write(head));
    this.socket.on('data', (d: Buffer) => (this.received += d.toString('latin1')));
    this.socket.on('error', () => {});
    this.socket.on('close', () => (this.closed = true));
  }
  get status(): number | null {
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(this.received);
    return m ? Number(m[1]) : null;
  }
}

type Path = 'relay' | 'gateway';
interface Row {
  readonly source: 'live' | 'silent';
  readonly credentials: 'same' | 'other';
  readonly address: 'same' | 'other';
  /** The second connection's answer. */
  readonly want: 200 | 401 | 403;
}
const ROWS: Row[] = [];
for (const source of ['live', 'silent'] as const) {
  for (const credentials of ['same', 'other'] as const) {
    for (const address of ['same', 'other'] as const) {
      const want = credentials === 'other' ? 401 : source === 'live' ? 403 : 200;
      ROWS.push({ source, credentials, address, want });
    }
  }
}

async function run(t: ExecutionContext, path: Path, row: Row): Promise<void> {
  const clock = new SkewedClock();
  const relay = await testRelay({}, { clock });
  t.teardown(() => relay.close());
  const takeovers: string[] = [];
  relay.ctx.events.on('source-connect', (e) => e.takeover && takeovers.push(`${e.previousIp} -> ${e.ip}`));
  const gw = path === 'gateway' ? (await testGateway(t, relay.port())).gw : null;
  const gatewayLog: string[] = [];
  gw?.events.on('hold', (e) => gatewayLog.push(e.message));
  const port = gw ? gw.ports().source : relay.port();
  const secure = path === 'gateway';
  const audio = await mp3(2);
  const first = new Source(port, secure, '127.0.0.1', SECRETS.sourcePassword);
  t.teardown(() => first.socket.destroy());
  await until(() => first.status === 200, 10_000, 'the first source on the air');
  first.socket.write(audio.subarray(0, 40 * FRAME_BYTES));
  const mount = relay.ctx.registry.get(MOUNT)!;
  await until(() => mount.bytesRead >= 40 * FRAME_BYTES, 10_000, 'the first source audio');
  const listener = await openStream(relay.port(), MOUNT);
  t.teardown(() => listener.socket.destroy());
  if (row.source === 'silent') clock.skip(TAKEOVER_AFTER_MS + 500);
  else first.socket.write(audio.subarray(40 * FRAME_BYTES, 41 * FRAME_BYTES));
  if (row.source === 'live') await until(() => mount.bytesRead >= 41 * FRAME_BYTES, 10_000, 'the live source sending');

  const address = row.address === 'same' ? '127.0.0.1' : '127.0.0.2';
  const second = new Source(port, secure, address, row.credentials === 'same' ? SECRETS.sourcePassword : 'another-password');
  t.teardown(() => second.socket.destroy());
  await until(() => second.status !== null, 10_000, 'the answer to the second source');
  t.is(second.status, row.want, second.received.split('\r\n', 1)[0]);
  if (row.want === 403) t.regex(second.received, /Mountpoint in use/);
  if (row.want === 401) t.regex(second.received, /You need to authenticate/);

  if (row.want === 200) {
    await until(() => first.closed, 10_000, 'the silent source let go (not held by the gateway)');
    // Through the gateway the relay sees the gateway's address, or the client's when it believes
    // the gateway's forwarding; on the relay directly, the client's own.
    if (gw) t.is(takeovers.length, 1, 'the takeover is told');
    else t.deepEqual(takeovers, [`127.0.0.1 -> ${address}`], 'the takeover is told, with both addresses');
    t.is(mount.takeovers, 1);
    if (gw) {
      // The gateway counts and logs it for the dashboard (gateway/hold/stats.ts).
      await until(() => gw.hold.snapshot().takeovers === 1, 5000, 'the gateway counting the takeover');
      t.is(gw.hold.snapshot().lastTakeover?.mount, MOUNT);
      t.true(gatewayLog.some((l) => /was taken over/.test(l)), gatewayLog.join('\n'));
    }
    // The listener stays and hears the new source.
    const had = listener.body().length;
    second.socket.write(audio.subarray(41 * FRAME_BYTES));
    await listener.waitForBody(had + 20 * FRAME_BYTES);
    t.false(listener.isClosed, 'the listener stayed');
    if (!gw) t.is(mount.sourceInfo?.ip, address);
  } else {
    await until(() => second.closed, 10_000, 'the refused source closed');
    t.false(first.closed, 'the first source keeps its mount');
    t.deepEqual(takeovers, []);
    t.is(mount.takeovers, 0);
    if (gw) t.is(gw.hold.snapshot().takeovers, 0);
    t.is(mount.sourceInfo?.ip, '127.0.0.1');
    t.true(mount.live);
  }
}

for (const path of ['relay', 'gateway'] as const) {
  for (const row of ROWS) {
    test.serial(`${path === 'relay' ? 'on the relay' : 'through the gateway'}: ${row.source} source, ${row.credentials} credentials, ${row.address} address -> ${row.want}`, (t) => run(t, path, row));
  }
}
