// The pure parts of links, table-driven: what a POST /v1/links body may hold (labels above all:
// HTML stored as given, control characters and terminal escapes refused), the public address a
// link's URLs use, the links file's parser, and which records are kept.
import test from 'ava';
import { parseConfigText } from '../../config/load.ts';
import type { Config } from '../../config/schema.ts';
import { LinkStoreError, parseLinkStore, renderLinkStore, type LinkRecord } from '../../contracts/link-store.ts';
import { ControlError } from '../../supervisor/errors.ts';
import { labelProblem, parseLinkRequest } from '../../supervisor/links/request.ts';
import { later, linkView, newestFirst, publicOrigin, withoutStale } from '../../supervisor/links/view.ts';

const labels: [string, string, string | null][] = [
  ['a name', 'Grandma Rose', null],
  ['HTML, stored as given', '<script>alert(1)</script> & "quotes"', null],
  ['emoji and accents', 'Chœur 🎶 Zoë', null],
  ['80 characters, one of them astral', `${'x'.repeat(79)}🎶`, null],
  ['81 characters', 'x'.repeat(81), 'label must be at most 80 characters'],
  ['empty', '', 'label must not be empty'],
  ['blank, with a tab', ' \t ', 'label must not be empty'],
  ['spaces only', '   ', 'label must not be empty'],
  ['a CSI terminal escape', 'Rose\u001b[2J', 'label must not contain control characters'],
  ['an OSC terminal escape (title)', '\u001b]0;owned\u0007', 'label must not contain control characters'],
  ['an 8-bit CSI (C1)', 'Rose\u009b2J', 'label must not contain control characters'],
  ['a newline', 'Rose\nFAKE LOG LINE', 'label must not contain control characters'],
  ['a carriage return', 'Rose\rX', 'label must not contain control characters'],
  ['DEL', 'Rose\u007f', 'label must not contain control characters'],
  ['NUL', 'Rose\u0000', 'label must not contain control characters'],
  ['a line separator', 'Rose\u2028X', 'label must not contain control characters'],
  ['a lone surrogate', 'Rose\ud800', 'label must be valid Unicode text'],
];
for (const [what, label, problem] of labels) {
  test(`label: ${what}`, (t) => {
    t.is(labelProblem(label), problem);
  });
}

test('label: not a string', (t) => {
  t.is(labelProblem(42), 'label must be a string');
});

const ok = { mount: '/live.mp3', label: 'Choir members', ttlSeconds: 3600 };
const bodies: [string, Record<string, unknown>, string | null][] = [
  ['the smallest body', ok, null],
  ['with a limit', { ...ok, maxListeners: 3 }, null],
  ['with no limit', { ...ok, maxListeners: null }, null],
  ['the shortest lifetime', { ...ok, ttlSeconds: 60 }, null],
  ['the longest lifetime', { ...ok, ttlSeconds: 366 * 86400 }, null],
  ['a lifetime of 59 s', { ...ok, ttlSeconds: 59 }, 'ttlSeconds'],
  ['a lifetime over 366 days', { ...ok, ttlSeconds: 366 * 86400 + 1 }, 'ttlSeconds'],
  ['a lifetime as text', { ...ok, ttlSeconds: '3600' }, 'ttlSeconds'],
  ['no lifetime', { mount: '/live.mp3', label: 'x' }, 'ttlSeconds'],
  ['a mount without its slash', { ...ok, mount: 'live.mp3' }, 'mount'],
  ['the root as mount', { ...ok, mount: '/' }, 'mount'],
  ['no label', { mount: '/live.mp3', ttlSeconds: 3600 }, 'label'],
  ['a limit of 0', { ...ok, maxListeners: 0 }, 'maxListeners'],
  ['a limit of 10001', { ...ok, maxListeners: 10_001 }, 'maxListeners'],
  ['a fractional limit', { ...ok, maxListeners: 1.5 }, 'maxListeners'],
  ['an unknown field', { ...ok, id: 'mine' }, 'unknown field "id"'],
];
for (const [what, body, problem] of bodies) {
  test(`request: ${what}`, (t) => {
    if (problem === null) {
      t.deepEqual(parseLinkRequest(body), { maxListeners: null, ...body });
      return;
    }
    const error = t.throws(() => parseLinkRequest(body), { instanceOf: ControlError });
    t.is(error?.code, 'bad-request');
    t.true(error?.message.includes(problem), error?.message);
  });
}

function config(yaml: string): Config {
  const r = parseConfigText(yaml, 'gateway.yaml', '/srv/icegate');
  if (!r.ok) throw new Error('config');
  return r.config;
}

