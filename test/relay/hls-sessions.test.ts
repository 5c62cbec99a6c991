// HLS listener sessions on an injected clock: one per player (address, User-Agent, stream link),
// refreshed by every request, ended after three target durations of silence, refused like a
// stream when the mount or the server is full, and keeping an on-demand upstream like a listener.
import test from 'ava';
import { createContext } from '../../stream/context.ts';
import { HlsSessions } from '../../relay/hls/sessions.ts';
import { onDemand } from '../../stream/pull/on-demand.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { SECRETS, relayConfig } from '../helpers/relay.ts';

const IDLE_MS = 3000;
const player = (ip: string, userAgent = 'hls.js', link = ''): { ip: string; userAgent: string; link: string } => ({ ip, userAgent, link });

function setup(partial: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const ctx = createContext(relayConfig({ mounts: { '/a.mp3': {} }, ...partial }), SECRETS, clock);
  const sessions = new HlsSessions(ctx.registry, clock, IDLE_MS);
  return { clock, ctx, sessions, mount: ctx.registry.get('/a.mp3')! };
}

test('one session per address, User-Agent and stream link', (t) => {
  const { sessions, mount } = setup();
  const table: Array<[who: ReturnType<typeof player>, count: number]> = [
    [player('192.0.2.1'), 1],
    [player('192.0.2.1'), 1], // the same player again
    [player('192.0.2.1', 'AppleCoreMedia'), 2],
    [player('192.0.2.1', 'hls.js', '/t/link-a'), 3],
    [player('192.0.2.1', 'hls.js', '/t/link-a'), 3],
    [player('192.0.2.1', 'hls.js', '/t/link-b'), 4],
    [player('2001:db8::1'), 5],
  ];
  for (const [who, count] of table) {
    t.true(sessions.open(mount, who).ok);
    t.is(mount.listenerCount, count, JSON.stringify(who));
  }
  t.is(mount.listenerPeak, 5);
  t.deepEqual(new Set(mount.listenerStats().map((l) => l.id)).size, 5, 'each has its own listener id');
  t.is(sessions.touch(mount, player('198.51.100.7')), undefined, 'a segment request opens no session');
  t.is(mount.listenerCount, 5);
});

test('a session ends three target durations after its last request, not before', (t) => {
  const { clock, sessions, mount, ctx } = setup();
  const removed: string[] = [];
  ctx.registry.on('session-remove', (_m, _s, reason) => removed.push(reason));
  sessions.open(mount, player('192.0.2.1'));
  clock.advance(IDLE_MS - 1);
  t.truthy(sessions.touch(mount, player('192.0.2.1')), 'a segment request keeps it');
  clock.advance(IDLE_MS - 1);
  t.is(mount.listenerCount, 1, 'still there: the last request was less than the idle time ago');
  clock.advance(1);
  t.is(mount.listenerCount, 0);
  t.deepEqual(removed, ['idle']);
  t.is(sessions.size, 0);
  t.true(sessions.open(mount, player('192.0.2.1')).ok, 'coming back opens a new one');
  t.is(mount.listenerCount, 1);
});

test('refused like a stream when the mount or the server is full', (t) => {
  const full = setup({ mounts: { '/a.mp3': { maxListeners: 1 } } });
  t.true(full.sessions.open(full.mount, player('192.0.2.1')).ok);
  t.deepEqual(full.sessions.open(full.mount, player('192.0.2.2')), { ok: false, code: 'RELAY_MAX_LISTENERS' });
  t.true(full.sessions.open(full.mount, player('192.0.2.1')).ok, 'a player already counted is not refused');

  const server = setup({ limits: { clients: 1 }, mounts: { '/a.mp3': {}, '/b.mp3': {} } });
  t.true(server.sessions.open(server.mount, player('192.0.2.1')).ok);
  t.deepEqual(server.sessions.open(server.ctx.registry.get('/b.mp3')!, player('192.0.2.2')), { ok: false, code: 'RELAY_CONNECTION_LIMIT' });
});

test('a kicked session is gone; closing ends them all', (t) => {
  const { sessions, mount } = setup();
  const first = sessions.open(mount, player('192.0.2.1'));
  sessions.open(mount, player('192.0.2.2'));
  if (!first.ok) return t.fail();
  mount.removeSession(first.session, 'killed');
  t.is(mount.listenerCount, 1);
  t.is(sessions.size, 1);
  sessions.close();
  t.is(mount.listenerCount, 0);
  t.is(sessions.size, 0);
});

test('HLS players keep an on-demand upstream connected until the last one leaves', (t) => {
  const { clock, ctx, sessions } = setup({ mounts: {} });
  let stops = 0;
  const od = onDemand(ctx, '/od.mp3', { start: () => {}, stop: () => void stops++ }, { holdMs: 5000, lingerMs: 100 });
  t.teardown(() => od.stop());
  const mount = ctx.registry.get('/od.mp3')!;
  sessions.open(mount, player('192.0.2.1'));
  sessions.open(mount, player('192.0.2.2'));
  clock.advance(IDLE_MS - 500);
  t.truthy(sessions.touch(mount, player('192.0.2.2')));
  clock.advance(500);
  t.is(mount.listenerCount, 1, 'the first player left');
  clock.advance(200);
  t.is(stops, 0, 'one player still listens: the upstream stays');
  clock.advance(IDLE_MS);
  t.is(mount.listenerCount, 0);
  t.is(stops, 1, 'the last one left: the upstream goes after the linger');
});
