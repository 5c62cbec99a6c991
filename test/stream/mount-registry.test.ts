// The fan-out and the decisions between mounts, driven with a fake clock and in-memory sinks:
// slow listeners are dropped without slowing anyone else, sources get a grace period, listeners
// move to fallbacks and back without being disconnected.
import test from 'ava';
import { Writable } from 'node:stream';
import { MountRegistry } from '../../stream/mount-registry.ts';
import { Listener } from '../../stream/listener.ts';
import type { SourceHandle } from '../../stream/mount.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { relayConfig } from '../helpers/relay.ts';

/** A sink that reads everything at once, or never (its first write fills it forever). */
class Sink extends Writable {
  received = 0;
  constructor(readonly reading: boolean) {
    super({ highWaterMark: 16 * 1024 });
  }
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (e?: Error) => void): void {
    this.received += chunk.length;
    if (this.reading) cb();
  }
}

let nextId = 1;
function listener(reg: MountRegistry, mount: string, reading = true): [Listener, Sink] {
  const sink = new Sink(reading);
  const l = new Listener(sink, { id: nextId++, ip: '192.0.2.1', userAgent: 'test', connectedAt: 0, metaint: null }, mount);
  const admitted = reg.admitListener(mount);
  if (!admitted.ok) throw new Error(admitted.code);
  admitted.mount.addListener(l);
  return [l, sink];
}

function source(reg: MountRegistry, mount: string, type = 'application/x-test', ip = '198.51.100.1'): SourceHandle {
  const a = reg.admitSource(mount, ip);
  if (!a.ok) throw new Error(a.code);
  return a.mount.attachSource({ contentType: type, ip, userAgent: 'ffmpeg', description: { extra: {} }, kind: 'source' });
}

/** Push `total` bytes in 8 KiB pieces (each piece is published at once). */
function feed(h: SourceHandle, total: number): void {
  for (let sent = 0; sent < total; sent += 8192) h.write(Buffer.alloc(8192, sent / 8192));
}

/** Ended (stream over, buffered bytes still delivered) or destroyed. */
const closed = (s: Writable) => s.writableEnded || s.destroyed;

const tick = () => new Promise<void>((r) => setImmediate(r));

test('a listener that never reads is dropped and counted; another keeps full rate', async (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ limits: { queueSize: 65536, burstSize: 16384 } }), clock);
  const h = source(reg, '/live');
  const [slow, slowSink] = listener(reg, '/live', false);
  const [, fastSink] = listener(reg, '/live', true);
  const drops: number[] = [];
  reg.on('slow-listener', (_m, l) => drops.push(l.id));
  for (let i = 0; i < 64; i++) {
    feed(h, 8192);
    await tick();
  }
  const mount = reg.get('/live')!;
  t.deepEqual(drops, [slow.id]);
  t.is(mount.slowListeners, 1);
  t.true(slowSink.destroyed);
  t.is(mount.listeners.size, 1);
  t.is(fastSink.received, 64 * 8192);
  t.true(slowSink.received < 65536 + 16384);
});

test('listeners are held through the grace period and hear the returning source', async (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ limits: { sourceGrace: 10 } }), clock);
  const first = source(reg, '/live');
  const [l, sink] = listener(reg, '/live');
  feed(first, 8192);
  first.end('eof');
  clock.advance(9000);
  t.false(closed(sink));
  t.true(reg.get('/live')!.inGrace);
  const second = source(reg, '/live');
  feed(second, 16384);
  await tick();
  t.false(closed(sink));
  t.is(sink.received, 8192 + 16384);
  t.is(reg.get('/live')!.stats().sourceReconnects, 1);
  t.is(l.feed?.name, '/live');
});

test('without a returning source the listeners are closed when the grace period ends', (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ limits: { sourceGrace: 5 } }), clock);
  const h = source(reg, '/live');
  const [, sink] = listener(reg, '/live');
  h.end('eof');
  clock.advance(4999);
  t.false(closed(sink));
  clock.advance(1);
  t.true(closed(sink));
  t.is(reg.get('/live'), undefined, 'a mount made by a source disappears when unused');
});

test('a killed source closes its listeners at once (no grace)', (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig(), clock);
  source(reg, '/live');
  const [, sink] = listener(reg, '/live');
  t.true(reg.get('/live')!.killSource());
  t.true(closed(sink));
});

test('listeners move to the fallback without reconnecting and return on override', async (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ mounts: { '/main': { fallbackMount: '/backup' }, '/backup': {} } }), clock);
  const backup = source(reg, '/backup');
  const main = source(reg, '/main');
  const [l, sink] = listener(reg, '/main');
  main.end('eof');
  t.is(l.feed?.name, '/backup');
  t.false(closed(sink));
  const before = sink.received;
  feed(backup, 8192);
  await tick();
  t.true(sink.received > before, 'hears the fallback');
  const back = source(reg, '/main');
  t.is(l.feed?.name, '/main', 'fallback-override brought it home');
  const onMain = sink.received;
  feed(back, 8192);
  await tick();
  t.true(sink.received > onMain);
  t.is(reg.get('/backup')!.listeners.size, 0);
});

