// The pure parts of silence on the server and of each source's figures, table by table: the
// report's grammar (contracts/source-stats.ts), what the agent makes of an answer and when it
// sends (agent/report-silence.ts), the relay's tracker (relay/source-tracker.ts), the reconnects
// across relay restarts and the control API's SourceView (supervisor/source-view.ts), and
// docs/api.md listing exactly the contract's fields.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { judge, SilenceReporter, type Outcome } from '../../agent/report-silence.ts';
import { parseAnswer, sendReport } from '../../agent/report-request.ts';
import net from 'node:net';
import type { StatusReport } from '../../agent/status.ts';
import type { SourceView } from '../../contracts/control-api.ts';
import { parseSourceLink } from '../../contracts/source-link.ts';
import { parseSilenceReport, silenceQuery, type SilenceReport } from '../../contracts/source-stats.ts';
import { measuredKbps, SourceTracker } from '../../relay/source-tracker.ts';
import { MountRegistry } from '../../stream/mount-registry.ts';
import { SourceReconnects, sourceView } from '../../supervisor/source-view.ts';
import { FakeClock } from '../helpers/fake-clock.ts';
import { liveMountStats, idleMountStats } from '../helpers/mount-stats.ts';
import { relayConfig } from '../helpers/relay.ts';

const reports: Array<[string, SilenceReport]> = [
  ['silent=1', { ok: true, silent: true, forSeconds: 0 }],
  ['silent=1&for=42', { ok: true, silent: true, forSeconds: 42 }],
  ['silent=0', { ok: true, silent: false, forSeconds: 0 }],
  ['silent=1&for=31536000', { ok: true, silent: true, forSeconds: 31_536_000 }],
  ['', { ok: false, problem: 'silent= must be given once, as 1 or 0' }],
  ['silent=yes', { ok: false, problem: 'silent= must be given once, as 1 or 0' }],
  ['silent=1&silent=0', { ok: false, problem: 'silent= must be given once, as 1 or 0' }],
  ['silent=0&for=3', { ok: false, problem: 'for= goes with silent=1 only' }],
  ['silent=1&for=-3', { ok: false, problem: 'for= must be whole seconds, 0 to 31536000' }],
  ['silent=1&for=1.5', { ok: false, problem: 'for= must be whole seconds, 0 to 31536000' }],
  ['silent=1&for=31536001', { ok: false, problem: 'for= must be whole seconds, 0 to 31536000' }],
  ['silent=1&for=1&for=2', { ok: false, problem: 'for= may be given once' }],
];
for (const [query, expected] of reports) {
  test(`silence report ${JSON.stringify(query)}`, (t) => t.deepEqual(parseSilenceReport(new URLSearchParams(query)), expected));
}

test('the agent\'s query encodes the mount and whole seconds, and reads back as sent', (t) => {
  t.is(silenceQuery('/live.mp3', true, 42.9), 'mount=%2Flive.mp3&mode=silence&silent=1&for=42');
  t.is(silenceQuery('/a b.mp3', false, 99), 'mount=%2Fa+b.mp3&mode=silence&silent=0');
  t.deepEqual(parseSilenceReport(new URLSearchParams(silenceQuery('/x', true, 7))), { ok: true, silent: true, forSeconds: 7 });
});

const xml = (message: string, ok: 0 | 1): string => `<?xml version="1.0"?>\n<iceresponse><message>${message}</message><return>${ok}</return></iceresponse>\n`;
const answers: Array<[string, Parameters<typeof judge>[0], Outcome]> = [
  ['recorded', { ok: true, status: 200, body: xml('Silence recorded', 1) }, 'recorded'],
  ['a real Icecast: No such action', { ok: true, status: 200, body: xml('No such action', 0) }, 'unsupported'],
  ['wrong credentials', { ok: true, status: 401, body: 'You need to authenticate\r\n' }, 'refused'],
  ['no live source', { ok: true, status: 400, body: 'Source is not available' }, 'refused'],
  ['a listener port', { ok: true, status: 403, body: 'Forbidden' }, 'refused'],
  ['the relay is down', { ok: true, status: 502, body: '' }, 'failed'],
  ['no connection', { ok: false, message: 'connect ECONNREFUSED' }, 'failed'],
];
for (const [what, answer, outcome] of answers) {
  test(`an answer: ${what} → ${outcome}`, (t) => t.is(judge(answer).outcome, outcome));
}