const origins: [string, string, number | null, string][] = [
  ['relay.hostname and the bound port', 'relay: {hostname: radio.example}\n', 9443, 'https://radio.example:9443'],
  ['the configured port before the gateway is ready', 'relay: {hostname: radio.example}\n', null, 'https://radio.example:8443'],
  ['443 is left out', 'relay: {hostname: radio.example}\n', 443, 'https://radio.example'],
  ['localhost: the machine name', '{}\n', 8443, 'https://studio-pc:8443'],
  ['the ACME domain first', "relay: {hostname: radio.example}\ngateway: {tls: {acme: {domains: [listen.example], email: op@radio.example}}}\n", 8443, 'https://listen.example:8443'],
  ['an IPv6 literal is bracketed', "relay: {hostname: '2001:db8::1'}\n", 8443, 'https://[2001:db8::1]:8443'],
];
for (const [what, yaml, port, origin] of origins) {
  test(`public origin: ${what}`, (t) => {
    t.is(publicOrigin(config(yaml), port, 'studio-pc'), origin);
  });
}

const record = (id: string, createdAt: string, expiresAt: string, extra: Partial<LinkRecord> = {}): LinkRecord => ({
  id: id.padEnd(22, 'A'),
  label: 'L',
  mount: '/live.mp3',
  token: 'k.claims.mac',
  createdAt,
  expiresAt,
  maxListeners: null,
  revoked: false,
  lastUsedAt: null,
  ...extra,
});

test('the links file: what render writes, parse reads back', (t) => {
  const links = [record('a', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z', { revoked: true, lastUsedAt: '2026-12-01T10:00:00.000Z', maxListeners: 2 })];
  t.deepEqual(parseLinkStore(renderLinkStore(links), 'links.json'), links);
});

const corrupt: [string, string, RegExp][] = [
  ['not JSON', '{', /^links\.json: not JSON/],
  ['no version', '{"links": []}', /^links\.json: version: /],
  ['a bad id', JSON.stringify({ version: 1, links: [{ ...record('a', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'), id: 'short' }] }), /^links\.json: links\.0\.id: /],
  ['an empty label', JSON.stringify({ version: 1, links: [{ ...record('a', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'), label: '' }] }), /^links\.json: links\.0\.label: /],
  ['an id twice', JSON.stringify({ version: 1, links: [record('a', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z'), record('a', '2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z')] }), /appears twice/],
];
for (const [what, text, message] of corrupt) {
  test(`the links file refused: ${what}`, (t) => {
    t.throws(() => parseLinkStore(text, 'links.json'), { instanceOf: LinkStoreError, message });
  });
}

test('kept: links until a week past their expiry; listed newest first', (t) => {
  const now = Date.parse('2026-12-10T00:00:00.000Z');
  const links = [
    record('old', '2026-11-01T00:00:00.000Z', '2026-12-02T23:59:59.000Z'),
    record('recent', '2026-12-01T00:00:00.000Z', '2026-12-03T00:00:01.000Z'),
    record('new', '2026-12-09T00:00:00.000Z', '2026-12-11T00:00:00.000Z'),
  ];
  t.deepEqual(withoutStale(links, now).map((l) => l.id.replace(/A+$/, '')), ['recent', 'new']);
  t.deepEqual(newestFirst(links).map((l) => l.id.replace(/A+$/, '')), ['new', 'recent', 'old']);
  // Made in the same millisecond: the later made is listed first, whatever the ids.
  const together = [record('zz', '2026-12-09T00:00:00.000Z', '2026-12-11T00:00:00.000Z'), record('aa', '2026-12-09T00:00:00.000Z', '2026-12-11T00:00:00.000Z')];
  t.deepEqual(newestFirst(together).map((l) => l.id.replace(/A+$/, '')), ['aa', 'zz']);
  t.deepEqual(newestFirst([...together].reverse()).map((l) => l.id.replace(/A+$/, '')), ['zz', 'aa']);
  const view = linkView(links[2]!, 'https://radio.example:8443', 3, now);
  t.like(view, { url: 'https://radio.example:8443/t/k.claims.mac/live.mp3', pageUrl: 'https://radio.example:8443/t/k.claims.mac/', expired: false, listeners: 3 });
  t.true(linkView(links[0]!, 'https://x', 0, now).expired);
});

const laters: [string | null, string | null, string | null][] = [
  [null, null, null],
  ['2026-12-01T00:00:00.000Z', null, '2026-12-01T00:00:00.000Z'],
  [null, '2026-12-01T00:00:00.000Z', '2026-12-01T00:00:00.000Z'],
  ['2026-12-01T00:00:00.000Z', '2026-12-02T00:00:00.000Z', '2026-12-02T00:00:00.000Z'],
  ['2026-12-03T00:00:00.000Z', '2026-12-02T00:00:00.000Z', '2026-12-03T00:00:00.000Z'],
];
test('last use: the later of the stored and the reported', (t) => {
  for (const [a, b, want] of laters) t.is(later(a, b), want);
});
