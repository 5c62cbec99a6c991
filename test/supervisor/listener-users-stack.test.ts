// Listener users through the whole stack: the real supervisor with the relay core and the gateway
// as processes, ffmpeg pushing MP3, a mount with `auth: htpasswd` whose file (relative to the
// configuration) starts empty. A user added over the control API listens through the gateway with
// HTTP Basic once the gateway has followed the file; a changed password replaces the old one; a
// deleted user is refused; no password reaches any log. Waits poll with a deadline.
import test from 'ava';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { ListenerUserResult, ListenerUsersPage } from '../../contracts/listener-users.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { openListener, type Capture } from '../helpers/listen.ts';
import { until } from '../helpers/relay.ts';

const SOURCE_PASSWORD = 'hackme-source-1';
const ALICE = 'alice-first-Pa55';
const ALICE_NEW = 'alice-second-Pa55';
const YAML = `stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${SOURCE_PASSWORD}, adminPassword: hackme-admin-1, relayPassword: hackme-relay-1}
  mounts: {/live.mp3: {}}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
  mounts: {/live.mp3: {auth: htpasswd, htpasswd: listeners.htpasswd}}
  # The polls below send refused passwords until the gateway has the new file: never a block.
  rateLimit: {consecutiveFailures: 10000, dailyFailures: 100000}
`;

interface Reply {
  status: number;
  body: unknown;
}

function call(sock: string, method: string, path: string, body?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request({ socketPath: sock, method, path, headers: { 'x-icegate-user': 'tester' } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString() || 'null') as unknown }));
    });
    req.on('error', reject);
    req.end(body === undefined ? undefined : JSON.stringify(body));
  });
}

let dir: string;
let sv: RunningSupervisor;
let source: ReturnType<typeof startSource> | null = null;
const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;
const port = (name: string): number => Number(sv.components.get('gateway')!.ports![name]);
const basic = (user: string, password: string): string => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;
const codeOf = (c: Capture): string | undefined => /\((GW_[A-Z_]+), ref [0-9a-f]{8}\)/.exec(c.body.toString('latin1'))?.[1];

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-listener-users-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, YAML);
  await writeFile(join(dir, 'listeners.htpasswd'), '', { mode: 0o600 });
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false, pollIntervalMs: 200, timing: { livenessIntervalMs: 500, livenessTimeoutMs: 1000 } });
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
  source = startSource({ port: port('sourcePlain'), mount: '/live.mp3', codec: 'mp3', password: SOURCE_PASSWORD });
  await until(() => sv.snapshot().mounts.some((m) => m.mount === '/live.mp3' && m.live), 10_000, 'mount live');
});
test.after.always(async () => {
  if (source) await stopProcess(source);
  await sv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** One request to the stream with these credentials; a 200 waits for 4 KiB of audio. */
async function listen(user: string, password: string): Promise<Capture> {
  const l = openListener({ port: port('listener'), path: '/live.mp3', headers: { Authorization: basic(user, password) }, bytes: 4096, timeoutMs: 10_000 });
  try {
    return await l.capture;
  } finally {
    l.socket.destroy();
  }
}

/** Listens again until the answer has `status` (the gateway follows the file as it changes), within `ms`. */
async function listenUntil(user: string, password: string, status: number, ms = 10_000): Promise<Capture> {
  const deadline = Date.now() + ms;
  for (;;) {
    const got = await listen(user, password);
    if (got.status === status) return got;
    if (Date.now() > deadline) throw new Error(`${user} still gets ${got.status}, not ${status}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test.serial('a user added over the control API listens with HTTP Basic; a new password replaces the old; a deleted user is refused', async (t) => {
  const file = join(dir, 'listeners.htpasswd');
  const listed = await call(sv.socketPath, 'GET', '/v1/listener-users');
  t.deepEqual(listed.body, { files: [{ file, mounts: ['/live.mp3'], users: [], problem: null }] } satisfies ListenerUsersPage);
  const before = await listen('alice', ALICE);
  t.is(before.status, 401);
  t.is(codeOf(before), 'GW_AUTH_FAILED');

  const added = await call(sv.socketPath, 'POST', '/v1/listener-users', { mount: '/live.mp3', name: 'alice', password: ALICE });
  t.is(added.status, 201, JSON.stringify(added.body));
  t.like(added.body as ListenerUserResult, { change: 'added', user: { name: 'alice' }, file: { file, users: [{ name: 'alice' }] } });
  t.is((await stat(file)).mode & 0o777, 0o600);
  const playing = await listenUntil('alice', ALICE, 200);
  t.true(playing.body.length >= 4096, 'audio flows');
  t.is((await listen('alice', 'a wrong one')).status, 401, 'a wrong password is still refused');

  const changed = await call(sv.socketPath, 'POST', '/v1/listener-users', { mount: '/live.mp3', name: 'alice', password: ALICE_NEW });
  t.is(changed.status, 200, JSON.stringify(changed.body));
  t.is((changed.body as ListenerUserResult).change, 'changed');
  await listenUntil('alice', ALICE, 401);
  t.is((await listenUntil('alice', ALICE_NEW, 200)).status, 200);

  const deleted = await call(sv.socketPath, 'DELETE', '/v1/listener-users/%2Flive.mp3/alice');
  t.is(deleted.status, 200, JSON.stringify(deleted.body));
  const refused = await listenUntil('alice', ALICE_NEW, 401);
  t.is(codeOf(refused), 'GW_AUTH_FAILED');
  t.deepEqual(((await call(sv.socketPath, 'GET', '/v1/listener-users')).body as ListenerUsersPage).files[0]!.users, []);

  // Audited, with the mount as target; no password in the audit log nor in any component's log.
  t.deepEqual(
    sv.snapshot().audit.slice(0, 3).map((a) => [a.action, a.target, a.ok]),
    [
      ['listener-user-delete', '/live.mp3', true],
      ['listener-user-set', '/live.mp3', true],
      ['listener-user-set', '/live.mp3', true],
    ],
  );
  const logs = join(dir, 'state', 'logs');
  const texts = await Promise.all((await readdir(logs)).map((f) => readFile(join(logs, f), 'utf8')));
  t.true(texts.join('\n').includes('listener-user-set'), 'the audit log file has the actions');
  for (const secret of [ALICE, ALICE_NEW, Buffer.from(`alice:${ALICE}`).toString('base64')]) t.false(texts.some((x) => x.includes(secret)), 'no password in the logs');
});