test('parseAnswer reads the status and the body, and refuses what is not HTTP', (t) => {
  t.deepEqual(parseAnswer(Buffer.from('HTTP/1.0 200 OK\r\nX: y\r\n\r\nbody')), { status: 200, body: 'body' });
  t.deepEqual(parseAnswer(Buffer.from('HTTP/1.1 401 Authentication Required\r\n')), { status: 401, body: '' });
  t.is(parseAnswer(Buffer.from('SSH-2.0-OpenSSH\r\n')), null);
});

const LINK = parseSourceLink('icegate+tls://studio:pw@127.0.0.1:8001/live.mp3');
const status = (state: StatusReport['state'], silent: boolean): StatusReport => ({
  state,
  silent,
  peakDbfs: null,
  peakDbfsPerChannel: null,
  rmsDbfsPerChannel: null,
  reconnects: 0,
  kbps: 0,
  uptime: 0,
  droppedBytes: 0,
  reason: null,
  mount: '/live.mp3',
});

function reporter(answer: Parameters<typeof judge>[0] = { ok: true, status: 200, body: xml('ok', 1) }) {
  let now = 100_000;
  const sent: string[] = [];
  const logs: string[] = [];
  const waiting: Array<() => void> = [];
  const r = new SilenceReporter({
    link: LINK,
    userAgent: 'test',
    afterMs: 2000,
    now: () => now,
    log: (l) => logs.push(l),
    refreshMs: 3_600_000,
    send: async (target) => {
      sent.push(target.replace('/admin/metadata?mount=%2Flive.mp3&mode=silence&', ''));
      waiting.splice(0).forEach((w) => w());
      return answer;
    },
  });
  const settled = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));
  return { r, sent, logs, settled, tick: (ms: number) => (now += ms) };
}

test('the agent reports on going live, on each change while live, and nothing while not live', async (t) => {
  const { r, sent, settled, tick } = reporter();
  r.observe(status('connecting', false));
  r.observe(status('connecting', true));
  t.deepEqual(sent, [], 'nothing before live');
  r.observe(status('live', true));
  await settled();
  tick(5000);
  r.observe(status('live', true));
  r.observe(status('live', false));
  await settled();
  tick(1000);
  r.observe(status('live', true));
  await settled();
  r.observe(status('retrying', true));
  r.observe(status('retrying', false));
  await settled();
  r.stop();
  // Live while already silent: since = when the alarm was seen − afterMs (2 s).
  t.deepEqual(sent, ['silent=1&for=2', 'silent=0', 'silent=1&for=2']);
});

test('a server that does not take the report is asked once per connection and said once in the log', async (t) => {
  const { r, sent, logs, settled } = reporter({ ok: true, status: 200, body: xml('No such action', 0) });
  r.observe(status('live', false));
  await settled();
  r.observe(status('live', true));
  await settled();
  t.deepEqual(sent, ['silent=0']);
  t.is(logs.length, 1);
  t.regex(logs[0]!, /does not take silence reports \(No such action 0\)/);
  r.observe(status('retrying', true));
  r.observe(status('live', true));
  await settled();
  r.stop();
  t.deepEqual(sent, ['silent=0', 'silent=1&for=2'], 'asked again on the next connection');
});

