// Links through the whole stack: the real supervisor with the relay core and the gateway as
// processes, ffmpeg pushing MP3 through the gateway, players on the gateway's listener port, the
// control API on its unix socket. A mount with `auth: token` and no key configured works (the key
// is generated); a link made over the API plays (stream, HLS, its listening page), its players are
// listed with its label and counted, revoking it cuts a held stream player and an HLS session
// within the 2 s, and links survive a restart of the stack.
import test from 'ava';
import { mkdtemp, readFile, stat, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { loadConfig } from '../../config/load.ts';
import type { ListenersPage } from '../../contracts/control-api.ts';
import type { LinkResult, LinksPage, LinkView } from '../../contracts/links.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { openListener, type OpenListener } from '../helpers/listen.ts';
import { until } from '../helpers/relay.ts';
import { controlCall, type ControlCall } from '../helpers/control.ts';

const PASSWORD = 'hackme-source-1';
const YAML = `stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${PASSWORD}, adminPassword: hackme-admin-1, relayPassword: hackme-relay-1}
  mounts: {/live.mp3: {}, /open.mp3: {}}
  hls: {targetDuration: 3, windowSegments: 3}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
  mounts: {/live.mp3: {auth: token}}
`;
const LABEL = '<b>Grandma</b> & "Rose" \u{1F475}';

type Reply = ControlCall;
const call = controlCall;

function httpGet(port: number, path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port, path, headers: { 'user-agent': 'hls-player/1.0' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
    }).on('error', reject);
  });
}

const codeOf = (text: string): string | undefined => /\((GW_[A-Z_]+), ref [0-9a-f]{8}\)/.exec(text)?.[1];
const errorCode = (r: Reply): string | undefined => (r.body as { error?: { code?: string } }).error?.code;

let dir: string;
let file: string;
let sv: RunningSupervisor;
let source: ReturnType<typeof startSource> | null = null;
const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;
const port = (name: string): number => Number(sv.components.get('gateway')!.ports![name]);
const pathOf = (url: string): string => new URL(url).pathname;

async function start(): Promise<void> {
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false, pollIntervalMs: 200, timing: { livenessIntervalMs: 500, livenessTimeoutMs: 1000 } });
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
  source = startSource({ port: port('sourcePlain'), mount: '/live.mp3', codec: 'mp3', password: PASSWORD });
  await until(() => sv.snapshot().mounts.some((m) => m.mount === '/live.mp3' && m.live), 10_000, 'mount live');
}

async function stop(): Promise<void> {
  if (source) await stopProcess(source);
  source = null;
  await sv?.stop();
}

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-links-'));
  file = join(dir, 'gateway.yaml');
  await writeFile(file, YAML);
  await start();
});
test.after.always(stop);

const links = async (): Promise<LinkView[]> => ((await call(sv.socketPath, 'GET', '/v1/links')).body as LinksPage).links;
const linkOf = async (id: string): Promise<LinkView> => (await links()).find((l) => l.id === id)!;

