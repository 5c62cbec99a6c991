import test from 'ava';
import { once } from 'node:events';
import net from 'node:net';
import { readRequestHead, type Schedule } from '../../stream/head-reader.ts';

/** A connected pair on 127.0.0.1: `server` is the accepted socket, `client` the peer. */
async function socketPair(t: { teardown(fn: () => void): void }): Promise<{ server: net.Socket; client: net.Socket }> {
  const listener = net.createServer();
  listener.listen(0, '127.0.0.1');
  await once(listener, 'listening');
  const { port } = listener.address() as net.AddressInfo;
  const client = net.connect(port, '127.0.0.1');
  const [server] = (await once(listener, 'connection')) as [net.Socket];
  await once(client, 'connect');
  t.teardown(() => {
    client.destroy();
    server.destroy();
    listener.close();
  });
  server.on('error', () => {});
  client.on('error', () => {});
  return { server, client };
}

/** A schedule that never fires by itself; the test fires or inspects it. */
function manualSchedule() {
  const state = { fire: (): void => {}, ms: -1, cancelled: false };
  const schedule: Schedule = (fn, ms) => {
    state.fire = fn;
    state.ms = ms;
    return () => {
      state.cancelled = true;
    };
  };
  return { state, schedule };
}

const listenerCounts = (s: net.Socket) => ['data', 'end', 'close', 'error'].map((e) => s.listenerCount(e));

test('reads a head sent in pieces and returns the body bytes that came with it', async (t) => {
  const { server, client } = await socketPair(t);
  const before = listenerCounts(server);
  const { state, schedule } = manualSchedule();
  const reading = readRequestHead(server, { timeoutMs: 15000, schedule });
  client.write('SOURCE /live.mp3 HTTP/1.0\r\n');
  client.write('Content-Type: audio/mpeg\r\n');
  client.write(Buffer.from('\r\n\xff\xfb\x90', 'latin1'));
  const result = await reading;
  if (result.kind !== 'ok') return t.fail(JSON.stringify(result));
  t.is(result.head.path, '/live.mp3');
  t.deepEqual(result.rest, Buffer.from('\xff\xfb\x90', 'latin1'));
  t.is(state.ms, 15000);
  t.true(state.cancelled);
  t.true(server.isPaused());
  t.deepEqual(listenerCounts(server), before);
  // Later audio is still there for whoever reads next.
  client.write('MORE');
  server.resume();
  const [more] = (await once(server, 'data')) as [Buffer];
  t.is(more.toString(), 'MORE');
});

test('firstBytes holding a whole head resolve without reading the socket', async (t) => {
  const { server } = await socketPair(t);
  const result = await readRequestHead(server, { timeoutMs: 1000, firstBytes: Buffer.from('GET /a HTTP/1.1\r\n\r\nrest') });
  t.like(result, { kind: 'ok', head: { path: '/a' } });
  if (result.kind === 'ok') t.is(result.rest.toString(), 'rest');
  t.true(server.isPaused());
});

test('firstBytes are completed from the socket', async (t) => {
  const { server, client } = await socketPair(t);
  const reading = readRequestHead(server, { timeoutMs: 1000, firstBytes: Buffer.from('GET /a HT') });
  client.write('TP/1.1\r\nHost: h\r\n\r\n');
  t.like(await reading, { kind: 'ok', head: { path: '/a', protocol: 'HTTP/1.1' } });
});

test('a malformed head is reported at once', async (t) => {
  const { server, client } = await socketPair(t);
  const reading = readRequestHead(server, { timeoutMs: 1000 });
  client.write('SOURCE a.mp3 HTTP/1.0\r\n');
  t.like(await reading, { kind: 'error', reason: 'bad-target' });
  t.is(server.listenerCount('data'), 0);
});

test('an endless head stops at the size limit', async (t) => {
  const { server, client } = await socketPair(t);
  const reading = readRequestHead(server, { timeoutMs: 1000 });
  client.write('GET / HTTP/1.1\r\nX: ' + 'a'.repeat(10000));
  t.like(await reading, { kind: 'error', reason: 'too-large' });
});

test('the header timeout ends a slow head', async (t) => {
  const { server, client } = await socketPair(t);
  const before = listenerCounts(server);
  const { state, schedule } = manualSchedule();
  const reading = readRequestHead(server, { timeoutMs: 15000, schedule });
  client.write('GET / HTTP/1.1\r\n');
  await once(server, 'data');
  state.fire();
  t.deepEqual(await reading, { kind: 'timeout' });
  t.deepEqual(listenerCounts(server), before);
});

test('a timer that fires at once still cleans up', async (t) => {
  const { server } = await socketPair(t);
  const before = listenerCounts(server);
  t.deepEqual(await readRequestHead(server, { timeoutMs: 0, schedule: (fn) => (fn(), () => {}) }), { kind: 'timeout' });
  t.deepEqual(listenerCounts(server), before);
});

test('the peer closing before the head ends gives closed', async (t) => {
  const { server, client } = await socketPair(t);
  const { state, schedule } = manualSchedule();
  const reading = readRequestHead(server, { timeoutMs: 1000, schedule });
  client.end('GET / HTTP/1.1\r\n');
  t.deepEqual(await reading, { kind: 'closed' });
  t.true(state.cancelled);
});

test('a destroyed socket gives closed', async (t) => {
  const { server } = await socketPair(t);
  server.destroy();
  t.deepEqual(await readRequestHead(server, { timeoutMs: 1000 }), { kind: 'closed' });
});
