// The Links pane's pure parts as tables: the rows of the pane, what an operator types for a link,
// the form's keys, the answer to a sent form, and the overlays at several terminal sizes.
import test from 'ava';
import type { LinkView } from '../../contracts/links.ts';
import { Dashboard } from '../../tui/dashboard.ts';
import { formAnswer, formKey, formLines, newLinkForm, wrap, type LinkForm } from '../../tui/links-form.ts';
import { linkRequest, parseLabel, parseLifetime, parseMaxListeners, parseMount } from '../../tui/links-input.ts';
import { chunks, formOverlay, linkOverlay } from '../../tui/links-overlay.ts';
import { linkState, linksTable, relativeWords } from '../../tui/links-table.ts';
import { layout, PANES } from '../../tui/layout.ts';
import type { Backend } from '../../tui/state.ts';
import { listenersPage, logPage, NOW, snapshot } from './fixtures.ts';
import { eventually } from './fake-control.ts';
import { decodeQrText, qrLinesOf } from './qr-decode.ts';

function link(partial: Partial<LinkView> = {}): LinkView {
  return {
    id: 'abc',
    label: 'Grandma Rose',
    mount: '/live.mp3',
    url: 'https://radio.example:8443/t/k1.e30.sig/live.mp3',
    pageUrl: 'https://radio.example:8443/t/k1.e30.sig/',
    createdAt: NOW,
    expiresAt: '2026-03-08T12:00:00.000Z',
    maxListeners: null,
    revoked: false,
    expired: false,
    listeners: 0,
    lastUsedAt: null,
    ...partial,
  };
}

const states: readonly (readonly [Partial<LinkView>, string])[] = [
  [{}, 'live'],
  [{ expired: true }, 'expired'],
  [{ revoked: true }, 'revoked'],
  [{ revoked: true, expired: true }, 'revoked'],
];
for (const [partial, state] of states) test(`link state ${JSON.stringify(partial)} → ${state}`, (t) => t.is<string, string>(linkState(link(partial)), state));

const relative: readonly (readonly [string | null, string])[] = [
  ['2026-03-08T12:00:00.000Z', 'in 7d00h'],
  ['2026-03-01T12:00:59.000Z', 'in 59s'],
  ['2026-03-01T12:00:00.000Z', 'in 0s'],
  ['2026-03-01T10:59:00.000Z', '1h01m ago'],
  [null, '-'],
  ['not a time', '-'],
];
for (const [at, words] of relative) test(`relative to ${NOW}: ${at} → ${words}`, (t) => t.is(relativeWords(at, NOW), words));

test('the Links table: label, mount, expiry, players (with the limit), state, last use; keyed by id', (t) => {
  const page = { links: [link({ id: 'a', listeners: 2, maxListeners: 5, lastUsedAt: '2026-03-01T11:55:00.000Z' }), link({ id: 'b', label: 'Choir\x1b[31m {bold}', revoked: true })] };
  const table = linksTable(page, NOW, 79);
  t.is(table.header, 'LABEL                 MOUNT               EXPIRES    PLAYERS STATE   LAST USED ');
  t.deepEqual(
    table.rows.map((r) => [r.key, r.text, r.tone]),
    [
      ['a', 'Grandma Rose          /live.mp3           in 7d00h       2/5 live    5m00s ago ', 'plain'],
      ['b', 'Choir {bold}          /live.mp3           in 7d00h         0 revoked never     ', 'warn'],
    ],
  );
  t.is(linksTable(page, NOW, 40).header, 'LABEL                    PLAYERS STATE  ');
  t.deepEqual(linksTable(null, NOW, 79).rows, []);
});

