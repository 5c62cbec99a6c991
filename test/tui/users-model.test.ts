// The Users pane's pure parts, table-driven: the form's keys and checks (the password only ever
// drawn as asterisks), the control API's refusals put back into the form, the pane's rows, which
// mount a new user goes to, the delete confirmation, and the footer prompt's keys.
import test from 'ava';
import type { ListenerUsersPage } from '../../contracts/listener-users.ts';
import { actionStep } from '../../tui/actions.ts';
import { promptKey } from '../../tui/prompt-input.ts';
import type { Backend, DashboardView } from '../../tui/state.ts';
import { newUserForm, userFormAnswer, userFormKey, userFormLines, userRequest, type UserFieldId, type UserForm } from '../../tui/users-form.ts';
import { userFormMount, usersTable, userTarget } from '../../tui/users-table.ts';

function typed(form: UserForm, keys: readonly (string | [string, string])[]): UserForm {
  let f = form;
  for (const k of keys) {
    const [name, ch] = typeof k === 'string' ? [k, k] : k;
    const step = userFormKey(f, name, ch);
    if (step.kind === 'edit' || step.kind === 'submit') f = step.form;
  }
  return f;
}
const chars = (text: string): [string, string][] => [...text].map((c) => [c, c]);

test('a new form starts on the name when a mount is known, on the mount otherwise', (t) => {
  t.is(newUserForm('/live.mp3').focus, 'name');
  t.is(newUserForm(null).focus, 'mount');
});

const requests: [string, { mount: string; name: string; password: string; repeat: string }, string][] = [
  ['a good form', { mount: ' /live.mp3 ', name: 'bob', password: 'pw', repeat: 'pw' }, 'ok /live.mp3 bob'],
  ['no mount', { mount: '', name: 'bob', password: 'pw', repeat: 'pw' }, 'mount: "" is not a mount such as /live.mp3'],
  ['a bad name', { mount: '/live.mp3', name: 'b:ob', password: 'pw', repeat: 'pw' }, 'name: a user name is 1–255 characters without ":", control characters or a leading "#" or space'],
  ['no password', { mount: '/live.mp3', name: 'bob', password: '', repeat: '' }, 'password: the password is empty'],
  ['73 bytes', { mount: '/live.mp3', name: 'bob', password: 'p'.repeat(73), repeat: 'p'.repeat(73) }, "password: the password is longer than bcrypt's 72 bytes"],
  ['two passwords that differ', { mount: '/live.mp3', name: 'bob', password: 'pw', repeat: 'pW' }, 'repeat: the two passwords differ: type it again'],
];
for (const [what, fields, expected] of requests) {
  test(`form check: ${what}`, (t) => {
    const r = userRequest(fields);
    t.is(r.ok ? `ok ${r.request.mount} ${r.request.name}` : `${r.field}: ${r.error}`, expected);
  });
}

test('keys: typing, Tab, Backspace of a whole character, C-u, Enter submits once valid; busy ignores keys; Esc cancels', (t) => {
  let f = typed(newUserForm('/live.mp3'), [...chars('bobb'), 'backspace', 'tab', ...chars('pé🎶'), 'backspace', 'tab', ...chars('pé')]);
  t.deepEqual(f.fields, { mount: '/live.mp3', name: 'bob', password: 'pé', repeat: 'pé' });
  const sent = userFormKey(f, 'enter', undefined);
  t.is(sent.kind, 'submit');
  if (sent.kind !== 'submit') return;
  t.deepEqual(sent.request, { mount: '/live.mp3', name: 'bob', password: 'pé' });
  t.true(sent.form.busy);
  t.deepEqual(userFormKey(sent.form, 'x', 'x'), { kind: 'edit', form: sent.form });
  t.deepEqual(userFormKey(sent.form, 'escape', undefined), { kind: 'cancel' });
  f = typed(f, ['C-u']);
  t.is(f.fields.repeat, '');
  t.deepEqual(userFormKey(f, 'C-a', undefined), { kind: 'edit', form: f }, 'an unbound key changes nothing');
  t.is(typed(f, ['S-tab', 'S-tab', 'S-tab']).focus, 'mount');
});

test('lines: the passwords as asterisks, one per character, never the text; the error wrapped', (t) => {
  const f: UserForm = { fields: { mount: '/live.mp3', name: 'bob', password: 'hunter2é', repeat: 'hunter' }, focus: 'password', error: null, busy: false };
  const lines = userFormLines(f, 60);
  t.is(lines[2], '> Password : ********_');
  t.is(lines[3], '  Again    : ******');
  t.false(lines.join('\n').includes('hunter'));
  const refused = userFormLines({ ...f, error: 'x '.repeat(40).trim() }, 30);
  t.true(refused.slice(5).every((l) => l.length <= 30));
});

