// Issue: a mount with listener authentication was listed by name, with its titles, on /,
// /status-json.xsl, /status.xsl and /api/v1/status. A mount whose gateway.mounts auth is not none
// is now left out of every public listing unless it says `listed: true`: through the gateway's
// listener ports (plain and TLS) and on the relay core itself. It still plays for a listener the
// gateway lets in, its stream link still shows it, and the admin port still lists it.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema, type Config } from '../../config/schema.ts';
import { unlistedMounts } from '../../config/unlisted-mounts.ts';
import { StreamTokens, tokenPath } from '../../policies/tokens.ts';
import { startRelay, type RunningRelay } from '../../relay/start.ts';
import { setUnlistedMounts } from '../../relay/status/unlisted.ts';
import { planReload } from '../../supervisor/reload.ts';
import { makeAudio } from '../helpers/media.ts';
import { SECRETS, TEST_FORWARD_KEY, until } from '../helpers/relay.ts';
import { play, STREAM_BYTES } from './listener-auth-kit.ts';
import { exchange, Shared, testGateway, type TestGateway } from './server-harness.ts';

const shared = new Shared();
const KEYS = { k1: 'the-signing-key-of-this-test-0001' };
const keyring = new StreamTokens(KEYS);
const ADMIN = `Basic ${Buffer.from(`admin:${SECRETS.adminPassword}`).toString('base64')}`;
/** Each mount's stream name; a listing that leaks a mount leaks this with it. */
const NAMES = { '/private.mp3': 'Members Only Hour', '/listed.mp3': 'Open Door Hour', '/public.mp3': 'Everyone Hour', '/webhook.mp3': 'Backstage Hour' } as const;
type MountName = keyof typeof NAMES;
const PUBLIC_PATHS = ['/', '/status-json.xsl', '/status.xsl', '/api/v1/status'] as const;

let config: Config;
let relay: RunningRelay;
let gateway: TestGateway;

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-private-'));
  shared.teardown(() => rm(dir, { recursive: true, force: true }));
  const file = join(dir, 'loop.mp3');
  await writeFile(file, await makeAudio('mp3', 4));
  const relayMounts = Object.fromEntries(Object.entries(NAMES).map(([m, name]) => [m, { file, streamName: name }]));
  config = configSchema.parse({
    relay: { mounts: relayMounts },
    gateway: {
      tokens: { keys: KEYS },
      mounts: {
        '/private.mp3': { auth: 'token' },
        '/listed.mp3': { auth: 'token', listed: true },
        '/public.mp3': { auth: 'none' },
        '/webhook.mp3': { auth: 'webhook', webhook: { url: 'http://127.0.0.1:9/auth' } },
      },
    },
  });
  // As relay/main.ts starts it: the relay section, told which of the gateway's mounts are private.
  relay = await startRelay({ config: config.relay, secrets: SECRETS, host: '127.0.0.1', port: 0, unlisted: unlistedMounts(config.gateway.mounts), forwardKey: TEST_FORWARD_KEY });
  shared.teardown(() => relay.close());
  await until(() => Object.keys(NAMES).every((m) => relay.ctx.registry.get(m)?.live === true), 15000, 'the file mounts to be live');
  gateway = await testGateway(shared, relay.port(), { tokens: { keys: KEYS }, mounts: config.gateway.mounts });
});
test.after.always(() => shared.run());

test('unlisted: a mount with auth other than none, unless listed: true', (t) => {
  t.deepEqual(unlistedMounts(config.gateway.mounts), ['/private.mp3', '/webhook.mp3']);
  t.deepEqual(unlistedMounts(configSchema.parse({}).gateway.mounts), []);
});

const get = (port: number, path: string, secure: boolean, headers = ''): Promise<{ status: number; body: string }> =>
  exchange(port, `GET ${path} HTTP/1.1\r\nHost: radio.example\r\n${headers}Connection: close\r\n\r\n`, secure).then((e) => ({
    status: e.status,
    body: Buffer.from(e.body, 'latin1').toString('utf8'),
  }));

const SHOWN: MountName[] = ['/listed.mp3', '/public.mp3'];
const HIDDEN: MountName[] = ['/private.mp3', '/webhook.mp3'];