const inputs: readonly (readonly [string, () => unknown, unknown])[] = [
  ['lifetime 7d', () => parseLifetime('7d'), { ok: true, value: 604800 }],
  ['lifetime " 24h "', () => parseLifetime(' 24h '), { ok: true, value: 86400 }],
  ['lifetime 3600', () => parseLifetime('3600'), { ok: true, value: 3600 }],
  ['lifetime 1m (the least)', () => parseLifetime('1m'), { ok: true, value: 60 }],
  ['lifetime 366d (the most)', () => parseLifetime('366d'), { ok: true, value: 31622400 }],
  ['lifetime 59', () => parseLifetime('59'), { ok: false, error: 'a link lives at least 1 minute' }],
  ['lifetime 367d', () => parseLifetime('367d'), { ok: false, error: 'a link lives at most 366 days' }],
  ['lifetime forever', () => parseLifetime('forever'), { ok: false, error: '"forever" is not a lifetime: 3600, 30m, 24h or 7d' }],
  ['lifetime 1w', () => parseLifetime('1w'), { ok: false, error: '"1w" is not a lifetime: 3600, 30m, 24h or 7d' }],
  ['players empty', () => parseMaxListeners(''), { ok: true, value: null }],
  ['players 3', () => parseMaxListeners('3'), { ok: true, value: 3 }],
  ['players 0', () => parseMaxListeners('0'), { ok: false, error: 'players at once: a number from 1 to 10000, or empty for no limit' }],
  ['players 10001', () => parseMaxListeners('10001'), { ok: false, error: 'players at once: a number from 1 to 10000, or empty for no limit' }],
  ['label trimmed', () => parseLabel('  Grandma Rose '), { ok: true, value: 'Grandma Rose' }],
  ['label of 80 characters', () => parseLabel('é'.repeat(80)), { ok: true, value: 'é'.repeat(80) }],
  ['label of 81', () => parseLabel('x'.repeat(81)), { ok: false, error: 'a label has at most 80 characters' }],
  ['label with HTML is kept as typed', () => parseLabel('<b>Rose</b>'), { ok: true, value: '<b>Rose</b>' }],
  ['label with ESC', () => parseLabel('a\x1bb'), { ok: false, error: 'a label cannot hold control characters' }],
  ['label with C1', () => parseLabel('a\x9bb'), { ok: false, error: 'a label cannot hold control characters' }],
  ['label with a line separator', () => parseLabel('a\u2028b'), { ok: false, error: 'a label cannot hold control characters' }],
  ['label with a lone surrogate', () => parseLabel('a\ud800b'), { ok: false, error: 'a label cannot hold half a character (a lone UTF-16 surrogate)' }],
  ['label with an emoji (a surrogate pair) is kept', () => parseLabel('Rose 🌹'), { ok: true, value: 'Rose 🌹' }],
  ['mount', () => parseMount('/live.mp3'), { ok: true, value: '/live.mp3' }],
  ['mount without slash', () => parseMount('live.mp3'), { ok: false, error: '"live.mp3" is not a mount such as /live.mp3' }],
  ['a whole request', () => linkRequest({ label: 'A', mount: '/a.mp3', lifetime: '30m', players: '' }), { ok: true, request: { mount: '/a.mp3', label: 'A', ttlSeconds: 1800, maxListeners: null } }],
  ['the first bad field is named', () => linkRequest({ label: 'A', mount: 'x', lifetime: 'y', players: '' }), { ok: false, field: 'mount', error: '"x" is not a mount such as /live.mp3' }],
];
for (const [title, run, expected] of inputs) test(`input: ${title}`, (t) => t.deepEqual(run(), expected));

/** Keys into the form; returns the last step. */
function keys(form: LinkForm, ...names: string[]) {
  let step: ReturnType<typeof formKey> = { kind: 'edit', form };
  for (const name of names) {
    if (step.kind !== 'edit') break;
    step = formKey(step.form, name, name.length === 1 ? name : undefined);
  }
  return step;
}