test('measuredKbps: none before two seconds of samples, then bits over the span', (t) => {
  const cases: Array<[Array<{ at: number; bytes: number }>, { at: number; bytes: number }, number | null]> = [
    [[], { at: 0, bytes: 0 }, null],
    [[{ at: 0, bytes: 0 }], { at: 1999, bytes: 32_000 }, null],
    [[{ at: 0, bytes: 0 }], { at: 2000, bytes: 32_000 }, 128],
    [[{ at: 0, bytes: 100 }, { at: 2000, bytes: 16_100 }], { at: 10_000, bytes: 80_100 }, 64],
  ];
  for (const [samples, now, expected] of cases) t.is(measuredKbps(samples, now), expected, JSON.stringify({ samples, now }));
});

test('the relay\'s tracker: bytes in and rate per source, silence belongs to the source, starts count up', (t) => {
  const clock = new FakeClock(1_000_000);
  const registry = new MountRegistry(relayConfig(), clock);
  const tracker = new SourceTracker(registry, clock);
  const logged: Array<[string, boolean, number | null]> = [];
  tracker.on('silence', (...e) => logged.push(e));
  t.false(tracker.reportSilence('/live.mp3', true, 5), 'no source, nothing recorded');
  const admit = registry.admitSource('/live.mp3');
  if (!admit.ok) return t.fail(admit.code);
  const info = { contentType: 'audio/mpeg', ip: '192.0.2.1', userAgent: 'icegate-push/1', description: { extra: {} }, kind: 'source' as const };
  const first = admit.mount.attachSource(info);
  first.write(Buffer.alloc(4000));
  t.like(tracker.stats('/live.mp3'), { starts: 1, bytesIn: 4000, measuredKbps: null, silent: null, silentSince: null });
  for (let i = 0; i < 6; i++) {
    first.write(Buffer.alloc(16_000));
    clock.advance(2000);
  }
  t.is(tracker.stats('/live.mp3')!.measuredKbps, 64, '16000 bytes every 2 s over the last 10 s');
  t.true(tracker.reportSilence('/live.mp3', true, 30));
  t.like(tracker.stats('/live.mp3'), { silent: true, silentSince: clock.now() - 30_000 });
  for (const ms of [5000, 5000, 5000, 400]) {
    first.write(Buffer.alloc(100));
    clock.advance(ms);
  }
  t.true(tracker.reportSilence('/live.mp3', true, 45), 'the refresh, 45.4 s in, floored');
  t.like(tracker.stats('/live.mp3'), { silent: true, silentSince: clock.now() - 45_400 }, 'the time shown stays');
  t.true(tracker.reportSilence('/live.mp3', true, 600));
  t.like(tracker.stats('/live.mp3'), { silent: true, silentSince: clock.now() - 600_000 }, 'another silence replaces it');
  t.true(tracker.reportSilence('/live.mp3', false, 0));
  t.like(tracker.stats('/live.mp3'), { silent: false, silentSince: null });
  t.true(tracker.reportSilence('/live.mp3', true, 0));
  first.end('eof');
  t.is(tracker.stats('/live.mp3'), null);
  const again = registry.admitSource('/live.mp3');
  if (!again.ok) return t.fail(again.code);
  again.mount.attachSource(info).write(Buffer.alloc(10));
  t.like(tracker.stats('/live.mp3'), { starts: 2, bytesIn: 10, silent: null }, 'a new source starts unknown');
  t.deepEqual(Object.keys(tracker.snapshot().mounts), ['/live.mp3']);
  const at = clock.now();
  t.deepEqual(logged, [['/live.mp3', true, at - 15_400 - 30_000], ['/live.mp3', false, null], ['/live.mp3', true, at]], 'changes only, for the log');
  tracker.close();
});

