// The gateway's table of links (gateway/listener-auth/links.ts) at the listener port, with a real
// relay core and a real ffmpeg source behind it and an injected clock: a mount with `auth: token`
// and no key configured signs with the generated key; a link in the table answers by its state
// (revoked and expired alike: GW_LINK_CLOSED), its maxListeners is enforced at admission (stream
// and HLS players together), a held
// stream player is cut when the link is revoked and when it expires, and the table is read from
// links.json at start (a corrupt file fails the start).
import test from 'ava';
import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { get } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configSchema } from '../../config/schema.ts';
import { tokenKeyring } from '../../config/secrets.ts';
import { LinkStoreError, linksPath, renderLinkStore, type GatewayLink, type LinkRecord } from '../../contracts/link-store.ts';
import { newTokenId, StreamTokens, tokenPath } from '../../policies/tokens.ts';
import type { RunningRelay } from '../../relay/start.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { openListener, type Capture } from '../helpers/listen.ts';
import { codeOf, guardedGateway, liveRelay, MOUNT, type GuardedGateway } from './listener-auth-kit.ts';
import { Shared } from './server-harness.ts';

const shared = new Shared();
const clock = new FakeClock(Date.now());
let relay: RunningRelay;
let guarded: GuardedGateway;
let tokens: StreamTokens;

test.before(async () => {
  relay = (await liveRelay(shared)).relay;
  guarded = await guardedGateway(shared, relay, { mounts: { [MOUNT]: { auth: 'token' } } }, { clock, linksClock: clock });
  tokens = new StreamTokens(await tokenKeyring(configSchema.parse({ stateDir: guarded.stateDir })));
});
test.after.always(() => shared.run());

interface Made {
  link: GatewayLink;
  path: string;
}

function make(o: { mount?: string; ttl?: number; maxListeners?: number | null; revoked?: boolean } = {}): Made {
  const id = newTokenId();
  const ttl = o.ttl ?? 600;
  const token = tokens.mint({ mount: o.mount ?? MOUNT, ttlSeconds: ttl, id }, clock.now());
  const link = { id, mount: o.mount ?? MOUNT, expiresAt: (Math.floor(clock.now() / 1000) + ttl) * 1000, maxListeners: o.maxListeners ?? null, revoked: o.revoked ?? false };
  return { link, path: tokenPath(token, MOUNT) };
}

const port = (): number => guarded.gw.ports().listener;

async function ask(path: string): Promise<Capture> {
  const l = openListener({ port: port(), path, bytes: 4096, timeoutMs: 10_000 });
  try {
    return await l.capture;
  } finally {
    l.socket.destroy();
  }
}

/** A player that got audio and stays connected; `closed` resolves when the gateway cuts it. */
async function hold(path: string): Promise<{ closed: Promise<void>; hangUp(): void }> {
  const l = openListener({ port: port(), path, bytes: 4096, timeoutMs: 10_000 });
  const closed = new Promise<void>((resolve) => l.socket.once('close', () => resolve()));
  const got = await l.capture;
  if (got.status !== 200) throw new Error(`got ${got.status}`);
  return { closed, hangUp: () => l.socket.destroy() };
}

test.serial('a link answers by its state; revoked and expired answer alike', async (t) => {
  const cases: [string, Made, number, string | undefined][] = [
    ['live', make(), 200, undefined],
    ['revoked', make({ revoked: true }), 403, 'GW_LINK_CLOSED'],
    ['expired', make({ ttl: 1 }), 403, 'GW_LINK_CLOSED'],
  ];
  guarded.gw.links.replace(cases.map((c) => c[1].link));
  clock.advance(1000);
  const answers: [number, string | undefined][] = [];
  for (const [what, made, status, code] of cases) {
    const got = await ask(made.path);
    t.is(got.status, status, what);
    t.is(codeOf(got), code, what);
    answers.push([got.status, codeOf(got)]);
  }
  t.deepEqual(answers[1], answers[2], 'an expired link answers exactly like a revoked one');
  // A token minted with the key but not in the table is a plain stream link, as before links.
  t.is((await ask(tokenPath(tokens.mint({ mount: MOUNT, ttlSeconds: 60 }, clock.now()), MOUNT))).status, 200);
});

test.serial("a link's maxListeners is enforced at admission", async (t) => {
  const made = make({ maxListeners: 1 });
  guarded.gw.links.replace([made.link]);
  const first = await hold(made.path);
  const second = await ask(made.path);
  t.is(second.status, 429);
  t.is(codeOf(second), 'GW_TOKEN_IN_USE');
  first.hangUp();
  await first.closed;
  t.deepEqual(guarded.gw.links.usage()[made.link.id]?.players, 0);
  const again = await hold(made.path);
  again.hangUp();
  t.pass();
});