/** Polls until `check` holds (the relay learns of edge players from the gateway's report, 250 ms). */
async function eventually(check: () => Promise<boolean>, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Opens the link's stream and waits for audio: a player held on the gateway. */
async function player(url: string): Promise<OpenListener> {
  const l = openListener({ port: port('listener'), path: pathOf(url), bytes: 4096, timeoutMs: 10_000 });
  const got = await l.capture;
  if (got.status !== 200) throw new Error(`player got ${got.status}`);
  return l;
}

test.serial('zero setup: auth: token with no key configured runs on a key generated into secrets.yaml', async (t) => {
  const secrets = parse(await readFile(join(dir, 'state', 'secrets.yaml'), 'utf8')) as { tokenKey?: string };
  t.regex(secrets.tokenKey ?? '', /^[A-Za-z0-9_-]{43}$/);
  t.is((await stat(join(dir, 'state', 'secrets.yaml'))).mode & 0o777, 0o600);
});

test.serial('a link plays (stream, HLS, page), its players are listed with its label, and revoking it cuts them within 2 s', async (t) => {
  const made = await call(sv.socketPath, 'POST', '/v1/links', { mount: '/live.mp3', label: LABEL, ttlSeconds: 3600, maxListeners: 2 });
  t.is(made.status, 200, JSON.stringify(made.body));
  const link = (made.body as LinkResult).link;
  t.like(link, { label: LABEL, mount: '/live.mp3', maxListeners: 2, revoked: false, expired: false, listeners: 0, lastUsedAt: null });
  t.regex(link.url, new RegExp(`^https://[^/]+:${port('listenerTls')}/t/[^/]+/live\\.mp3$`));
  t.is(link.pageUrl, link.url.replace(/live\.mp3$/, ''));
  t.is(Date.parse(link.expiresAt) - Math.floor(Date.parse(link.createdAt) / 1000) * 1000, 3600_000);
  t.is((await stat(join(dir, 'state', 'links.json'))).mode & 0o777, 0o600);
  t.false((await readFile(join(dir, 'state', 'logs', 'audit.log'), 'utf8').catch(() => '')).includes(pathOf(link.url).split('/')[2]!), 'the token is not logged');
  const audit = sv.snapshot().audit[0]!;
  t.like(audit, { action: 'link-create', target: link.id, ok: true });
  t.true(audit.message.includes(JSON.stringify(LABEL)));

  // The stream, the listening page and HLS through the link, as a browser opened from pageUrl does.
  const held = await player(link.url);
  const closed = new Promise<number>((resolve) => held.socket.once('close', () => resolve(Date.now())));
  const page = await httpGet(port('listener'), pathOf(link.pageUrl));
  t.is(page.status, 200);
  t.true(page.body.includes('data-mount="/live.mp3"'));
  const playlistPath = `${pathOf(link.pageUrl)}hls/live.mp3/live.m3u8`;
  const playlist = await httpGet(port('listener'), playlistPath);
  t.is(playlist.status, 200, playlist.body);
  const segment = playlist.body.split('\n').find((l) => l.endsWith('.mp3'))!;
  t.is((await httpGet(port('listener'), `${pathOf(link.pageUrl)}hls/live.mp3/${segment}`)).status, 200);
  // maxListeners: 2 — the stream player and the HLS player; a third is refused.
  const third = openListener({ port: port('listener'), path: pathOf(link.url), timeoutMs: 10_000 });
  const refused = await third.capture;
  third.socket.destroy();
  t.is(refused.status, 429, 'maxListeners: 2');
  t.is(codeOf(refused.body.toString('latin1')), 'GW_TOKEN_IN_USE');

  // Both players are listed with the link's id and label, and counted for the link.
  let rows: ListenersPage['listeners'] = [];
  await eventually(async () => {
    rows = ((await call(sv.socketPath, 'GET', '/v1/mounts/%2Flive.mp3/listeners')).body as ListenersPage).listeners.filter((l) => l.linkId === link.id);
    return rows.length === 2;
  }, 'two players listed with the link');
  t.deepEqual(rows.map((r) => [r.linkLabel, r.auth]), [[LABEL, 'token'], [LABEL, 'token']]);
  const listed = await linkOf(link.id);
  t.is(listed.listeners, 2);
  t.not(listed.lastUsedAt, null);

  // Revoked: the held stream player and the HLS session are cut, and the link opens nothing.
  const revokedAt = Date.now();
  const revoked = await call(sv.socketPath, 'DELETE', `/v1/links/${link.id}`);
  t.is(revoked.status, 200, JSON.stringify(revoked.body));
  t.true((revoked.body as LinkResult).link.revoked);
  const cutAt = await closed;
  await eventually(async () => ((await call(sv.socketPath, 'GET', '/v1/mounts/%2Flive.mp3/listeners')).body as ListenersPage).listeners.every((l) => l.linkId !== link.id), 'no player of the link listed', 2000);
  const goneAt = Date.now();
  t.log(`after DELETE: stream player closed in ${cutAt - revokedAt} ms, HLS session no longer listed in ${goneAt - revokedAt} ms`);
  t.true(cutAt - revokedAt <= 2000, `stream cut after ${cutAt - revokedAt} ms`);
  t.true(goneAt - revokedAt <= 2500, 'HLS session gone within about 2 s');
  for (const path of [pathOf(link.url), playlistPath, pathOf(link.pageUrl)]) {
    const r = await httpGet(port('listener'), path);
    t.is(r.status, 403, path);
    t.is(codeOf(r.body), 'GW_LINK_CLOSED', path);
  }
  t.is((await call(sv.socketPath, 'DELETE', `/v1/links/${link.id}`)).status, 200, 'revoking again is idempotent');
  t.like(await linkOf(link.id), { revoked: true, listeners: 0 });
});

test.serial('refusals: unknown mount, mount without auth: token, lifetime, label and limit out of range, unknown link', async (t) => {
  const post = (body: unknown) => call(sv.socketPath, 'POST', '/v1/links', body);
  const ok = { mount: '/live.mp3', label: 'Choir members', ttlSeconds: 600 };
  const cases: [string, unknown, number, string][] = [
    ['unknown mount', { ...ok, mount: '/nope.mp3' }, 404, 'unknown-mount'],
    ['mount without auth: token', { ...ok, mount: '/open.mp3' }, 409, 'mount-not-token'],
    ['lifetime too short', { ...ok, ttlSeconds: 59 }, 400, 'bad-request'],
    ['lifetime too long', { ...ok, ttlSeconds: 366 * 24 * 3600 + 1 }, 400, 'bad-request'],
    ['lifetime not whole', { ...ok, ttlSeconds: 600.5 }, 400, 'bad-request'],
    ['terminal escape in the label', { ...ok, label: 'Rose\u001b[31m' }, 400, 'bad-request'],
    ['newline in the label', { ...ok, label: 'Rose\nMallory' }, 400, 'bad-request'],
    ['C1 control in the label', { ...ok, label: 'Rose\u009b31m' }, 400, 'bad-request'],
    ['empty label', { ...ok, label: '  ' }, 400, 'bad-request'],
    ['label too long', { ...ok, label: 'x'.repeat(81) }, 400, 'bad-request'],
    ['maxListeners 0', { ...ok, maxListeners: 0 }, 400, 'bad-request'],
    ['an unknown field', { ...ok, token: 'mine' }, 400, 'bad-request'],
    ['not JSON', '{', 400, 'bad-request'],
  ];
  for (const [what, body, status, code] of cases) {
    const r = await post(body);
    t.is(r.status, status, what);
    t.is(errorCode(r), code, what);
  }
  const before = (await links()).length;
  t.is(before, 1, 'nothing refused was stored');
  const unknown = await call(sv.socketPath, 'DELETE', '/v1/links/AAAAAAAAAAAAAAAAAAAAAA');
  t.is(unknown.status, 404);
  t.is(errorCode(unknown), 'unknown-link');
  t.like(sv.snapshot().audit[0], { action: 'link-revoke', target: 'AAAAAAAAAAAAAAAAAAAAAA', ok: false });
});

test.serial('links survive a restart of the stack: a revoked one stays shut, a live one plays', async (t) => {
  const made = await call(sv.socketPath, 'POST', '/v1/links', { mount: '/live.mp3', label: 'Choir members', ttlSeconds: 600 });
  const live = (made.body as LinkResult).link;
  const before = await links();
  await stop();
  await start();
  const after = await links();
  t.deepEqual(after.map((l) => [l.id, l.label, l.revoked, l.expiresAt]), before.map((l) => [l.id, l.label, l.revoked, l.expiresAt]));
  const revoked = after.find((l) => l.revoked)!;
  const shut = await httpGet(port('listener'), pathOf(revoked.url));
  t.is(shut.status, 403);
  t.is(codeOf(shut.body), 'GW_LINK_CLOSED');
  // The gateway's new port is in the link's URL; the path (and token) is the same.
  t.is(pathOf((await linkOf(live.id)).url), pathOf(live.url));
  const l = await player((await linkOf(live.id)).url);
  l.socket.destroy();
  t.pass();
});
