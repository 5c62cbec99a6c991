// The link service with stand-ins for the relay and the gateway and an injected clock: the gateway
// gets the whole table after each change and when it becomes ready; the gateway's last uses reach
// the file every minute (and on each list) without a request; listeners are counted per link from
// the relay's lists; a revocation kicks the link's players the relay lists, and only those.
import test from 'ava';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../config/load.ts';
import { linksPath, parseLinkStore, type GatewayLink } from '../../contracts/link-store.ts';
import { parseLinkRequest } from '../../supervisor/links/request.ts';
import { LinkService, type ChildPort } from '../../supervisor/links/service.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

let dir: string;
test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-link-service-'));
});
test.after.always(async () => {
  if (dir) await rm(dir, { recursive: true, force: true });
});

interface Call {
  method: string;
  params: Record<string, unknown>;
}

function child(calls: Call[], answer: (c: Call) => unknown): ChildPort {
  return {
    request: (method, params) => {
      const c = { method, params };
      calls.push(c);
      return Promise.resolve(answer(c));
    },
  };
}

const settle = async (): Promise<void> => {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
};

async function setUp(name: string) {
  const stateDir = join(dir, name);
  const r = parseConfigText('gateway:\n  mounts:\n    /live.mp3: {auth: token}\n    /b.mp3: {auth: token}\n', 'gateway.yaml', stateDir);
  if (!r.ok) throw new Error('config');
  const config = { ...r.config, stateDir };
  const clock = new FakeClock(Date.parse('2026-12-05T12:00:00.000Z'));
  const gatewayCalls: Call[] = [];
  const relayCalls: Call[] = [];
  const usage: Record<string, { players: number; lastUsedAt: number | null }> = {};
  const listeners: Record<string, unknown[]> = { '/live.mp3': [], '/b.mp3': [] };
  const service = await LinkService.open({
    stateDir,
    config: () => config,
    clock,
    gateway: () => child(gatewayCalls, (c) => (c.method === 'link-usage' ? usage : 'ok')),
    relay: () => child(relayCalls, (c) => (c.method === 'listeners' ? listeners[c.params.mount as string] : 'ok')),
    gatewayTlsPort: () => 8443,
    liveMounts: () => [],
    log: () => {},
  });
  return { stateDir, clock, gatewayCalls, relayCalls, usage, listeners, service };
}

const row = (id: number, mount: string, linkId?: string) => ({ id, ip: '192.0.2.1', userAgent: 'p', connectedAt: 0, bytesSent: 0, mount, auth: linkId ? 'token' : 'anonymous', ...(linkId ? { linkId } : {}) });

test('the gateway gets the whole table after each change and when it becomes ready', async (t) => {
  const s = await setUp('push');
  const a = await s.service.create(parseLinkRequest({ mount: '/live.mp3', label: 'A', ttlSeconds: 600 }));
  const b = await s.service.create(parseLinkRequest({ mount: '/b.mp3', label: 'B', ttlSeconds: 600, maxListeners: 2 }));
  await s.service.revoke(a.id);
  s.service.gatewayReady();
  await settle();
  const tables = s.gatewayCalls.filter((c) => c.method === 'links').map((c) => (c.params.links as GatewayLink[]).map((l) => [l.id, l.revoked, l.maxListeners]));
  t.deepEqual(tables, [
    [[a.id, false, null]],
    [[a.id, false, null], [b.id, false, 2]],
    [[a.id, true, null], [b.id, false, 2]],
    [[a.id, true, null], [b.id, false, 2]],
  ]);
  s.service.close();
});

test("the gateway's last uses reach the file every minute; listeners are counted per link", async (t) => {
  const s = await setUp('usage');
  const a = await s.service.create(parseLinkRequest({ mount: '/live.mp3', label: 'A', ttlSeconds: 3600 }));
  const b = await s.service.create(parseLinkRequest({ mount: '/b.mp3', label: 'B', ttlSeconds: 3600 }));
  const usedAt = s.clock.now() + 5000;
  s.usage[a.id] = { players: 1, lastUsedAt: usedAt };
  const stored = async () => parseLinkStore(await readFile(linksPath(s.stateDir), 'utf8'), 'links.json').map((r) => [r.id, r.lastUsedAt]);
  s.clock.advance(59_000);
  await settle();
  t.false(s.gatewayCalls.some((c) => c.method === 'link-usage'), 'not asked before the minute');
  s.clock.advance(1000);
  // The write is a real one (temporary file, fsync, rename): wait for it, bounded.
  const want = [[a.id, new Date(usedAt).toISOString()], [b.id, null]];
  for (let i = 0; i < 100 && JSON.stringify(await stored()) !== JSON.stringify(want); i++) await new Promise((r) => setTimeout(r, 20));
  t.deepEqual(await stored(), want);
  // An older report never moves lastUsedAt back.
  s.usage[a.id] = { players: 0, lastUsedAt: usedAt - 1000 };
  s.listeners['/live.mp3'] = [row(1, '/live.mp3', a.id), row(2, '/live.mp3'), row(3, '/live.mp3', a.id)];
  s.listeners['/b.mp3'] = [row(4, '/b.mp3', b.id)];
  const listed = await s.service.list();
  t.deepEqual(listed.map((l) => [l.label, l.listeners, l.lastUsedAt]), [
    ['B', 1, null],
    ['A', 2, new Date(usedAt).toISOString()],
  ]);
  t.is(s.service.label(a.id), 'A');
  t.is(s.service.label('AAAAAAAAAAAAAAAAAAAAAA'), null);
  s.service.close();
});

test("a revocation kicks only the link's players the relay lists", async (t) => {
  const s = await setUp('kick');
  const a = await s.service.create(parseLinkRequest({ mount: '/live.mp3', label: 'A', ttlSeconds: 600 }));
  const b = await s.service.create(parseLinkRequest({ mount: '/live.mp3', label: 'B', ttlSeconds: 600 }));
  s.listeners['/live.mp3'] = [row(1, '/live.mp3', a.id), row(2, '/live.mp3', b.id), row(3, '/live.mp3'), row(4, '/live.mp3', a.id)];
  const revoked = await s.service.revoke(a.id);
  t.true(revoked.revoked);
  t.deepEqual(s.relayCalls.filter((c) => c.method === 'kick').map((c) => c.params.id), [1, 4]);
  s.service.close();
});

test('links made at the same moment are all kept', async (t) => {
  const s = await setUp('together');
  const made = await Promise.all(['A', 'B', 'C', 'D'].map((label) => s.service.create(parseLinkRequest({ mount: '/live.mp3', label, ttlSeconds: 600 }))));
  t.deepEqual((await s.service.list()).map((l) => l.id).sort(), made.map((l) => l.id).sort());
  const stored = parseLinkStore(await readFile(linksPath(s.stateDir), 'utf8'), 'links.json');
  t.deepEqual(stored.map((r) => r.label).sort(), ['A', 'B', 'C', 'D']);
  s.service.close();
});