test.serial('revoking a link cuts its held stream player; another link keeps playing', async (t) => {
  const a = make();
  const b = make();
  guarded.gw.links.replace([a.link, b.link]);
  const pa = await hold(a.path);
  const pb = await hold(b.path);
  t.is(guarded.gw.links.usage()[a.link.id]?.players, 1);
  guarded.gw.links.replace([{ ...a.link, revoked: true }, b.link]);
  await pa.closed;
  t.is(guarded.gw.links.usage()[a.link.id]?.players, 0);
  t.is(codeOf(await ask(a.path)), 'GW_LINK_CLOSED');
  t.not(guarded.gw.links.usage()[b.link.id]?.lastUsedAt, null);
  t.is(guarded.gw.links.usage()[b.link.id]?.players, 1, 'the other link still plays');
  pb.hangUp();
});

test.serial('a held stream player is cut when its link expires (injected clock)', async (t) => {
  const made = make({ ttl: 120 });
  guarded.gw.links.replace([made.link]);
  const p = await hold(made.path);
  let cut = false;
  void p.closed.then(() => (cut = true));
  clock.advance(119_000);
  await new Promise((r) => setImmediate(r));
  t.false(cut, 'not before its expiry');
  clock.advance(1000);
  await p.closed;
  const after = await ask(made.path);
  t.is(after.status, 403);
  t.is(codeOf(after), 'GW_LINK_CLOSED');
});

function hlsGet(path: string, agent: string): Promise<{ status: number; code: string | undefined }> {
  return new Promise((resolve, reject) => {
    get({ host: '127.0.0.1', port: port(), path, headers: { 'user-agent': agent } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, code: /\((GW_[A-Z_]+), ref [0-9a-f]{8}\)/.exec(Buffer.concat(chunks).toString('latin1'))?.[1] }));
    }).on('error', reject);
  });
}

test.serial("a link's HLS players count towards its maxListeners, known by address and User-Agent while they keep asking", async (t) => {
  const made = make({ maxListeners: 1 });
  guarded.gw.links.replace([made.link]);
  const playlist = made.path.replace(/\/live\.mp3$/, '/hls/live.mp3/live.m3u8');
  t.is((await hlsGet(playlist, 'phone-a')).status, 200, 'the first HLS player');
  t.is((await hlsGet(playlist, 'phone-a')).status, 200, 'the same player again');
  t.deepEqual(await hlsGet(playlist, 'phone-b'), { status: 429, code: 'GW_TOKEN_IN_USE' }, 'a second HLS player');
  const stream = await ask(made.path);
  t.is(stream.status, 429, 'a stream player while the HLS player plays');
  t.is(codeOf(stream), 'GW_TOKEN_IN_USE');
  // Three target durations (2 s by default) without a request: the first player has left.
  clock.advance(6000);
  t.is((await hlsGet(playlist, 'phone-b')).status, 200, 'room again once the first one went quiet');
});

function record(made: Made, revoked: boolean): LinkRecord {
  return {
    id: made.link.id,
    label: 'Grandma Rose',
    mount: MOUNT,
    token: made.path.split('/')[2]!,
    createdAt: new Date(clock.now()).toISOString(),
    expiresAt: new Date(made.link.expiresAt).toISOString(),
    maxListeners: null,
    revoked,
    lastUsedAt: null,
  };
}

test.serial('the gateway reads links.json at start; a corrupt one fails the start', async (t) => {
  const stateDir = await mkdtemp(join(tmpdir(), 'icegate-gw-links-'));
  await mkdir(join(stateDir, 'tls'), { recursive: true });
  // The same signing key as the running gateway's, so its tokens verify here too.
  await writeFile(join(stateDir, 'secrets.yaml'), `tokenKey: ${(await tokenKeyring(configSchema.parse({ stateDir: guarded.stateDir }))).generated}\n`, { mode: 0o600 });
  const revoked = make();
  const live = make();
  await writeFile(linksPath(stateDir), renderLinkStore([record(revoked, true), record(live, false)]), { mode: 0o600 });
  const second = await guardedGateway(shared, relay, { mounts: { [MOUNT]: { auth: 'token' } } }, { clock, linksClock: clock, stateDir });
  t.is(second.gw.links.size, 2);
  const shut = await new Promise<Capture>((resolve, reject) => {
    const l = openListener({ port: second.gw.ports().listener, path: revoked.path, timeoutMs: 10_000 });
    l.capture.then(resolve, reject).finally(() => l.socket.destroy());
  });
  t.is(codeOf(shut), 'GW_LINK_CLOSED');

  await writeFile(linksPath(stateDir), '{"version": 1, "links": [{}]}');
  await t.throwsAsync(guardedGateway(shared, relay, { mounts: { [MOUNT]: { auth: 'token' } } }, { stateDir }), { instanceOf: LinkStoreError, message: new RegExp(`^${linksPath(stateDir)}: links\\.0`) });
});
