// The dashboard's state without a terminal: the selection follows its item when rows reorder,
// the log follows its end, a prompt edits text, and a changing key does nothing before "y".
import test from 'ava';
import type { ActionResult } from '../../contracts/control-api.ts';
import { Dashboard } from '../../tui/dashboard.ts';
import type { Backend } from '../../tui/state.ts';
import { listenersPage, logPage, mount, snapshot } from './fixtures.ts';

function dashboard(readOnly = false) {
  const calls: string[] = [];
  const ok = (call: string): Promise<ActionResult> => {
    calls.push(call);
    return Promise.resolve({ ok: true, message: 'done' });
  };
  const backend: Backend = {
    listeners: async (m) => listenersPage(m),
    logs: async (c) => logPage(c),
    kick: (m, id) => ok(`kick ${m} ${id}`),
    killSource: (m) => ok(`kill ${m}`),
    metadata: (m, title) => ok(`title ${m} ${title}`),
    restart: (c) => ok(`restart ${c}`),
    ban: (ip, s) => ok(`ban ${ip} ${s}`),
    unban: (ip) => ok(`unban ${ip}`),
    reload: () => ok('reload'),
    links: async () => ({ links: [] }),
    createLink: async () => ({ ok: false, error: { code: 'bad-request', message: 'not in this test' } }),
    revokeLink: (id) => ok(`revoke ${id}`),
    listenerUsers: async () => ({ files: [] }),
    setListenerUser: async () => ({ ok: false, error: { code: 'bad-request', message: 'not in this test' } }),
    deleteListenerUser: (m, name) => ok(`delete user ${m} ${name}`),
  };
  const d = new Dashboard(backend, { readOnly, onChange: () => {} });
  d.resize(80, 24);
  d.setConnection({ state: 'connected' });
  d.setSnapshot(snapshot());
  return { d, calls };
}

test('the selection follows its mount when the order changes', (t) => {
  const { d } = dashboard();
  d.key('down');
  t.is(d.selectedMount(), '/backup.ogg');
  const s = snapshot();
  d.setSnapshot({ ...s, mounts: [mount({ mount: '/aaa.mp3' }), ...s.mounts.reverse()] });
  t.is(d.selectedMount(), '/backup.ogg');
  t.is(d.selectedIndex('mounts'), 1);
});

test('the log follows new lines while its last line is selected', (t) => {
  const { d } = dashboard();
  d.logPage = logPage();
  t.is(d.selectedIndex('log'), 1);
  d.logPage = { ...logPage(), lines: [...logPage().lines, { at: '2026-03-01T12:00:01.000Z', stream: 'stdout', text: 'new' }] };
  t.is(d.selectedIndex('log'), 2);
});

test('a prompt edits text: characters, backspace, C-u; Esc cancels without a request', (t) => {
  const { d, calls } = dashboard();
  d.key('m');
  t.is(d.footer().text, 'title of /live.mp3: Artist - Song_');
  d.key('C-u');
  for (const ch of 'Hi!') d.key(ch, ch);
  d.key('backspace');
  t.is(d.footer().text, 'title of /live.mp3: Hi_');
  d.key('escape');
  t.is(d.mode.kind, 'normal');
  t.deepEqual(calls, []);
});

const changes: readonly (readonly [string, string[], string])[] = [
  ['S-x', [], 'kill /live.mp3'],
  ['S-r', [], 'reload'],
  ['r', ['tab'], 'restart relay'],
  ['u', ['tab', 'tab', 'tab', 'down'], 'unban 203.0.113.7'],
];
for (const [key, before, call] of changes) {
  test(`${key} asks first: "n" sends nothing, "y" sends ${call}`, async (t) => {
    const { d, calls } = dashboard();
    for (const k of before) d.key(k);
    d.key(key);
    t.is(d.mode.kind, 'confirm');
    d.key('n', 'n');
    t.deepEqual(calls, []);
    t.regex(d.footer().text, /^cancelled: /);
    d.key(key);
    d.key('y', 'y');
    await new Promise((r) => setImmediate(r));
    t.deepEqual(calls, [call]);
  });
}

test('read-only: changing keys only say so', (t) => {
  const { d, calls } = dashboard(true);
  for (const key of ['S-x', 'm', 'b', 'S-r', 'r', 'u', 'x']) {
    d.key(key);
    t.is(d.mode.kind, 'normal');
    t.is(d.footer().text, 'read-only: actions are off');
  }
  t.deepEqual(calls, []);
});