// The gateway's listener ports refuse .xsl templates other than Icecast's JSON status (policies/classify.ts).
const where = (): [string, () => number, boolean, readonly string[]][] => [
  ['the gateway listener port', () => gateway.gw.ports().listener, false, PUBLIC_PATHS.filter((p) => p !== '/status.xsl')],
  ['the gateway TLS listener port', () => gateway.gw.ports().listenerTls, true, PUBLIC_PATHS.filter((p) => p !== '/status.xsl')],
  ['the relay core', () => relay.port(), false, PUBLIC_PATHS],
];

for (const [what, port, secure, paths] of where()) {
  for (const path of paths) {
    test(`${path} on ${what} leaves out the private mounts and lists the others`, async (t) => {
      const r = await get(port(), path, secure);
      t.is(r.status, 200, r.body.slice(0, 200));
      for (const m of HIDDEN) {
        t.false(r.body.includes(m), `${m} is listed`);
        t.false(r.body.includes(NAMES[m]), `${NAMES[m]} is listed`);
      }
      // The listening page lists mounts by name and path; the status documents by listen URL and name.
      for (const m of SHOWN) t.true(r.body.includes(NAMES[m]), `${NAMES[m]} is missing`);
    });
  }
}

test('the JSON status parses and names exactly the listed mounts, on the TLS listener port', async (t) => {
  const status = JSON.parse((await get(gateway.gw.ports().listenerTls, '/status-json.xsl', true)).body) as { icestats: { source?: { server_name: string }[] } };
  t.deepEqual(status.icestats.source?.map((s) => s.server_name).sort(), [NAMES['/listed.mp3'], NAMES['/public.mp3']].sort());
  const api = JSON.parse((await get(gateway.gw.ports().listenerTls, '/api/v1/status', true)).body) as { mounts: { mount: string }[] };
  t.deepEqual(api.mounts.map((m) => m.mount).sort(), ['/listed.mp3', '/public.mp3']);
});

test('streamlist.txt (what slave relays mirror) leaves the private mounts out; the admin statistics keep them', async (t) => {
  const list = await get(gateway.gw.ports().admin, '/admin/streamlist.txt', true, `Authorization: ${ADMIN}\r\n`);
  t.is(list.status, 200);
  t.deepEqual(list.body.split('\r\n').filter(Boolean), ['/listed.mp3', '/public.mp3']);
  const stats = await get(gateway.gw.ports().admin, '/admin/stats', true, `Authorization: ${ADMIN}\r\n`);
  t.is(stats.status, 200);
  for (const m of Object.keys(NAMES)) t.true(stats.body.includes(`mount="${m}"`), m);
});

test('the private mount still plays for a listener with its stream link, and refuses one without', async (t) => {
  const link = keyring.mint({ mount: '/private.mp3', ttlSeconds: 600, maxUses: 0 }, Date.now());
  const ok = await play(gateway.gw.ports().listener, tokenPath(link, '/private.mp3'));
  t.is(ok.status, 200);
  t.true(ok.body.length >= STREAM_BYTES);
  const refused = await play(gateway.gw.ports().listener, '/private.mp3');
  t.is(refused.status, 403);
});

test("the private mount's stream link opens its own page and status, which show it", async (t) => {
  const link = keyring.mint({ mount: '/private.mp3', ttlSeconds: 600, maxUses: 0 }, Date.now());
  const api = await get(gateway.gw.ports().listenerTls, tokenPath(link, '/api/v1/status'), true);
  t.is(api.status, 200, api.body.slice(0, 200));
  t.deepEqual((JSON.parse(api.body) as { mounts: { mount: string }[] }).mounts.map((m) => m.mount), ['/private.mp3']);
});

test.serial('a reload that lists a mount lists it at once; the plan applies it to the relay live', async (t) => {
  const next = configSchema.parse({ ...config, gateway: { ...config.gateway, mounts: { ...config.gateway.mounts, '/private.mp3': { auth: 'token', listed: true } } } });
  const plan = planReload(config, next);
  t.is(plan.relay, 'live');
  t.true(plan.notes.some((n) => n.startsWith('relay: public listings')), plan.notes.join('\n'));
  setUnlistedMounts(relay.ctx, unlistedMounts(next.gateway.mounts));
  t.teardown(() => setUnlistedMounts(relay.ctx, unlistedMounts(config.gateway.mounts)));
  const r = await get(relay.port(), '/api/v1/status', false);
  t.true(r.body.includes('/private.mp3'));
  t.false(r.body.includes('/webhook.mp3'));
});
