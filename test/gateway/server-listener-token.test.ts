// Stream links at the listener port, with a real relay core and a real ffmpeg source behind the
// gateway: a genuine link plays; every other link is refused with the catalogue's 403 (never a
// 401 with a challenge: no password prompt) and nothing reaches the upstream; a link's
// concurrent uses are counted while its listeners play.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { runCli } from '../cli/run-cli.ts';
import { revocationsPath, revokeInFile } from '../../gateway/listener-auth/revocations.ts';
import { StreamTokens, tokenPath } from '../../policies/tokens.ts';
import { until } from '../helpers/relay.ts';
import { openListener } from '../helpers/listen.ts';
import { codeOf, guardedGateway, liveRelay, MOUNT, play, STREAM_BYTES, type GuardedGateway } from './listener-auth-kit.ts';
import { Shared } from './server-harness.ts';

const shared = new Shared();
const KEYS = { old: 'an-older-signing-key-0001', k2: 'the-current-signing-key-0002' };
const keyring = new StreamTokens(KEYS);
const ID = (n: number): string => `test-link-${String(n).padStart(12, '0')}`;
/** The gateway's clock: real time, plus what a test adds. */
const clock = {
  offset: 0,
  now: () => Date.now() + clock.offset,
  advance: (ms: number) => void (clock.offset += ms),
};
let guarded: GuardedGateway;
let open: GuardedGateway;

test.before(async () => {
  const { relay } = await liveRelay(shared);
  guarded = await guardedGateway(shared, relay, { tokens: { keys: KEYS }, mounts: { [MOUNT]: { auth: 'token', maxUsesPerToken: 2 } } }, { clock });
  // No keys: links are off, and the mount is public.
  open = await guardedGateway(shared, relay, {});
});
test.after.always(() => shared.run());

const mint = (o: { mount?: string; ttl?: number; maxUses?: number; id?: string; at?: number } = {}, ring = keyring): string =>
  ring.mint({ mount: o.mount ?? MOUNT, ttlSeconds: o.ttl ?? 600, maxUses: o.maxUses ?? 0, ...(o.id ? { id: o.id } : {}) }, o.at ?? clock.now());

const refused = test.macro({
  async exec(t, path: () => Promise<string> | string, code: string, gw: () => GuardedGateway = () => guarded) {
    const { gw: gateway, proxy } = gw();
    const before = proxy.connections();
    const reply = await play(gateway.ports().listener, await path());
    t.is(reply.status, 403);
    t.is(codeOf(reply), code);
    t.false(reply.headers.has('www-authenticate'), 'no password prompt');
    t.is(proxy.connections(), before, 'nothing reached the upstream');
  },
  title: (title = '') => `refused: ${title}`,
});

test.serial('no link on a token mount', refused, () => MOUNT, 'GW_TOKEN_REQUIRED');
test.serial('expired link', refused, () => tokenPath(mint({ ttl: 60, at: clock.now() - 120_000 }), MOUNT), 'GW_TOKEN_EXPIRED');
test.serial('tampered signature', refused, () => {
  const token = mint();
  return tokenPath(`${token.slice(0, -2)}${token.endsWith('AA') ? 'BB' : 'AA'}`, MOUNT);
}, 'GW_TOKEN_INVALID');
test.serial('tampered claims', refused, () => {
  const [kid, , sig] = mint().split('.');
  const claims = Buffer.from(JSON.stringify([1, MOUNT, 4102444800, 0, ID(1)])).toString('base64url');
  return tokenPath(`${kid}.${claims}.${sig}`, MOUNT);
}, 'GW_TOKEN_INVALID');
test.serial('link for another mount', refused, () => tokenPath(mint({ mount: '/other.mp3' }), MOUNT), 'GW_TOKEN_WRONG_MOUNT');
test.serial('unknown key id', refused, () => tokenPath(mint({}, new StreamTokens({ k9: 'a-key-the-gateway-lacks' })), MOUNT), 'GW_TOKEN_INVALID');
test.serial('garbage in place of a link', refused, () => `/t/not-a-token/live.mp3`, 'GW_TOKEN_INVALID');
test.serial('revoked link', refused, async () => {
  await revokeInFile(revocationsPath(guarded.stateDir), ID(2));
  return tokenPath(mint({ id: ID(2) }), MOUNT);
}, 'GW_TOKEN_REVOKED');
test.serial('a link when no key is configured', refused, () => tokenPath(mint(), MOUNT), 'GW_TOKEN_INVALID', () => open);