test('the form: the selected mount and 7d are offered; typing, Tab, backspace, C-u; Enter sends', (t) => {
  const form = newLinkForm('/live.mp3');
  t.deepEqual(form.fields, { label: '', mount: '/live.mp3', lifetime: '7d', players: '' });
  const step = keys(form, 'R', 'o', 's', 'x', 'backspace', 'e', 'tab', 'tab', 'C-u', '2', 'h', 'S-tab', 'up', 'down', 'down', 'down', '5', 'enter');
  if (step.kind !== 'submit') return t.fail(step.kind);
  t.deepEqual(step.request, { mount: '/live.mp3', label: 'Rose', ttlSeconds: 7200, maxListeners: 5 });
  t.true(step.form.busy);
  // While sent, keys do nothing but Esc.
  t.deepEqual(formKey(step.form, 'x', 'x'), { kind: 'edit', form: step.form });
  t.deepEqual(formKey(step.form, 'escape', undefined), { kind: 'cancel' });
});

test('the form: a wrong field is focused with its error; control characters cannot be typed', (t) => {
  const step = keys(newLinkForm(null), '\x1b', 'enter');
  if (step.kind !== 'edit') return t.fail(step.kind);
  t.is(step.form.fields.label, '');
  t.is(step.form.focus, 'label');
  t.is(step.form.error, 'a link needs a label, e.g. "Grandma Rose"');
  const mount = keys(step.form, 'A', 'enter');
  if (mount.kind !== 'edit') return t.fail(mount.kind);
  t.is(mount.form.focus, 'mount');
  t.is(mount.form.error, '"" is not a mount such as /live.mp3');
});

test('the answer to a sent form: the link to show, or the form again with the refusal in words', (t) => {
  const sent: LinkForm = { ...newLinkForm('/backup.ogg'), fields: { label: 'A', mount: '/backup.ogg', lifetime: '7d', players: '' }, busy: true };
  t.deepEqual(formAnswer(sent, { ok: true, link: link() }), { kind: 'link-shown', link: link() });
  const refused = formAnswer(sent, { ok: false, error: { code: 'mount-not-token', message: '/backup.ogg has no auth: token' } });
  t.deepEqual(refused, { kind: 'link-form', form: { ...sent, busy: false, focus: 'mount', error: '/backup.ogg has no auth: token (this mount does not take links: set "auth: token" on it in gateway.yaml and reload)' } });
  const other = formAnswer(sent, { ok: false, error: { code: 'unreachable', message: 'the supervisor went away' } });
  t.is(other.kind === 'link-form' ? other.form.error : null, 'the supervisor went away');
});

test('form lines: the focused field marked with its hint, the error wrapped, everything within the width', (t) => {
  const lines = formLines({ ...newLinkForm('/live.mp3'), error: 'x '.repeat(40).trim() }, 40);
  t.deepEqual(lines.slice(0, 4), ['> Label          : _  (who it is for, e.g. Grandma Rose)', '  Mount          : /live.mp3', '  Lifetime       : 7d', '  Players at once: ']);
  t.true(lines.slice(5).every((l) => l.length <= 40));
  t.deepEqual(wrap('aaa bbb ccc', 7), ['aaa bbb', 'ccc']);
  t.deepEqual(wrap('abcdefghij', 4), ['abcd']);
  t.deepEqual(chunks('abcdefg', 3), ['abc', 'def', 'g']);
});

const overlaySizes: readonly (readonly [number, number, boolean])[] = [
  [100, 40, true],
  [200, 60, true],
  [80, 24, false],
  [40, 10, false],
  [50, 40, false],
];
for (const [width, height, drawn] of overlaySizes) {
  test(`the link overlay at ${width}x${height}: ${drawn ? 'the QR code decodes to the page' : 'the size it needs, no code'}`, (t) => {
    const shown = link({ pageUrl: `https://radio.example:8443/t/${'k'.repeat(125)}/` });
    const o = linkOverlay(shown, NOW, width, height);
    t.deepEqual(o.rect, { top: 0, left: 0, width, height });
    t.is(o.lines.length, height);
    for (const l of o.lines) t.is(l.text.length, width);
    const text = o.lines.map((l) => l.text).join('\n');
    t.true(o.lines.map((l) => l.text.trimEnd()).join('').includes(shown.pageUrl), 'the page URL, wrapped');
    t.is(o.lines.some((l) => l.emphasis === 'qr'), drawn);
    if (drawn) t.is(decodeQrText(qrLinesOf(text)), shown.pageUrl);
    else t.regex(o.lines.map((l) => l.text.trim()).join(' '), new RegExp(`The QR code needs a terminal of at least \\d+x\\d+ \\(this one is ${width}x${height}\\)`));
  });
}

