// The pure parts of listener users, table-driven: what a POST /v1/listener-users body may hold
// (the user-name rule of `icegate passwd`, a password bcrypt takes whole), which file each mount
// uses (relative paths next to the configuration, shared files once), and what a file lists.
import test from 'ava';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { MAX_PASSWORD_BYTES, parseHtpasswd, passwordProblem, userProblem } from '../../contracts/htpasswd.ts';
import { LISTENER_PASSWORD_MAX_BYTES } from '../../contracts/listener-users.ts';
import { ControlError } from '../../supervisor/errors.ts';
import { htpasswdFileOf, htpasswdFiles, usersFile } from '../../supervisor/listener-users/files.ts';
import { parseListenerUserRequest } from '../../supervisor/listener-users/request.ts';

const NAME_RULE = 'a user name is 1–255 characters without ":", control characters or a leading "#" or space';
const names: [string, unknown, string | null][] = [
  ['a plain name', 'alice', null],
  ['spaces inside', 'Zoë O’Neil', null],
  ['a "#" inside', 'desk#2', null],
  ['255 characters', 'a'.repeat(255), null],
  ['256 characters', 'a'.repeat(256), NAME_RULE],
  ['empty', '', NAME_RULE],
  ['a colon', 'a:b', NAME_RULE],
  ['a leading "#"', '#alice', NAME_RULE],
  ['a leading space', ' alice', NAME_RULE],
  ['a newline', 'alice\nbob', NAME_RULE],
  ['a tab', 'ali\tce', NAME_RULE],
  ['an escape', '\u001b[31malice', NAME_RULE],
  ['DEL', 'alice\u007f', NAME_RULE],
  ['not a string', 42, NAME_RULE],
];
for (const [what, name, problem] of names) test(`user name: ${what}`, (t) => t.is(userProblem(name), problem));

const passwords: [string, unknown, string | null][] = [
  ['a phrase', 'correct horse battery staple', null],
  ['one character', 'x', null],
  ['72 bytes', 'p'.repeat(72), null],
  ['36 two-byte characters (72 bytes)', 'é'.repeat(36), null],
  ['colons and emoji', 'a:b:🎶', null],
  ['73 bytes', 'p'.repeat(73), "the password is longer than bcrypt's 72 bytes"],
  ['empty', '', 'the password is empty'],
  ['absent', undefined, 'the password is empty'],
  ['a number', 1234, 'the password is empty'],
  ['a lone surrogate', 'ab\udc00', 'the password must be valid Unicode text'],
];
for (const [what, password, problem] of passwords) test(`password: ${what}`, (t) => t.is(passwordProblem(password), problem));

test('the contract and the format agree on the longest password', (t) => t.is(LISTENER_PASSWORD_MAX_BYTES, MAX_PASSWORD_BYTES));

const bodies: [string, Record<string, unknown>, string][] = [
  ['a good body', { mount: '/live.mp3', name: 'alice', password: 'secret' }, 'ok /live.mp3 alice'],
  ['an unknown field', { mount: '/live.mp3', name: 'alice', password: 'secret', hash: 'x' }, 'bad-request: unknown field "hash"'],
  ['a mount without its slash', { mount: 'live.mp3', name: 'alice', password: 'secret' }, 'bad-request'],
  ['a bad name', { mount: '/live.mp3', name: 'a:b', password: 'secret' }, 'bad-user-name'],
  ['a bad password', { mount: '/live.mp3', name: 'alice', password: '' }, 'bad-password'],
  ['name before password', { mount: '/live.mp3', name: '', password: '' }, 'bad-user-name'],
];
for (const [what, body, expected] of bodies) {
  test(`POST body: ${what}`, (t) => {
    try {
      const r = parseListenerUserRequest(body);
      t.is(`ok ${r.mount} ${r.name}`, expected);
    } catch (error) {
      t.true(error instanceof ControlError);
      const e = error as ControlError;
      t.is(expected.includes(':') ? `${e.code}: ${e.message.split(': ').slice(1).join(': ')}` : e.code, expected);
      t.false(e.message.includes('secret'));
    }
  });
}

function config(mounts: string): Config {
  const r = parseConfigText(`gateway:\n  mounts:\n${mounts}`, 'gateway.yaml', '/srv/icegate');
  if (!r.ok) throw new Error(JSON.stringify(r.errors));
  return r.config;
}

const layouts: [string, string, Record<string, string[]>][] = [
  ['no mounts', '    {}\n', {}],
  ['a relative file is next to the configuration', '    /live.mp3: {auth: htpasswd, htpasswd: members.htpasswd}\n', { '/srv/icegate/members.htpasswd': ['/live.mp3'] }],
  ['an absolute file stays', '    /live.mp3: {auth: htpasswd, htpasswd: /etc/icegate/l.htpasswd}\n', { '/etc/icegate/l.htpasswd': ['/live.mp3'] }],
  [
    'two mounts sharing a file are one entry, mounts sorted; other modes left out',
    '    /z.mp3: {auth: htpasswd, htpasswd: m.htpasswd}\n    /a.mp3: {auth: htpasswd, htpasswd: ./m.htpasswd}\n    /t.mp3: {auth: token}\n    /v.mp3: {auth: htpasswd, htpasswd: v.htpasswd}\n',
    { '/srv/icegate/m.htpasswd': ['/a.mp3', '/z.mp3'], '/srv/icegate/v.htpasswd': ['/v.mp3'] },
  ],
];
for (const [what, mounts, expected] of layouts) {
  test(`htpasswd files: ${what}`, (t) => t.deepEqual(Object.fromEntries(htpasswdFiles(config(mounts), '/srv/icegate')), expected));
}

test('htpasswdFileOf: null for a public, a token and an unknown mount', (t) => {
  const c = config('    /t.mp3: {auth: token}\n    /n.mp3: {auth: none}\n');
  for (const mount of ['/t.mp3', '/n.mp3', '/nope.mp3', 'constructor', '__proto__']) t.is(htpasswdFileOf(c, '/srv', mount), null, mount);
});

const UU = 'CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';
test('usersFile: names sorted by code point, never a hash; a problem only without a table', (t) => {
  const table = parseHtpasswd(`# x\nzoe:$2y$05$${UU}\nBob:$2y$05$${UU}\nalice:$2y$05$${UU}\n`);
  const listed = usersFile('/f', ['/a.mp3'], table, 'ignored');
  t.deepEqual(listed, { file: '/f', mounts: ['/a.mp3'], users: [{ name: 'Bob' }, { name: 'alice' }, { name: 'zoe' }], problem: null });
  t.false(JSON.stringify(listed).includes('$2y$'));
  t.deepEqual(usersFile('/f', ['/a.mp3'], null, 'missing'), { file: '/f', mounts: ['/a.mp3'], users: [], problem: 'missing' });
});
