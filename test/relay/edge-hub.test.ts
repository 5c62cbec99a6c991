// The relay's view of gateway edges' listeners (relay/edge/hub.ts), without sockets: ids from the
// relay's own id space, reports applied to mounts' counts and lists, kicks and moves turned into
// commands, a full report reconciling, a dropped channel forgotten after its grace, and the edge
// pull placed, never counted.
import test from 'ava';
import { PassThrough } from 'node:stream';
import { EdgeHub } from '../../relay/edge/hub.ts';
import type { EdgeCommand, EdgeListener } from '../../contracts/edge.ts';
import { Listener } from '../../stream/listener.ts';
import { MountRegistry } from '../../stream/mount-registry.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { relayConfig } from '../helpers/relay.ts';

const GRACE = 5000;

function setup(partial: Record<string, unknown> = {}) {
  const clock = new FakeClock();
  const config = relayConfig(partial);
  const registry = new MountRegistry(config, clock);
  const hub = new EdgeHub({ registry, clock, config }, { graceMs: GRACE });
  const live = (name: string) => {
    const a = registry.admitSource(name, '10.0.0.1');
    if (!a.ok) throw new Error(a.code);
    a.mount.attachSource({ contentType: 'audio/mpeg', ip: '10.0.0.1', userAgent: '', description: { extra: {} }, kind: 'source' });
    return a.mount;
  };
  const commands: EdgeCommand[] = [];
  const connect = (gateway = 'gw1') => hub.connect(gateway, { send: (c) => commands.push(c), close: () => {} });
  return { clock, registry, hub, live, commands, connect };
}

const listener = (id: number, mount = '/a.mp3', extra: Partial<EdgeListener> = {}): EdgeListener => ({
  id,
  mount,
  ip: `192.0.2.${id}`,
  userAgent: `player ${id}`,
  auth: 'anonymous',
  connectedAt: 1_700_000_000_000,
  bytesSent: 0,
  ...extra,
});

const full = (added: EdgeListener[]) => ({ full: true, added, removed: [], updated: [] });
const delta = (o: { added?: EdgeListener[]; removed?: number[]; updated?: { id: number; mount: string; bytesSent: number }[] }) => ({
  full: false,
  added: o.added ?? [],
  removed: o.removed ?? [],
  updated: o.updated ?? [],
});

test('reported listeners are the mount\'s, with relay ids, their address and agent, in the counts and the peak', (t) => {
  const { registry, hub, live, connect } = setup();
  const mount = live('/a.mp3');
  connect();
  const first = registry.nextListenerId();
  hub.report('gw1', full([listener(1), listener(2), listener(3)]));
  const stats = mount.listenerStats();
  t.deepEqual(stats.map((s) => [s.ip, s.userAgent, s.mount]), [
    ['192.0.2.1', 'player 1', '/a.mp3'],
    ['192.0.2.2', 'player 2', '/a.mp3'],
    ['192.0.2.3', 'player 3', '/a.mp3'],
  ]);
  const ids = stats.map((s) => s.id);
  t.true(ids.every((id) => id > first), 'ids come from the relay\'s own counter');
  t.is(new Set(ids).size, 3);
  t.is(mount.stats().listeners, 3);
  t.is(registry.totalListeners(), 3);
  hub.report('gw1', delta({ removed: [2] }));
  t.is(mount.stats().listeners, 2);
  t.is(mount.stats().listenerPeak, 3);
  // A full report keeps the ids of listeners the relay already knows.
  hub.report('gw1', full([listener(1), listener(3), listener(4)]));
  const again = mount.listenerStats();
  t.is(again.length, 3);
  t.is(again.find((s) => s.ip === '192.0.2.1')?.id, ids[0]);
  t.is(again.find((s) => s.ip === '192.0.2.3')?.id, ids[2]);
});

test('bytes sent are added to the mount once, as deltas', (t) => {
  const { hub, live, connect } = setup();
  const mount = live('/a.mp3');
  connect();
  hub.report('gw1', full([listener(1, '/a.mp3', { bytesSent: 1000 })]));
  t.is(mount.stats().bytesSent, 1000);
  hub.report('gw1', delta({ updated: [{ id: 1, mount: '/a.mp3', bytesSent: 5000 }] }));
  hub.report('gw1', delta({ updated: [{ id: 1, mount: '/a.mp3', bytesSent: 5000 }] }));
  t.is(mount.stats().bytesSent, 5000);
  t.is(mount.listenerStats()[0]?.bytesSent, 5000);
});

test('killclient of a reported listener becomes a kick command with the gateway\'s own id', (t) => {
  const { hub, live, connect, commands } = setup();
  const mount = live('/a.mp3');
  connect();
  hub.report('gw1', full([listener(7), listener(8)]));
  const session = [...mount.sessions].find((s) => s.stats().ip === '192.0.2.8')!;
  mount.removeSession(session, 'killed');
  t.deepEqual(commands, [{ type: 'kick', ids: [8] }]);
  t.is(mount.stats().listeners, 1);
  // Until the gateway says it is gone, a full report does not bring it back.
  hub.report('gw1', full([listener(7), listener(8)]));
  t.is(mount.stats().listeners, 1);
  hub.report('gw1', delta({ removed: [8] }));
  t.is(mount.stats().listeners, 1);
});