test('the form overlay is centred and holds every field', (t) => {
  const o = formOverlay(newLinkForm('/live.mp3'), 80, 24);
  t.deepEqual(o.rect, { top: 8, left: 4, width: 72, height: 8 });
  t.is(o.lines[0]!.emphasis, 'focused-title');
  t.regex(o.lines.map((l) => l.text).join('\n'), /Label[\s\S]*Mount[\s\S]*Lifetime[\s\S]*Players at once/);
});

test('layout: the Links pane takes the slot of the standard and compact arrangements and the listeners\' place in the large one', (t) => {
  for (const [w, h] of [[80, 24], [60, 15], [120, 40]] as const) {
    const l = layout(w, h, 'links');
    if (l.kind !== 'panes') return t.fail();
    t.truthy(l.panes.links, `${w}x${h}`);
    t.is(l.panes.listeners, undefined);
    t.true(l.panes.links!.height >= 3);
  }
  t.deepEqual(PANES.slice(-2), ['links', 'users'], 'last in the Tab order, before the Users pane');
});

test('the dashboard: l focuses Links and polls them; Enter shows the selected link; any key closes it; n opens the form with the selected mount', async (t) => {
  let polled = 0;
  const page = { links: [link({ id: 'a' }), link({ id: 'b', label: 'Second' })] };
  const backend: Backend = {
    listeners: async (m) => listenersPage(m),
    logs: async (c) => logPage(c),
    kick: async () => ({ ok: true, message: '' }),
    killSource: async () => ({ ok: true, message: '' }),
    metadata: async () => ({ ok: true, message: '' }),
    restart: async () => ({ ok: true, message: '' }),
    ban: async () => ({ ok: true, message: '' }),
    unban: async () => ({ ok: true, message: '' }),
    reload: async () => ({ ok: true, message: '' }),
    links: async () => ((polled += 1), page),
    createLink: async () => ({ ok: true, link: link({ id: 'new' }) }),
    revokeLink: async () => ({ ok: true, message: 'revoked' }),
    listenerUsers: async () => ({ files: [] }),
    setListenerUser: async () => ({ ok: false, error: { code: 'bad-request', message: 'not in this test' } }),
    deleteListenerUser: async () => ({ ok: true, message: '' }),
  };
  const d = new Dashboard(backend, { readOnly: false, onChange: () => {} });
  d.resize(100, 40);
  d.setConnection({ state: 'connected' });
  d.setSnapshot(snapshot());
  d.key('down');
  d.key('l');
  t.is(d.focus, 'links');
  await eventually(() => d.linksPage !== null, 'the links polled once the pane is in view');
  t.true(polled > 0);
  t.deepEqual(d.linksPage, page);
  d.key('down');
  d.key('enter');
  t.like(d.mode, { kind: 'link-shown', link: { id: 'b' } });
  d.key('x', 'x');
  t.is(d.mode.kind, 'normal');
  d.key('n', 'n');
  t.like(d.mode, { kind: 'link-form', form: { fields: { mount: '/backup.ogg' } } });
  for (const ch of 'Rose') d.key(ch, ch);
  d.key('tab');
  d.key('C-u');
  for (const ch of '/live.mp3') d.key(ch, ch);
  d.key('enter');
  await eventually(() => d.mode.kind === 'link-shown', 'the link made');
  t.like(d.mode, { kind: 'link-shown', link: { id: 'new' } });
});
