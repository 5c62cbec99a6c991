// The listener-user routes (contracts/listener-users.ts) against the control server on its real
// unix socket, in front of the real service writing real htpasswd files: every route and every
// refusal, table-driven, each refusal with its catalogue status and code; atomic 0600 writes; the
// audit log names the mount and the user, never the password; read-only refuses every write.
import test from 'ava';
import { mkdtemp, readFile, readdir, rm, stat, writeFile } from 'node:fs/promises';
import { request, type IncomingMessage } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import type { AuditEntry, StateSnapshot } from '../../contracts/control-api.ts';
import { readHtpasswdFile } from '../../contracts/htpasswd-file.ts';
import type { ListenerUserResult, ListenerUsersPage } from '../../contracts/listener-users.ts';
import { verifyUser } from '../../gateway/listener-auth/htpasswd.ts';
import { ControlServer, type ControlBackend } from '../../supervisor/control-server.ts';
import { CONTROL_ERRORS, type ControlErrorCode } from '../../supervisor/errors.ts';
import { parseListenerUserRequest } from '../../supervisor/listener-users/request.ts';
import { ListenerUserService } from '../../supervisor/listener-users/service.ts';

let dir: string;
const servers: ControlServer[] = [];

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-listener-users-'));
});
test.after.always(async () => {
  for (const s of servers) await s.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

/** /live.mp3 and /hq.mp3 share members.htpasswd (relative: next to the configuration), /vip.mp3 has its own, /free.mp3 is public, /open.mp3 is the relay's only. */
function config(base: string): Config {
  const yaml = [
    `stateDir: ${join(base, 'state')}`,
    'relay:',
    '  mounts: {/open.mp3: {}}',
    'gateway:',
    '  mounts:',
    '    /live.mp3: {auth: htpasswd, htpasswd: members.htpasswd}',
    '    /hq.mp3: {auth: htpasswd, htpasswd: members.htpasswd}',
    `    /vip.mp3: {auth: htpasswd, htpasswd: ${join(base, 'vip.htpasswd')}}`,
    '    /free.mp3: {auth: token}',
  ].join('\n');
  const r = parseConfigText(yaml, 'gateway.yaml', base);
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

interface Stand {
  sock: string;
  base: string;
  audit: AuditEntry[];
  members: string;
}

async function stand(name: string, o: { readOnly?: boolean } = {}): Promise<Stand> {
  const base = join(dir, name);
  const { mkdir } = await import('node:fs/promises');
  await mkdir(base, { recursive: true });
  const c = config(base);
  const users = new ListenerUserService({ config: () => c, baseDir: base, liveMounts: () => ['/pushed.mp3'], cost: 4 });
  const audit: AuditEntry[] = [];
  const never = (): Promise<string> => Promise.reject(new Error('not used'));
  const backend: ControlBackend = {
    snapshot: () => ({}) as StateSnapshot,
    subscribe: () => () => {},
    readOnly: () => o.readOnly === true,
    listeners: () => Promise.resolve({ mount: '/live.mp3', total: 0, listeners: [] }),
    logs: (component) => ({ component, lines: [] }),
    component: never,
    killSource: never,
    kick: never,
    metadata: never,
    ban: never,
    unban: never,
    reload: never,
    stop: never,
    audit: (e) => audit.unshift({ at: new Date().toISOString(), ...e }),
    listenerUsers: { list: () => users.list(), set: (body) => users.set(parseListenerUserRequest(body)), remove: (m, n) => users.remove(m, n) },
  };
  const server = new ControlServer(backend);
  const sock = join(base, 'run', 'control.sock');
  await server.listen(sock);
  servers.push(server);
  return { sock, base, audit, members: join(base, 'members.htpasswd') };
}

interface Answer {
  status: number;
  body: { ok?: boolean; error?: { code: string; message: string } } & Partial<ListenerUserResult> & Partial<ListenerUsersPage>;
}

async function send(sock: string, method: string, path: string, body?: unknown): Promise<Answer> {
  const res = await new Promise<IncomingMessage>((resolve, reject) => {
    request({ socketPath: sock, method, path, headers: { 'x-icegate-user': 'operator' } }, resolve)
      .on('error', reject)
      .end(body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body));
  });
  const chunks: Buffer[] = [];
  for await (const c of res) chunks.push(c as Buffer);
  return { status: res.statusCode ?? 0, body: JSON.parse(Buffer.concat(chunks).toString()) as Answer['body'] };
}

const enc = encodeURIComponent;
const PASSWORD = 'correct horse battery';

test('GET lists every htpasswd file once with its mounts, names only; a missing file says so', async (t) => {
  const s = await stand('list');
  await writeFile(s.members, '# members\n');
  const set = await send(s.sock, 'POST', '/v1/listener-users', { mount: '/hq.mp3', name: 'zoe', password: PASSWORD });
  t.is(set.status, 201);
  await send(s.sock, 'POST', '/v1/listener-users', { mount: '/live.mp3', name: 'alice', password: PASSWORD });
  const page = await send(s.sock, 'GET', '/v1/listener-users');
  t.is(page.status, 200);
  t.deepEqual(page.body, {
    files: [
      { file: s.members, mounts: ['/hq.mp3', '/live.mp3'], users: [{ name: 'alice' }, { name: 'zoe' }], problem: null },
      { file: join(s.base, 'vip.htpasswd'), mounts: ['/vip.mp3'], users: [], problem: 'the file does not exist yet: the first user added creates it' },
    ],
  });
  t.false(JSON.stringify(page.body).includes('$2'), 'no hash in the answer');
});

test('POST adds (201), then changes (200) the password; the file is 0600, bcrypt, comments kept; DELETE removes (200)', async (t) => {
  const s = await stand('cycle');
  await writeFile(s.members, '# members\n', { mode: 0o644 });
  const added = await send(s.sock, 'POST', '/v1/listener-users', { mount: '/live.mp3', name: 'alice', password: PASSWORD });
  t.is(added.status, 201);
  t.like(added.body, { ok: true, change: 'added', mount: '/live.mp3', user: { name: 'alice' } });
  t.deepEqual(added.body.file?.users, [{ name: 'alice' }]);
  t.is((await stat(s.members)).mode & 0o777, 0o600);
  const text = await readFile(s.members, 'utf8');
  t.regex(text, /^# members\nalice:\$2y\$04\$[./A-Za-z0-9]{53}\n$/);
  t.true(await verifyUser(await readHtpasswdFile(s.members), 'alice', PASSWORD));

  const changed = await send(s.sock, 'POST', '/v1/listener-users', { mount: '/hq.mp3', name: 'alice', password: 'another one' });
  t.is(changed.status, 200);
  t.like(changed.body, { ok: true, change: 'changed', mount: '/hq.mp3' });
  const table = await readHtpasswdFile(s.members);
  t.false(await verifyUser(table, 'alice', PASSWORD));
  t.true(await verifyUser(table, 'alice', 'another one'));

  const deleted = await send(s.sock, 'DELETE', `/v1/listener-users/${enc('/live.mp3')}/${enc('alice')}`);
  t.is(deleted.status, 200);
  t.like(deleted.body, { ok: true, change: 'deleted', user: { name: 'alice' } });
  t.is(await readFile(s.members, 'utf8'), '# members\n');
  t.deepEqual((await readdir(s.base)).filter((f) => f.endsWith('.tmp')), [], 'no temporary file left');

  // The audit log: each action with the mount and the name, never the password.
  t.deepEqual(
    s.audit.map((a) => [a.action, a.target, a.ok, a.user]),
    [
      ['listener-user-delete', '/live.mp3', true, 'operator'],
      ['listener-user-set', '/hq.mp3', true, 'operator'],
      ['listener-user-set', '/live.mp3', true, 'operator'],
    ],
  );
  t.regex(s.audit[2]!.message, /^listener "alice" added to \/live\.mp3 \(/);
  t.false(JSON.stringify(s.audit).includes(PASSWORD) || JSON.stringify(s.audit).includes('another one'));
});

test('a name with spaces and non-ASCII, and a password with ":" and emoji, are kept exactly', async (t) => {
  const s = await stand('unicode');
  const name = 'Zoë O’Neil #2';
  const password = 'pa:ss wörd 🎶';
  t.is((await send(s.sock, 'POST', '/v1/listener-users', { mount: '/vip.mp3', name, password })).status, 201);
  t.true(await verifyUser(await readHtpasswdFile(join(s.base, 'vip.htpasswd')), name, password));
  t.is((await send(s.sock, 'DELETE', `/v1/listener-users/${enc('/vip.mp3')}/${enc(name)}`)).status, 200);
});

const OK = { mount: '/live.mp3', name: 'bob', password: PASSWORD };
const refusals: [string, string, string, unknown, ControlErrorCode][] = [
  ['POST: not JSON', 'POST', '/v1/listener-users', '{', 'bad-request'],
  ['POST: an unknown field', 'POST', '/v1/listener-users', { ...OK, hash: 'mine' }, 'bad-request'],
  ['POST: no mount', 'POST', '/v1/listener-users', { name: 'bob', password: PASSWORD }, 'bad-request'],
  ['POST: a mount that is not a mount name', 'POST', '/v1/listener-users', { ...OK, mount: 'live.mp3' }, 'bad-request'],
  ['POST: no name', 'POST', '/v1/listener-users', { mount: '/live.mp3', password: PASSWORD }, 'bad-user-name'],
  ['POST: an empty name', 'POST', '/v1/listener-users', { ...OK, name: '' }, 'bad-user-name'],
  ['POST: a name with ":"', 'POST', '/v1/listener-users', { ...OK, name: 'bob:x' }, 'bad-user-name'],
  ['POST: a name with a newline', 'POST', '/v1/listener-users', { ...OK, name: 'bob\nmallory:$2y$' }, 'bad-user-name'],
  ['POST: a name with a terminal escape', 'POST', '/v1/listener-users', { ...OK, name: 'bob\u001b[2J' }, 'bad-user-name'],
  ['POST: a name starting with "#"', 'POST', '/v1/listener-users', { ...OK, name: '#bob' }, 'bad-user-name'],
  ['POST: a name starting with a space', 'POST', '/v1/listener-users', { ...OK, name: ' bob' }, 'bad-user-name'],
  ['POST: a name of 256 characters', 'POST', '/v1/listener-users', { ...OK, name: 'b'.repeat(256) }, 'bad-user-name'],
  ['POST: a name that is a number', 'POST', '/v1/listener-users', { ...OK, name: 7 }, 'bad-user-name'],
  ['POST: no password', 'POST', '/v1/listener-users', { mount: '/live.mp3', name: 'bob' }, 'bad-password'],
  ['POST: an empty password', 'POST', '/v1/listener-users', { ...OK, password: '' }, 'bad-password'],
  ['POST: a password of 73 bytes', 'POST', '/v1/listener-users', { ...OK, password: 'p'.repeat(73) }, 'bad-password'],
  ['POST: a password of 37 two-byte characters (74 bytes)', 'POST', '/v1/listener-users', { ...OK, password: 'é'.repeat(37) }, 'bad-password'],
  ['POST: a password with a lone surrogate', 'POST', '/v1/listener-users', { ...OK, password: 'pass\ud800word' }, 'bad-password'],
  ['POST: a password that is a number', 'POST', '/v1/listener-users', { ...OK, password: 123456 }, 'bad-password'],
  ['POST: an unknown mount', 'POST', '/v1/listener-users', { ...OK, mount: '/nope.mp3' }, 'unknown-mount'],
  ['POST: a mount with auth: token', 'POST', '/v1/listener-users', { ...OK, mount: '/free.mp3' }, 'mount-not-htpasswd'],
  ["POST: a relay mount the gateway leaves public", 'POST', '/v1/listener-users', { ...OK, mount: '/open.mp3' }, 'mount-not-htpasswd'],
  ['POST: a live mount no configuration names', 'POST', '/v1/listener-users', { ...OK, mount: '/pushed.mp3' }, 'mount-not-htpasswd'],
  ['DELETE: an unknown user', 'DELETE', `/v1/listener-users/${enc('/live.mp3')}/nobody`, undefined, 'unknown-user'],
  ['DELETE: a user of another file', 'DELETE', `/v1/listener-users/${enc('/vip.mp3')}/carol`, undefined, 'unknown-user'],
  ['DELETE: an unknown mount', 'DELETE', `/v1/listener-users/${enc('/nope.mp3')}/carol`, undefined, 'unknown-mount'],
  ['DELETE: a mount with auth: token', 'DELETE', `/v1/listener-users/${enc('/free.mp3')}/carol`, undefined, 'mount-not-htpasswd'],
  ['DELETE: a name with ":"', 'DELETE', `/v1/listener-users/${enc('/live.mp3')}/${enc('carol:x')}`, undefined, 'bad-user-name'],
  ['DELETE: bad percent-encoding', 'DELETE', '/v1/listener-users/%2Flive.mp3/%E0%A4%A', undefined, 'bad-request'],
  ['DELETE: no name', 'DELETE', `/v1/listener-users/${enc('/live.mp3')}`, undefined, 'not-found'],
  ['PUT is no method of the route', 'PUT', '/v1/listener-users', OK, 'not-found'],
];

test('refusals: each with its status and code, and nothing written', async (t) => {
  const s = await stand('refusals');
  t.is((await send(s.sock, 'POST', '/v1/listener-users', { mount: '/live.mp3', name: 'carol', password: PASSWORD })).status, 201);
  const before = await readFile(s.members, 'utf8');
  for (const [what, method, path, body, code] of refusals) {
    const r = await send(s.sock, method, path, body);
    t.is(r.status, CONTROL_ERRORS[code].status, what);
    t.is(r.body.error?.code, code, what);
    t.true(r.body.error?.message.startsWith(CONTROL_ERRORS[code].message), what);
    t.false(JSON.stringify(r.body).includes(PASSWORD), `${what}: the password is not echoed`);
  }
  t.is(await readFile(s.members, 'utf8'), before, 'the file is as it was');
  t.false(JSON.stringify(s.audit).includes(PASSWORD), 'no password in the audit log');
  t.like(s.audit.find((a) => a.action === 'listener-user-set' && a.message.includes('No such mount')), { target: '/nope.mp3', ok: false });
});

test('htpasswd-invalid: a file holding a non-bcrypt line is named, never rewritten; GET still lists it', async (t) => {
  const s = await stand('invalid');
  const text = 'alice:$apr1$abc$defghijklmnopqrstuvwx\n';
  await writeFile(s.members, text);
  for (const [method, path, body] of [
    ['POST', '/v1/listener-users', OK],
    ['DELETE', `/v1/listener-users/${enc('/live.mp3')}/alice`, undefined],
  ] as const) {
    const r = await send(s.sock, method, path, body);
    t.is(r.status, 409);
    t.is(r.body.error?.code, 'htpasswd-invalid');
    t.true(r.body.error?.message.includes(`${s.members}: htpasswd line 1`), r.body.error?.message);
    t.false(r.body.error?.message.includes('$apr1$'), 'the hash is not quoted');
  }
  t.is(await readFile(s.members, 'utf8'), text);
  const page = await send(s.sock, 'GET', '/v1/listener-users');
  t.like(page.body.files?.[0], { file: s.members, users: [] });
  t.regex(page.body.files?.[0]?.problem ?? '', /htpasswd line 1 \(user "alice"\) uses an MD5 \(apr1\) hash/);
});

test('two POSTs at once both land in the file', async (t) => {
  const s = await stand('concurrent');
  const names = ['ann', 'ben', 'cy', 'dee', 'eve'];
  const answers = await Promise.all(names.map((name) => send(s.sock, 'POST', '/v1/listener-users', { mount: '/live.mp3', name, password: PASSWORD })));
  t.deepEqual(answers.map((a) => a.status), [201, 201, 201, 201, 201]);
  t.deepEqual([...(await readHtpasswdFile(s.members)).users.keys()].sort(), names);
});

test('read-only: POST and DELETE refused with read-only, nothing written; GET answers', async (t) => {
  const s = await stand('read-only', { readOnly: true });
  const post = await send(s.sock, 'POST', '/v1/listener-users', OK);
  t.is(post.status, 403);
  t.is(post.body.error?.code, 'read-only');
  const del = await send(s.sock, 'DELETE', `/v1/listener-users/${enc('/live.mp3')}/bob`);
  t.is(del.status, 403);
  t.is(del.body.error?.code, 'read-only');
  await t.throwsAsync(stat(s.members), { code: 'ENOENT' });
  t.is((await send(s.sock, 'GET', '/v1/listener-users')).status, 200);
  t.false(JSON.stringify(s.audit).includes(PASSWORD));
});

test('without the service the routes are not-found', async (t) => {
  const base = join(dir, 'none');
  const server = new ControlServer({
    snapshot: () => ({}) as StateSnapshot,
    subscribe: () => () => {},
    readOnly: () => false,
    listeners: () => Promise.reject(new Error('unused')),
    logs: (component) => ({ component, lines: [] }),
    component: () => Promise.reject(new Error('unused')),
    killSource: () => Promise.reject(new Error('unused')),
    kick: () => Promise.reject(new Error('unused')),
    metadata: () => Promise.reject(new Error('unused')),
    ban: () => Promise.reject(new Error('unused')),
    unban: () => Promise.reject(new Error('unused')),
    reload: () => Promise.reject(new Error('unused')),
    stop: () => Promise.reject(new Error('unused')),
    audit: () => {},
  });
  const sock = join(base, 'control.sock');
  await server.listen(sock);
  servers.push(server);
  for (const [method, path] of [['GET', '/v1/listener-users'], ['POST', '/v1/listener-users'], ['DELETE', '/v1/listener-users/%2Flive.mp3/bob']] as const) {
    const r = await send(sock, method, path, method === 'POST' ? OK : undefined);
    t.is(r.status, 404, path);
    t.is(r.body.error?.code, 'not-found');
  }
});
