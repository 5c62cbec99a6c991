// What each action key and each submitted prompt leads to, as a table over the dashboard's view:
// the question asked (and the one request it sends once confirmed), the prompt, or the message.
import test from 'ava';
import type { ActionResult } from '../../contracts/control-api.ts';
import { actionStep, submitStep, type Step } from '../../tui/actions.ts';
import { Dashboard } from '../../tui/dashboard.ts';
import type { Action } from '../../tui/keymap.ts';
import type { PaneId } from '../../tui/layout.ts';
import type { Backend, InputMode } from '../../tui/state.ts';
import { listenersPage, logPage, mount, snapshot } from './fixtures.ts';

function recorder() {
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
  return { backend, calls };
}

/** A dashboard focused on `focus` with row `index` selected there. */
function view(backend: Backend, focus: PaneId, index = 0, mounts = snapshot().mounts) {
  const d = new Dashboard(backend, { readOnly: false, onChange: () => {} });
  d.resize(120, 40);
  d.setSnapshot(snapshot({ mounts }));
  d.listenersPage = listenersPage();
  d.focus = focus;
  d.selection[focus] = { key: null, index };
  return d;
}

/** A step in one line: what the operator reads, and the request a confirmation sends. */
async function describe(step: Step, calls: string[]): Promise<string> {
  if (step.kind === 'none') return 'none';
  if (step.kind === 'say') return `say(${step.tone}) ${step.text}`;
  if (step.mode.kind === 'input') return `input(${step.mode.purpose}) ${step.mode.prompt}${step.mode.value}`;
  await step.mode.run();
  return `confirm ${step.mode.question} → ${calls.join(', ')}`;
}

const actionCases: [string, Action, PaneId, number, string][] = [
  ['kick the selected listener', 'kick', 'listeners', 0, 'confirm Kick listener 10 (192.0.2.10, VLC/3.0.18 LibVLC/3.0.18) from /live.mp3? → kick /live.mp3 10'],
  ['kick outside the listeners pane', 'kick', 'mounts', 0, 'say(warn) kick: select one in the listeners pane first (Tab)'],
  ['kill a live source', 'kill-source', 'mounts', 0, 'confirm Kill the source of /live.mp3 (198.51.100.20)? → kill /live.mp3'],
  ['kill a mount without a source', 'kill-source', 'mounts', 1, 'say(warn) /backup.ogg has no source to kill'],
  ['kill outside the mounts pane', 'kill-source', 'health', 0, 'say(warn) kill source: select one in the mounts pane first (Tab)'],
  ['title of the selected mount', 'metadata', 'mounts', 0, 'input(metadata) title of /live.mp3: Artist - Song'],
  ['title outside the mounts pane', 'metadata', 'log', 0, 'say(warn) title: select one in the mounts pane first (Tab)'],
  ['restart the selected component', 'restart', 'health', 0, 'confirm Restart relay (pid 201)? → restart relay'],
  ['restart outside the health pane', 'restart', 'mounts', 0, 'say(warn) restart: select one in the health pane first (Tab)'],
  ['ban from the listeners pane', 'ban', 'listeners', 1, 'input(ban) ban address [duration]: 192.0.2.11 1h'],
  ['ban from elsewhere: an empty prompt', 'ban', 'mounts', 0, 'input(ban) ban address [duration]: '],
  ['reload', 'reload', 'mounts', 0, 'confirm Reload the configuration file? → reload'],
  ['not a changing action', 'help', 'mounts', 0, 'none'],
];
for (const [title, action, focus, index, expected] of actionCases) {
  test(`actionStep: ${title}`, async (t) => {
    const { backend, calls } = recorder();
    t.is(await describe(actionStep(view(backend, focus, index), backend, action), calls), expected);
  });
}

test('actionStep: unban the selected ban (found by its key, wherever it is listed)', async (t) => {
  const { backend, calls } = recorder();
  const d = view(backend, 'security');
  const at = d.rows('security').findIndex((row) => row.key.startsWith('ban:'));
  d.selection.security = { key: null, index: at };
  t.is(await describe(actionStep(d, backend, 'unban'), calls), 'confirm Lift the ban on 203.0.113.7? → unban 203.0.113.7');
});

test('actionStep: a hostile title is shown sanitised in the prompt', async (t) => {
  const { backend, calls } = recorder();
  const d = view(backend, 'mounts', 0, [mount({ mount: '/live.mp3', title: 'a\x1b[2Jb' })]);
  t.notRegex(await describe(actionStep(d, backend, 'metadata'), calls), /\x1b/);
});

const prompt = (purpose: InputMode['purpose'], value: string, target = ''): InputMode => ({ kind: 'input', purpose, prompt: '', value, pane: 'mounts', target });
const submitCases: [string, InputMode, string][] = [
  ['a title, trimmed', prompt('metadata', '  New Song ', '/live.mp3'), 'confirm Set the title of /live.mp3 to "New Song"? → title /live.mp3 New Song'],
  ['a ban with a duration', prompt('ban', '192.0.2.5 2h'), 'confirm Ban 192.0.2.5 for 2 hours and close its connections? → ban 192.0.2.5 7200'],
  ['a ban that is not an address', prompt('ban', 'nobody'), 'say(bad) ban: '],
  ['a filter applies as typed', prompt('filter', 'vlc'), 'none'],
];
for (const [title, mode, expected] of submitCases) {
  test(`submitStep: ${title}`, async (t) => {
    const { backend, calls } = recorder();
    const got = await describe(submitStep(mode, backend), calls);
    t.true(got.startsWith(expected), `${got}\ndoes not start with\n${expected}`);
  });
}