test('override only brings back the listeners that came from the returning mount', (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ mounts: { '/a': { fallbackMount: '/backup' }, '/b': { fallbackMount: '/backup' }, '/backup': {} } }), clock);
  source(reg, '/backup');
  const a = source(reg, '/a');
  const b = source(reg, '/b');
  const [la] = listener(reg, '/a');
  const [lb] = listener(reg, '/b');
  a.end('eof');
  b.end('eof');
  t.is(la.feed?.name, '/backup');
  t.is(lb.feed?.name, '/backup');
  source(reg, '/a');
  t.is(la.feed?.name, '/a');
  t.is(lb.feed?.name, '/backup', 'not pulled onto /a (icecast-kh#367)');
});

test('a fallback of another format is not used: listeners are held instead', (t) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ mounts: { '/mp3': { fallbackMount: '/ogg' }, '/ogg': {} } }), clock);
  source(reg, '/ogg', 'application/ogg');
  const h = source(reg, '/mp3', 'audio/x-other');
  const [l, sink] = listener(reg, '/mp3');
  h.end('eof');
  t.is(l.feed?.name, '/mp3');
  t.false(closed(sink));
  t.deepEqual(reg.move('/mp3', '/ogg'), { ok: false, reason: 'incompatible' });
});

const admit = test.macro((t, mountCfg: Record<string, unknown>, expected: string) => {
  const reg = new MountRegistry(relayConfig({ mounts: { '/a': mountCfg, '/spill': {} } }), new FakeClock());
  source(reg, '/a');
  source(reg, '/spill');
  listener(reg, '/a');
  const r = reg.admitListener('/a');
  t.is(r.ok ? r.mount.name : r.code, expected);
});

test('maxListeners reached: refused', admit, { maxListeners: 1 }, 'RELAY_MAX_LISTENERS');
test('maxListeners reached with fallbackWhenFull: sent to the fallback', admit, { maxListeners: 1, fallbackMount: '/spill', fallbackWhenFull: true }, '/spill');
test('below maxListeners: admitted', admit, { maxListeners: 2 }, '/a');

const takeover = test.macro((t, o: { silentMs: number; credentials: string; code: 'take-over' | 'RELAY_MOUNT_IN_USE' }) => {
  const clock = new FakeClock();
  const reg = new MountRegistry(relayConfig({ limits: { takeoverAfter: 3 } }), clock);
  const a = reg.admitSource('/live', 'key-a');
  if (!a.ok) throw new Error(a.code);
  const h = a.mount.attachSource({ contentType: 'application/x-test', ip: '198.51.100.1', userAgent: 'ffmpeg', description: { extra: {} }, kind: 'source' }, () => {}, a.credentials);
  h.write(Buffer.alloc(100));
  clock.advance(o.silentMs);
  const r = reg.admitSource('/live', o.credentials);
  if (o.code === 'take-over') t.true(r.ok && r.takeover?.previousIp === '198.51.100.1');
  else t.deepEqual(r, { ok: false, code: o.code });
});
test('live source, same credentials: in use', takeover, { silentMs: 0, credentials: 'key-a', code: 'RELAY_MOUNT_IN_USE' });
test('live source (silent 2.9 s), same credentials: in use', takeover, { silentMs: 2900, credentials: 'key-a', code: 'RELAY_MOUNT_IN_USE' });
test('live source, other credentials: in use', takeover, { silentMs: 0, credentials: 'key-b', code: 'RELAY_MOUNT_IN_USE' });
test('silent source, same credentials: taken over', takeover, { silentMs: 3000, credentials: 'key-a', code: 'take-over' });
test('silent source, other credentials: in use', takeover, { silentMs: 5000, credentials: 'key-b', code: 'RELAY_MOUNT_IN_USE' });

test('the source limit counts live sources only', (t) => {
  const reg = new MountRegistry(relayConfig({ limits: { sources: 1 } }), new FakeClock());
  const h = source(reg, '/one');
  t.deepEqual(reg.admitSource('/two', '198.51.100.2'), { ok: false, code: 'RELAY_TOO_MANY_SOURCES' });
  h.end('killed');
  t.true(reg.admitSource('/two', '198.51.100.2').ok);
});

const reserved = test.macro((t, path: string) => {
  const reg = new MountRegistry(relayConfig(), new FakeClock());
  t.deepEqual(reg.admitSource(path, '198.51.100.1'), { ok: false, code: 'RELAY_MOUNT_RESERVED' });
});
for (const path of ['/admin/stats', '/admin.cgi', '/ADMIN/stats', '/status-json.xsl', '/api/v1/status', '/metrics', '/live.mp3.m3u', '/']) {
  test(`a source cannot take over ${path}`, reserved, path);
}

test('an operator move sticks: override does not undo it', (t) => {
  const reg = new MountRegistry(relayConfig({ mounts: { '/a': {}, '/b': {} } }), new FakeClock());
  const a = source(reg, '/a');
  source(reg, '/b');
  const [l] = listener(reg, '/a');
  t.deepEqual(reg.move('/a', '/b', () => true, true), { ok: true, moved: 1 });
  a.end('eof');
  source(reg, '/a');
  t.is(l.feed?.name, '/b');
});
