// auth: htpasswd at the listener port, with a real relay core and ffmpeg behind the gateway and
// the password file written by `icegate passwd` itself: a challenge only when no credentials
// were sent, a plain 401 for wrong ones, 429 with Retry-After once an address guessed too often,
// and the upstream never sees a refused request nor any listener's credentials.
import test from 'ava';
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { binPath } from '../cli/run-cli.ts';
import { CHALLENGE } from '../../gateway/listener-auth/gate.ts';
import { basic, codeOf, guardedGateway, liveRelay, MOUNT, play, STREAM_BYTES, type GuardedGateway } from './listener-auth-kit.ts';
import { Shared, strictLimiter, testGateway } from './server-harness.ts';

const shared = new Shared();
let file: string;
let gateway: GuardedGateway;
let strict: GuardedGateway;

/** `icegate passwd --file FILE USER` with the password on stdin, as a script would run it. */
function passwd(args: string[], stdin: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [binPath, 'passwd', ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(stdin);
  });
}

test.before(async () => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-htpasswd-'));
  shared.teardown(() => rm(dir, { recursive: true, force: true }));
  file = join(dir, 'listeners.htpasswd');
  for (const [user, pw] of [['alice', 'alice-secret'], ['bob', 'bob-secret']]) {
    const run = await passwd(['--file', file, user!], `${pw}\n`);
    if (run.code !== 0) throw new Error(run.stderr);
  }
  const { relay } = await liveRelay(shared);
  const mounts = { [MOUNT]: { auth: 'htpasswd', htpasswd: file } };
  gateway = await guardedGateway(shared, relay, { mounts });
  strict = await guardedGateway(shared, relay, { mounts }, { limiter: strictLimiter(3) });
});
test.after.always(() => shared.run());

test.serial('icegate passwd wrote bcrypt entries, owner-only', async (t) => {
  const text = await readFile(file, 'utf8');
  t.regex(text, /^alice:\$2y\$10\$[./A-Za-z0-9]{53}\nbob:\$2y\$10\$[./A-Za-z0-9]{53}\n$/);
  t.false(text.includes('secret'));
});

const refused = test.macro({
  async exec(t, authorization: string | null, code: string, challenge: boolean) {
    const before = gateway.proxy.connections();
    const reply = await play(gateway.gw.ports().listener, MOUNT, authorization === null ? {} : { Authorization: authorization });
    t.is(reply.status, 401);
    t.is(codeOf(reply), code);
    t.deepEqual(reply.headers.get('www-authenticate'), challenge ? [CHALLENGE] : undefined);
    t.is(gateway.proxy.connections(), before, 'nothing reached the upstream');
  },
  title: (title = '') => `htpasswd refuses ${title}`,
});

test.serial('a request without credentials, with a Basic challenge', refused, null, 'GW_AUTH_REQUIRED', true);
test.serial('a wrong password, without a challenge', refused, basic('alice', 'wrong'), 'GW_AUTH_FAILED', false);
test.serial('an unknown user', refused, basic('mallory', 'alice-secret'), 'GW_AUTH_FAILED', false);
test.serial('another user\'s password', refused, basic('bob', 'alice-secret'), 'GW_AUTH_FAILED', false);
test.serial('malformed credentials', refused, 'Basic !!!', 'GW_AUTH_FAILED', false);
test.serial('another scheme', refused, 'Bearer alice-secret', 'GW_AUTH_FAILED', false);

test.serial('the right password plays the stream and opens its playlist', async (t) => {
  const reply = await play(gateway.gw.ports().listener, MOUNT, { Authorization: basic('alice', 'alice-secret') });
  t.is(reply.status, 200);
  t.true(reply.body.length >= STREAM_BYTES);
  t.is((await play(gateway.gw.ports().listener, `${MOUNT}.m3u`, { Authorization: basic('bob', 'bob-secret') })).status, 200);
});

test.serial('guessing: 429 with Retry-After once blocked, even for the right password', async (t) => {
  const port = strict.gw.ports().listener;
  const before = strict.proxy.connections();
  const replies = [];
  for (let i = 0; i < 3; i++) replies.push(await play(port, MOUNT, { Authorization: basic('alice', `guess-${i}`) }));
  replies.push(await play(port, MOUNT, { Authorization: basic('alice', 'alice-secret') }));
  t.deepEqual(
    replies.map((r) => r.status),
    [401, 401, 429, 429],
    'the failure that reaches the limit is already answered 429',
  );
  for (const reply of replies.slice(2)) {
    t.is(codeOf(reply), 'GW_RATE_LIMITED');
    t.regex(reply.headers.get('retry-after')?.[0] ?? '', /^[1-9]\d*$/);
    t.false(reply.headers.has('www-authenticate'));
  }
  t.is(strict.proxy.connections(), before, 'nothing reached the upstream');
  // The block is per user and address (docs/gateway-security.md#credential-rate-limiting): another listener there still plays.
  t.is((await play(port, MOUNT, { Authorization: basic('bob', 'bob-secret') })).status, 200);
});

test('a missing htpasswd file stops the gateway from starting, naming the file', async (t) => {
  const missing = join(dirname(file), 'missing.htpasswd');
  const error = await t.throwsAsync(testGateway(shared, gateway.proxy.port, { mounts: { [MOUNT]: { auth: 'htpasswd', htpasswd: missing } } }));
  t.is((error as NodeJS.ErrnoException | undefined)?.code, 'ENOENT');
  t.true(error?.message.includes(missing));
});
