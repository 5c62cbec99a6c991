// A running gateway takes new listener authentication and limits without closing a socket: with
// a real relay core and a real ffmpeg source behind it, a listener that is playing keeps getting
// audio across every reload, while the next listeners meet the new settings. A reload that cannot
// be applied (an htpasswd file missing) changes nothing.
import test from 'ava';
import { join } from 'node:path';
import { configSchema, type Config } from '../../config/schema.ts';
import { StreamTokens, tokenPath } from '../../policies/tokens.ts';
import { openListener, type OpenListener } from '../helpers/listen.ts';
import { until } from '../helpers/relay.ts';
import { codeOf, guardedGateway, liveRelay, MOUNT, play, STREAM_BYTES, type GuardedGateway } from './listener-auth-kit.ts';
import { Shared } from './server-harness.ts';

const shared = new Shared();
const KEYS = { k1: 'a-signing-key-for-reload-tests' };
let guarded: GuardedGateway;

test.before(async () => {
  const { relay } = await liveRelay(shared);
  guarded = await guardedGateway(shared, relay, {});
});
test.after.always(() => shared.run());

/** The running configuration with `gateway` merged into its gateway section (upstream kept). */
function withGateway(gateway: Record<string, unknown>): Config {
  const now = guarded.gw.config();
  return configSchema.parse({ stateDir: now.stateDir, gateway: { upstream: now.gateway.upstream, ...gateway } });
}

/** A listener that keeps playing, and a check that audio still arrives. */
function playing(t: { teardown(fn: () => void): void }): { l: OpenListener; more(): Promise<void> } {
  const l = openListener({ port: guarded.gw.ports().listener, path: MOUNT, bytes: Number.MAX_SAFE_INTEGER, timeoutMs: 60000 });
  t.teardown(() => l.socket.destroy());
  let received = 0;
  l.socket.on('data', (d: Buffer) => (received += d.length));
  return {
    l,
    more: async () => {
      const at = received;
      await until(() => received >= at + STREAM_BYTES, 15000, 'more audio');
    },
  };
}

test.serial('a mount turned to auth: token refuses new listeners and keeps the one playing', async (t) => {
  const port = guarded.gw.ports().listener;
  const held = playing(t);
  await held.more();
  await guarded.gw.reload(withGateway({ tokens: { keys: KEYS }, mounts: { [MOUNT]: { auth: 'token' } } }));
  const refused = await play(port, MOUNT);
  t.is(refused.status, 403);
  t.is(codeOf(refused), 'GW_TOKEN_REQUIRED');
  const link = new StreamTokens(KEYS).mint({ mount: MOUNT, ttlSeconds: 600, maxUses: 0 }, Date.now());
  t.is((await play(port, tokenPath(link, MOUNT))).status, 200, 'a stream link opens it');
  await held.more();
  t.false(held.l.socket.destroyed);

  await guarded.gw.reload(withGateway({}));
  t.is((await play(port, MOUNT)).status, 200, 'public again');
  await held.more();
  t.false(held.l.socket.destroyed);
});

test.serial('a lower streamsPerAddress refuses the next stream and keeps the open one', async (t) => {
  const port = guarded.gw.ports().listener;
  const held = playing(t);
  await held.more();
  await guarded.gw.reload(withGateway({ limits: { streamsPerAddress: 1 } }));
  const refused = await play(port, MOUNT);
  t.is(refused.status, 429);
  t.is(codeOf(refused), 'GW_TOO_MANY_STREAMS');
  await held.more();
  await guarded.gw.reload(withGateway({}));
  t.is((await play(port, MOUNT)).status, 200);
  await held.more();
  t.false(held.l.socket.destroyed);
});

test.serial('a reload naming a missing htpasswd file is refused and changes nothing', async (t) => {
  const missing = join(guarded.stateDir, 'no-such.htpasswd');
  const err = await t.throwsAsync(guarded.gw.reload(withGateway({ mounts: { [MOUNT]: { auth: 'htpasswd', htpasswd: missing } } })));
  t.true(err?.message.includes(missing), err?.message);
  t.deepEqual(guarded.gw.config().gateway.mounts, {});
  t.is((await play(guarded.gw.ports().listener, MOUNT)).status, 200, 'still public');
});