test('answers: done with the message; refusals back into the form on their field', (t) => {
  const f = newUserForm('/live.mp3');
  const file = { file: '/f', mounts: ['/live.mp3'], users: [{ name: 'bob' }], problem: null };
  t.deepEqual(userFormAnswer(f, { ok: true, message: 'listener "bob" added', change: 'added', mount: '/live.mp3', user: { name: 'bob' }, file }), { kind: 'done', message: 'listener "bob" added' });
  const cases: [string, UserFieldId][] = [
    ['unknown-mount', 'mount'],
    ['mount-not-htpasswd', 'mount'],
    ['bad-user-name', 'name'],
    ['bad-password', 'password'],
    ['htpasswd-invalid', 'name'],
  ];
  for (const [code, field] of cases) {
    const a = userFormAnswer({ ...f, busy: true }, { ok: false, error: { code, message: `refused: ${code}` } });
    if (a.kind !== 'user-form') return t.fail(code);
    t.is(a.form.focus, field, code);
    t.false(a.form.busy);
    t.true(a.form.error?.startsWith(`refused: ${code}`), code);
  }
});

const PAGE: ListenerUsersPage = {
  files: [
    { file: '/srv/members.htpasswd', mounts: ['/hq.mp3', '/live.mp3'], users: [{ name: 'alice' }, { name: 'bob' }], problem: null },
    { file: '/srv/vip.htpasswd', mounts: ['/vip.mp3'], users: [], problem: 'the file does not exist yet: the first user added creates it' },
  ],
};

test('the pane: a row per user per file, a file without users as one row; keys name file and user', (t) => {
  const table = usersTable(PAGE, 80);
  t.regex(table.header ?? '', /^USER +MOUNTS +FILE/);
  t.deepEqual(table.rows.map((r) => [r.key, r.tone]), [
    ['["/srv/members.htpasswd","alice"]', 'plain'],
    ['["/srv/members.htpasswd","bob"]', 'plain'],
    ['["/srv/vip.htpasswd",null]', 'warn'],
  ]);
  t.regex(table.rows[1]!.text, /^bob +\/hq\.mp3 \/live\.mp3 +members\.htpasswd *$/);
  t.regex(table.rows[2]!.text, /^\(the file does not exist/);
  t.deepEqual(userTarget(PAGE, table.rows[1]!.key), { name: 'bob', mount: '/hq.mp3', file: '/srv/members.htpasswd' });
  t.deepEqual(userTarget(PAGE, table.rows[2]!.key), { name: null, mount: '/vip.mp3', file: '/srv/vip.htpasswd' });
  t.is(userTarget(PAGE, 'nope'), null);
  t.deepEqual(usersTable(null, 80).rows, []);
});

const mounts: [string, string | null, string | null, string | null][] = [
  ["the selected user's mount", '["/srv/vip.htpasswd",null]', '/live.mp3', '/vip.mp3'],
  ['the selected mount when it has htpasswd', null, '/live.mp3', '/live.mp3'],
  ['else the first htpasswd mount', null, '/open.mp3', '/hq.mp3'],
];
for (const [what, key, selected, expected] of mounts) test(`a new user's mount: ${what}`, (t) => t.is(userFormMount(PAGE, key, selected), expected));
test("a new user's mount without a page: the selected mount", (t) => t.is(userFormMount(null, null, '/live.mp3'), '/live.mp3'));

test('D on a user asks first, naming every mount of its file; on a file row or elsewhere it says what to select', async (t) => {
  const calls: string[] = [];
  const backend = { deleteListenerUser: (m: string, n: string) => (calls.push(`${m} ${n}`), Promise.resolve({ ok: true as const, message: 'done' })) } as unknown as Backend;
  const view = (focus: string, key: string | null) => ({ focus, usersPage: PAGE, selected: () => (key === null ? null : { key, text: '', tone: 'plain' }) }) as unknown as DashboardView;
  const step = actionStep(view('users', '["/srv/members.htpasswd","bob"]'), backend, 'delete-user');
  if (step.kind !== 'mode' || step.mode.kind !== 'confirm') return t.fail();
  t.is(step.mode.question, 'Delete listener "bob" from /hq.mp3, /live.mp3 (players connected now keep playing)?');
  await step.mode.run();
  t.deepEqual(calls, ['/hq.mp3 bob']);
  for (const v of [view('users', '["/srv/vip.htpasswd",null]'), view('mounts', '["/srv/members.htpasswd","bob"]')]) {
    t.deepEqual(actionStep(v, backend, 'delete-user'), { kind: 'say', text: 'delete user: select one in the users pane first (Tab)', tone: 'warn' });
  }
});

const prompts: [string, string, string | undefined, string][] = [
  ['abc', 'escape', undefined, 'cancel'],
  ['abc', 'enter', undefined, 'submit'],
  ['abc', 'backspace', undefined, 'edit ab'],
  ['abc', 'C-u', undefined, 'edit '],
  ['abc', 'd', 'd', 'edit abcd'],
  ['x'.repeat(200), 'd', 'd', `edit ${'x'.repeat(200)}`],
  ['abc', 'C-a', undefined, 'none'],
  ['abc', 'escape-ish', '\x1b', 'none'],
];
for (const [value, name, ch, expected] of prompts) {
  test(`prompt key ${name} on ${JSON.stringify(value.slice(0, 5))} → ${expected.slice(0, 12)}`, (t) => {
    const step = promptKey(value, name, ch);
    t.is(step.kind === 'edit' ? `edit ${step.value}` : step.kind, expected);
  });
}