test.serial('a genuine link plays the stream, signed by the current or an older key', async (t) => {
  for (const ring of [keyring, new StreamTokens({ old: KEYS.old })]) {
    const reply = await play(guarded.gw.ports().listener, tokenPath(mint({}, ring), MOUNT));
    t.is(reply.status, 200);
    t.is(reply.headers.get('content-type')?.[0], 'audio/mpeg');
    t.true(reply.body.length >= STREAM_BYTES);
  }
});

test.serial('a link that expires while its stream plays keeps playing; it opens nothing afterwards', async (t) => {
  const port = guarded.gw.ports().listener;
  const path = tokenPath(mint({ ttl: 60 }), MOUNT);
  const l = openListener({ port, path, bytes: Number.MAX_SAFE_INTEGER, timeoutMs: 30000 });
  t.teardown(() => l.socket.destroy());
  t.teardown(() => void (clock.offset = 0));
  let received = 0;
  l.socket.on('data', (d: Buffer) => (received += d.length));
  await until(() => received >= STREAM_BYTES, 15000, 'audio');
  clock.advance(3600_000);
  const at = received;
  await until(() => received >= at + STREAM_BYTES, 15000, 'more audio after the expiry');
  t.false(l.socket.destroyed);
  const again = await play(port, path);
  t.is(again.status, 403);
  t.is(codeOf(again), 'GW_TOKEN_EXPIRED');
});

/** Plays `path` until the gateway stops answering 429: a use is given back once the server saw the close. */
async function playOnceFree(port: number, path: string) {
  for (let i = 0; ; i++) {
    const reply = await play(port, path);
    if (reply.status !== 429 || i === 100) return reply;
  }
}

const limited = test.macro({
  async exec(t, maxUses: number, allowed: number) {
    const port = guarded.gw.ports().listener;
    const path = tokenPath(mint({ maxUses }), MOUNT);
    const playing = [];
    for (let i = 0; i < allowed; i++) {
      const l = openListener({ port, path, bytes: STREAM_BYTES, timeoutMs: 15000 });
      t.teardown(() => l.socket.destroy());
      t.is((await l.capture).status, 200);
      playing.push(l);
    }
    const over = await play(port, path);
    t.is(over.status, 429);
    t.is(codeOf(over), 'GW_TOKEN_IN_USE');
    playing[0]!.socket.destroy();
    const next = await playOnceFree(port, path);
    t.is(next.status, 200);
    t.true(next.body.length >= STREAM_BYTES);
  },
  title: (title = '') => `concurrent listeners per link: ${title}`,
});
test.serial('the link allows 1', limited, 1, 1);
test.serial('the link allows any number, the mount caps it at 2', limited, 0, 2);

test.serial('round trip: a link minted by icegate token plays, and icegate token --revoke stops it opening', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-token-cli-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'radio.yaml'), stringify({ stateDir: guarded.stateDir, gateway: { tokens: { keys: KEYS } } }));
  const port = guarded.gw.ports().listener;
  const minted = await runCli(['token', '--mount', MOUNT, '--ttl', '600', '--max-uses', '1', '--base', `http://127.0.0.1:${port}/`, '-c', 'radio.yaml'], dir);
  t.is(minted.code, 0, minted.stderr);
  const url = new URL(minted.stdout.trim());
  t.is(url.origin, `http://127.0.0.1:${port}`);
  t.regex(url.pathname, /^\/t\/k2\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}\/live\.mp3$/);
  const id = /^id ([A-Za-z0-9_-]{22}), expires /.exec(minted.stderr)?.[1];
  if (id === undefined) return t.fail(minted.stderr);
  const reply = await play(port, url.pathname);
  t.is(reply.status, 200);
  t.true(reply.body.length >= STREAM_BYTES);
  const revoked = await runCli(['token', '--revoke', id, '-c', 'radio.yaml'], dir);
  t.is(revoked.code, 0, revoked.stderr);
  const after = await play(port, url.pathname);
  t.is(after.status, 403);
  t.is(codeOf(after), 'GW_TOKEN_REVOKED');
});