test('reconnects: counted over relay processes, a restart adding all of the new one\'s sources', (t) => {
  const steps: Array<[string, Record<string, number>, Record<string, number>]> = [
    ['first relay, one source', { '/a': 1 }, { '/a': 0 }],
    ['polled again, nothing new', { '/a': 1 }, { '/a': 0 }],
    ['the encoder reconnected twice between polls', { '/a': 3 }, { '/a': 2 }],
    ['the relay restarted, the gateway handed the held source over', { '/a': 1 }, { '/a': 3 }],
    ['a second mount appears', { '/a': 1, '/b': 1 }, { '/a': 3, '/b': 0 }],
  ];
  const r = new SourceReconnects();
  let instance = 'relay-1';
  for (const [what, starts, expected] of steps) {
    if (what.startsWith('the relay restarted')) instance = 'relay-2';
    r.update({ instance, mounts: Object.fromEntries(Object.entries(starts).map(([m, n]) => [m, { starts: n, bytesIn: 0, measuredKbps: null, silent: null, silentSince: null }])) });
    for (const [mount, n] of Object.entries(expected)) t.is(r.of(mount), n, `${what}: ${mount}`);
  }
  r.update(null);
  t.is(r.of('/a'), 3, 'a relay that did not answer changes nothing');
  t.is(r.of('/never'), 0);
});

test('sourceView: null without a source; a file has no address; times in ISO 8601', (t) => {
  t.is(sourceView(idleMountStats('/idle.mp3'), null, 0), null);
  const live = liveMountStats('/live.mp3', { streamStart: Date.UTC(2026, 2, 1, 11, 30), description: { bitrate: 128, extra: {} }, audioInfo: { bitrate: 96 } });
  const stats = { starts: 1, bytesIn: 5, measuredKbps: 127, silent: true, silentSince: Date.UTC(2026, 2, 1, 11, 58) };
  t.deepEqual(sourceView(live, stats, 2), {
    kind: 'source',
    connectedAt: '2026-03-01T11:30:00.000Z',
    ip: '127.0.0.1',
    userAgent: 'Lavf/58.24.100',
    bytesIn: 5,
    measuredKbps: 127,
    declaredKbps: 128,
    reconnects: 2,
    silent: true,
    silentSince: '2026-03-01T11:58:00.000Z',
  });
  const file = sourceView(liveMountStats('/loop.mp3', { sourceKind: 'file', streamStart: 0, userAgent: '' }), null, 0)!;
  t.like(file, { kind: 'file', ip: null, userAgent: null, silent: null, declaredKbps: null, bytesIn: 0 });
});

test('docs/api.md lists exactly the fields of SourceView', (t) => {
  // A new field must be added here (the compiler checks) and to the docs (this test checks).
  const fields = { kind: 1, connectedAt: 1, ip: 1, userAgent: 1, bytesIn: 1, measuredKbps: 1, declaredKbps: 1, reconnects: 1, silent: 1, silentSince: 1 } satisfies Record<keyof SourceView, 1>;
  const doc = readFileSync(new URL('../../docs/api.md', import.meta.url), 'utf8');
  const section = doc.slice(doc.indexOf('### Sources'), doc.indexOf('\n### ', doc.indexOf('### Sources') + 1));
  const documented = [...section.matchAll(/^\| `(\w+)` \|/gm)].map((m) => m[1]);
  t.deepEqual(documented.sort(), Object.keys(fields).sort());
  const view = sourceView(liveMountStats('/m', { streamStart: 0 }), null, 0)!;
  t.deepEqual(Object.keys(view).sort(), Object.keys(fields).sort(), 'the supervisor fills every field');
});

test('stopping the agent ends a report in flight: a server that never answers does not keep the process alive', async (t) => {
  const sockets: net.Socket[] = [];
  const server = net.createServer((socket) => sockets.push(socket)).listen(0, '127.0.0.1');
  await new Promise((resolve) => server.once('listening', resolve));
  t.teardown(() => {
    for (const s of sockets) s.destroy();
    server.close();
  });
  const link = parseSourceLink(`icegate+tls://studio:pw@127.0.0.1:${(server.address() as net.AddressInfo).port}/live.mp3`);
  const abort = new AbortController();
  const pending = sendReport({ link, target: '/admin/metadata', userAgent: 'test', signal: abort.signal, timeoutMs: 600_000 });
  await new Promise<void>((resolve) => server.once('connection', () => resolve()));
  abort.abort();
  t.deepEqual(await pending, { ok: false, message: 'stopped' });
});
