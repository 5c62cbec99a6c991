// The relay client against hand-written upstreams on raw sockets: ICY status lines, inline
// metadata, redirects, timeouts on a fake clock, reconnects, and a clean stop.
import test, { type ExecutionContext } from 'ava';
import net from 'node:net';
import type { SourceInfo } from '../../stream/types.ts';
import type { SourceEndReason } from '../../stream/mount.ts';
import { icyBlock } from '../../stream/icy.ts';
import { RelayPull, type PullOptions, type PullSink } from '../../stream/pull/pull.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { until } from '../helpers/relay.ts';

interface Upstream {
  port: number;
  requests: string[];
  sockets: net.Socket[];
  close(): Promise<void>;
}

/** A raw server, closed after the test: `reply` gets each connection once its request head arrived. */
async function upstream(t: ExecutionContext, reply: (socket: net.Socket, request: string, n: number) => void): Promise<Upstream> {
  const requests: string[] = [];
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => {
    sockets.push(socket);
    socket.on('error', () => {});
    let head = '';
    const onData = (d: Buffer): void => {
      head += d.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      socket.off('data', onData);
      requests.push(head);
      reply(socket, head, requests.length);
    };
    socket.on('data', onData);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const close = (): Promise<void> =>
    new Promise((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    });
  t.teardown(close);
  return { port: (server.address() as net.AddressInfo).port, requests, sockets, close };
}

interface Recorded {
  infos: SourceInfo[];
  audio: Buffer[];
  titles: string[];
  ends: SourceEndReason[];
  accept: boolean | string;
  refuseWrites: boolean;
}

function recorder(): Recorded & { sink: PullSink } {
  const r: Recorded = { infos: [], audio: [], titles: [], ends: [], accept: true, refuseWrites: false };
  const sink: PullSink = {
    start(info) {
      if (r.accept !== true) return { refused: typeof r.accept === 'string' ? r.accept : 'no room' };
      r.infos.push(info);
      return {
        write: (d) => (r.refuseWrites ? false : (r.audio.push(Buffer.from(d)), true)),
        end: (reason) => void r.ends.push(reason),
      };
    },
    title: (t) => void r.titles.push(t),
  };
  return Object.assign(r, { sink });
}

const audioBytes = (r: Recorded): Buffer => Buffer.concat(r.audio);

/** A pull stopped after the test; `random: 0` makes backoff delays exact (1 s, 2 s …). */
function pull(t: ExecutionContext, port: number, sink: PullSink, extra: Partial<PullOptions> = {}): RelayPull {
  const p = new RelayPull({ url: `http://127.0.0.1:${port}/live.mp3`, icyMetadata: true, clock: new FakeClock(), sink, random: () => 0, ...extra });
  t.teardown(() => p.stop());
  return p;
}

test('an ICY 200 OK upstream: inline metadata is stripped, titles reported once each', async (t) => {
  const audio = Buffer.alloc(40, 0xaa);
  const up = await upstream(t, (s) => {
    s.write('ICY 200 OK\r\ncontent-type: audio/mpeg\r\nicy-name: Up\r\nicy-metaint: 16\r\n\r\n');
    // 16 audio bytes, a title block, 16 bytes, the same title again, 8 bytes.
    s.write(Buffer.concat([audio.subarray(0, 16), icyBlock('One'), audio.subarray(16, 32), icyBlock('One'), audio.subarray(32, 40)]));
  });
  const rec = recorder();
  const p = pull(t, up.port, rec.sink);
  p.start();
  await until(() => audioBytes(rec).length === 40, 5000, 'audio');
  t.deepEqual(audioBytes(rec), audio);
  t.deepEqual(rec.titles, ['One']);
  t.is(rec.infos[0]?.kind, 'relay');
  t.is(rec.infos[0]?.description.name, 'Up');
  t.is(p.stats.state, 'streaming');
  t.true(p.stats.bytes > 40);
  t.regex(up.requests[0]!, /^GET \/live\.mp3 HTTP\/1\.0\r\n/);
  t.regex(up.requests[0]!, /\r\nIcy-MetaData: 1\r\n/);
});

test('redirects are followed; credentials go only to the origin they were given for', async (t) => {
  const final = await upstream(t, (s) => s.write('HTTP/1.1 200 OK\r\nContent-Type: audio/mpeg\r\n\r\nabc'));
  const first = await upstream(t, (s) => s.end(`HTTP/1.0 302 Found\r\nLocation: http://127.0.0.1:${final.port}/moved.mp3\r\n\r\n`));
  const rec = recorder();
  const p = pull(t, first.port, rec.sink, { username: 'relay', password: 'secret-pw' });
  p.start();
  await until(() => audioBytes(rec).length === 3, 5000, 'audio');
  t.regex(first.requests[0]!, /\r\nAuthorization: Basic /);
  t.regex(final.requests[0]!, /^GET \/moved\.mp3 /);
  t.false(final.requests[0]!.includes('Authorization'));
});

test('a redirect loop stops after 10 redirects and is retried later', async (t) => {
  const loop = await upstream(t, (s) => s.end('HTTP/1.0 302 Found\r\nLocation: /live.mp3\r\n\r\n'));
  const rec = recorder();
  const p = pull(t, loop.port, rec.sink);
  p.start();
  await until(() => p.stats.state === 'waiting', 5000, 'failure');
  t.is(loop.requests.length, 11);
  t.regex(p.stats.lastError!, /more than 10 redirects$/);
  t.deepEqual(rec.infos, []);
});

test('an upstream that accepts but never answers times out, then the pull retries after a backoff', async (t) => {
  const mute = await upstream(t, () => {});
  const clock = new FakeClock();
  const rec = recorder();
  const p = pull(t, mute.port, rec.sink, { clock, connectTimeoutMs: 5000 });
  p.start();
  await until(() => mute.requests.length === 1, 5000, 'request');
  clock.advance(5000);
  await until(() => p.stats.state === 'waiting', 5000, 'timeout');
  t.regex(p.stats.lastError!, /no answer within 5 s$/);
  t.is(p.stats.reconnects, 0);
  clock.advance(1000);
  await until(() => mute.requests.length === 2, 5000, 'second request');
  t.is(p.stats.reconnects, 1);
  p.stop();
  t.is(clock.pending, 0);
});

test('an upstream that goes silent is dropped after the idle timeout; the mount source ends as a timeout', async (t) => {
  const stall = await upstream(t, (s) => s.write('HTTP/1.0 200 OK\r\n\r\nsome audio'));
  const clock = new FakeClock();
  const rec = recorder();
  const p = pull(t, stall.port, rec.sink, { clock, idleTimeoutMs: 10_000 });
  p.start();
  await until(() => audioBytes(rec).length > 0, 5000, 'audio');
  clock.advance(9999);
  t.is(p.stats.state, 'streaming');
  clock.advance(1);
  t.is(p.stats.state, 'waiting');
  t.deepEqual(rec.ends, ['timeout']);
  t.regex(p.stats.lastError!, /no data for 10 s$/);
});

test('EOF ends the source cleanly and the pull reconnects; the counter goes up', async (t) => {
  const up = await upstream(t, (s, _req, n) => {
    s.write(`HTTP/1.0 200 OK\r\n\r\nconnection ${n}`);
    if (n === 1) s.end();
  });
  const clock = new FakeClock();
  const rec = recorder();
  const p = pull(t, up.port, rec.sink, { clock });
  p.start();
  await until(() => rec.ends.length === 1, 5000, 'end');
  t.deepEqual(rec.ends, ['eof']);
  t.is(p.stats.state, 'waiting');
  clock.advance(1000);
  await until(() => audioBytes(rec).toString().includes('connection 2'), 5000, 'second connection');
  t.is(p.stats.reconnects, 1);
  t.is(rec.infos.length, 2);
});

test('stop() closes the upstream connection, ends the source and leaves no timer behind', async (t) => {
  const up = await upstream(t, (s) => s.write('HTTP/1.0 200 OK\r\n\r\nx'));
  const clock = new FakeClock();
  const rec = recorder();
  const p = pull(t, up.port, rec.sink, { clock });
  p.start();
  await until(() => audioBytes(rec).length === 1, 5000, 'audio');
  const closed = new Promise<void>((r) => up.sockets[0]!.once('close', () => r()));
  p.stop();
  await closed;
  t.is(p.stats.state, 'idle');
  t.deepEqual(rec.ends, ['eof']);
  t.is(clock.pending, 0);
});

test('stop() while connecting abandons the attempt', async (t) => {
  const mute = await upstream(t, () => {});
  const clock = new FakeClock();
  const rec = recorder();
  const p = pull(t, mute.port, rec.sink, { clock });
  p.start();
  await until(() => mute.requests.length === 1, 5000, 'request');
  p.stop();
  await until(() => mute.sockets[0]!.destroyed || mute.sockets[0]!.readableEnded, 5000, 'socket closed');
  t.is(p.stats.state, 'idle');
  t.is(clock.pending, 0);
  t.deepEqual(rec.infos, []);
});

const fails = test.macro({
  async exec(t, response: string | Buffer, expected: RegExp) {
    const up = await upstream(t, (s) => s.write(response));
    const rec = recorder();
    const p = pull(t, up.port, rec.sink);
    p.start();
    await until(() => p.stats.state === 'waiting', 5000, 'failure');
    t.regex(p.stats.lastError!, expected);
  },
  title: (name = '') => `a failing upstream is retried, never fatal: ${name}`,
});

test('404', fails, 'HTTP/1.0 404 File Not Found\r\n\r\n', /^http:\/\/127\.0\.0\.1:\d+\/live\.mp3: the upstream answered 404 File Not Found$/);
test('an HTML error page', fails, '<html>\r\n<body>nope</body>\r\n', /did not answer with an HTTP or ICY status line$/);
test('binary garbage', fails, Buffer.from([0xff, 0xfb, 0x90, 0x00, 0x0a, 0x0d, 0x0a]), /did not answer with an HTTP or ICY status line$/);
test('a wrong icy-metaint', fails, `ICY 200 OK\r\nicy-metaint: 4\r\n\r\n${'a'.repeat(4)}\x05${'b'.repeat(80)}`, /malformed inline ICY metadata$/);

test('a refused connection is retried', async (t) => {
  const gone = await upstream(t, () => {});
  const port = gone.port;
  await gone.close();
  const rec = recorder();
  const p = pull(t, port, rec.sink);
  p.start();
  await until(() => p.stats.state === 'waiting', 5000, 'failure');
  t.regex(p.stats.lastError!, /ECONNREFUSED$/);
});

test('a sink without room: a busy check keeps the pull from connecting at all', async (t) => {
  const up = await upstream(t, (s) => s.write('HTTP/1.0 200 OK\r\n\r\n'));
  const rec = recorder();
  const p = pull(t, up.port, { ...rec.sink, busy: () => 'no source slot free' });
  p.start();
  t.is(p.stats.state, 'waiting');
  t.is(p.stats.lastError, 'no source slot free');
  t.is(up.requests.length, 0);
});

test('a sink that refuses after the head: the connection is closed and retried later', async (t) => {
  const up = await upstream(t, (s) => s.write('HTTP/1.0 200 OK\r\n\r\n'));
  const rec = recorder();
  rec.accept = '/live.mp3 has a live source';
  const p = pull(t, up.port, rec.sink);
  p.start();
  await until(() => p.stats.state === 'waiting', 5000, 'refusal');
  t.regex(p.stats.lastError!, /: \/live\.mp3 has a live source$/);
  await until(() => up.sockets[0]!.destroyed || up.sockets[0]!.readableEnded, 5000, 'closed');
});

test('a target that stops taking audio (source killed) makes the pull reconnect', async (t) => {
  const up = await upstream(t, (s) => s.write('HTTP/1.0 200 OK\r\n\r\naudio'));
  const rec = recorder();
  rec.refuseWrites = true;
  const p = pull(t, up.port, rec.sink);
  p.start();
  await until(() => p.stats.state === 'waiting', 5000, 'failure');
  t.regex(p.stats.lastError!, /the mount ended the relayed source$/);
});

test('a non-http upstream URL is refused at construction', (t) => {
  const rec = recorder();
  t.throws(() => new RelayPull({ url: 'ftp://u:p@x/y', icyMetadata: true, clock: new FakeClock(), sink: rec.sink }), {
    message: 'relay upstream must be http or https: ftp://x/y',
  });
});