test('a kick made while the channel is down is sent when it reopens', (t) => {
  const { hub, live, connect, commands } = setup();
  const mount = live('/a.mp3');
  const closed = connect();
  hub.report('gw1', full([listener(1)]));
  closed();
  mount.removeSession([...mount.sessions][0]!, 'killed');
  t.deepEqual(commands, []);
  connect();
  t.deepEqual(commands, [{ type: 'kick', ids: [1] }]);
});

test('move: the listeners shown on the mount get a move command and are shown on the destination', (t) => {
  const { hub, live, connect, commands } = setup();
  const a = live('/a.mp3');
  const b = live('/b.mp3');
  connect();
  hub.report('gw1', full([listener(1), listener(2), listener(3, '/b.mp3')]));
  t.is(hub.move('/a.mp3', '/b.mp3'), 2);
  t.deepEqual(commands, [{ type: 'move', ids: [1, 2], to: '/b.mp3' }]);
  t.is(a.stats().listeners, 0);
  t.is(b.stats().listeners, 3);
  t.true(b.listenerStats().every((s) => s.mount === '/b.mp3'));
});

test('a dropped channel keeps its listeners for the grace period only; a reconnect within it keeps them', (t) => {
  const { clock, hub, live, connect } = setup();
  const mount = live('/a.mp3');
  let closed = connect();
  hub.report('gw1', full([listener(1), listener(2)]));
  closed();
  clock.advance(GRACE - 1);
  t.is(mount.stats().listeners, 2);
  closed = connect();
  clock.advance(GRACE * 2);
  t.is(mount.stats().listeners, 2, 'reconnected in time');
  closed();
  clock.advance(GRACE);
  t.is(mount.stats().listeners, 0);
  t.deepEqual(hub.channels(), []);
});

test('a channel that reports but never opens its command stream is forgotten after the grace', (t) => {
  const { clock, hub, live } = setup();
  const mount = live('/a.mp3');
  hub.report('gw2', full([listener(1)]));
  t.is(mount.stats().listeners, 1);
  clock.advance(GRACE);
  t.is(mount.stats().listeners, 0);
});

test('an edge pull is fed but never counted, and its listeners follow it to a fallback', (t) => {
  const { registry, hub, live, connect } = setup({ mounts: { '/a.mp3': { fallbackMount: '/wbrb.mp3' } }, limits: { sourceGrace: 0 } });
  const a = live('/a.mp3');
  const wbrb = live('/wbrb.mp3');
  const pull = new Listener(new PassThrough(), { id: registry.nextListenerId(), ip: '127.0.0.1', userAgent: 'icegate', connectedAt: 0, metaint: null, edgePull: 'gw1' }, '/a.mp3');
  a.addListener(pull);
  t.is(a.stats().listeners, 0, 'the pull is not a listener');
  t.deepEqual(a.listenerStats(), []);
  connect();
  hub.report('gw1', full([listener(1), listener(2)]));
  t.is(a.stats().listeners, 2);
  a.killSource();
  t.true(wbrb.listeners.has(pull), 'the pull moved to the fallback');
  return Promise.resolve().then(() => {
    t.is(wbrb.stats().listeners, 2, 'its listeners are shown where they hear');
    t.true(wbrb.listenerStats().every((s) => s.mount === '/wbrb.mp3'));
  });
});

test('the answer carries the relay\'s limits and the listeners besides this gateway\'s', (t) => {
  const { hub, live, connect } = setup({ limits: { clients: 50 }, mounts: { '/a.mp3': { maxListeners: 10 } } });
  live('/a.mp3');
  live('/b.mp3');
  connect('gw1');
  connect('gw2');
  hub.report('gw2', full([listener(1), listener(2), listener(3, '/b.mp3')]));
  const answer = hub.report('gw1', full([listener(1)]));
  t.deepEqual(answer.admission, { clients: { limit: 50, others: 3 }, mounts: { '/a.mp3': { max: 10, others: 2 } } });
});

test('a listener of a mount the relay does not have is kept but shown nowhere until it appears', (t) => {
  const { hub, live, connect, registry } = setup();
  connect();
  hub.report('gw1', full([listener(1, '/later.mp3')]));
  t.is(registry.totalListeners(), 0);
  const later = live('/later.mp3');
  hub.report('gw1', delta({}));
  t.is(later.stats().listeners, 1);
});

test('an update of a listener the relay does not know asks for a full report', (t) => {
  const { hub, live, connect } = setup();
  live('/a.mp3');
  connect();
  t.is(hub.report('gw1', full([listener(1)])).resync, undefined);
  t.is(hub.report('gw1', delta({ updated: [{ id: 1, mount: '/a.mp3', bytesSent: 10 }] })).resync, undefined);
  t.true(hub.report('gw1', delta({ updated: [{ id: 9, mount: '/a.mp3', bytesSent: 10 }] })).resync);
});
