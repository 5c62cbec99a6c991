// Icecast's stats tree and the /status-json.xsl rendering of it, quirks included (docs/icecast-compatibility.md#public-json-status).
import test from 'ava';
import { globalStats, iceStats, icecastIsoTime, icecastTime, sourceFields, type ServerInfo } from '../../relay/status/icestats.ts';
import { jsonValue, statusJson } from '../../relay/status/status-json.ts';
import { statusHtml } from '../../relay/status/status-html.ts';
import type { MountStats } from '../../stream/types.ts';
import { liveMountStats } from '../helpers/mount-stats.ts';

const START = Date.UTC(2026, 10, 20, 22, 22, 7);
const SERVER: ServerInfo = { hostname: 'radio.example', location: 'Testlab', admin: 'ops@example.org', startedAt: START };
const url = (m: string): string => `https://radio.example${m}`;

const mount = (name: string, over: Partial<MountStats> = {}): MountStats =>
  liveMountStats(name, {
    description: { name: 'Test Radio', description: 'A test', genre: 'Rock', extra: {} },
    streamStart: Date.UTC(2026, 10, 20, 22, 22, 28),
    listeners: 1,
    listenerPeak: 2,
    bytesRead: 237568,
    bytesSent: 234298,
    ...over,
  });

test('Icecast time formats, in UTC', (t) => {
  t.is(icecastTime(START), 'Fri, 20 Nov 2026 22:22:07 +0000');
  t.is(icecastIsoTime(START), '2026-11-20T22:22:07+0000');
  t.is(icecastTime(Date.UTC(2027, 0, 3, 4, 5, 6)), 'Sun, 03 Jan 2027 04:05:06 +0000');
});

const values = test.macro({
  exec(t, text: string, json: string) {
    t.is(jsonValue(text), json);
  },
  title: (_, text: string, json: string) => `${JSON.stringify(text)} → ${json}`,
});

test(values, '128', '128');
test(values, '0', '0');
test(values, '-3', '-3');
test(values, '1.5', '1.5');
test(values, '128.', '128');
test(values, '.5', '0.5');
test(values, '0.5', '"0.5"');
test(values, '007', '"007"');
test(values, '12345678901234567890', '12345678901234567890');
test(values, '1e3', '"1e3"');
test(values, '+5', '"+5"');
test(values, 'TRUE', 'true');
test(values, 'False', 'false');
test(values, '', 'null');
test(values, 'Artist "X" \\ y\n', '"Artist \\"X\\" \\\\ y\\n"');

test('source fields: Icecast names, byte order, defaults for what the source did not say', (t) => {
  const fields = sourceFields(
    mount('/m', {
      description: { audioInfo: 'ice-samplerate=44100;ice-bitrate=128;bad name=1;ice-channels=2', bitrate: 128, extra: {} },
      title: 'Artist - Title',
      audioInfo: { samplerate: 44100, channels: 2 },
    }),
    url('/m'),
  );
  t.deepEqual(
    fields.map(([k]) => k),
    [
      'audio_channels', 'audio_info', 'audio_samplerate', 'bitrate', 'genre', 'ice-bitrate', 'ice-channels', 'ice-samplerate',
      'listener_peak', 'listeners', 'listenurl', 'max_listeners', 'public', 'server_description', 'server_name', 'server_type',
      'slow_listeners', 'source_ip', 'stream_start', 'stream_start_iso8601', 'title', 'total_bytes_read', 'total_bytes_sent', 'user_agent',
    ],
  );
  const f = new Map(fields);
  t.is(f.get('bitrate'), '128');
  t.is(f.get('genre'), 'various');
  t.is(f.get('server_name'), 'Unspecified name');
  t.is(f.get('server_description'), 'Unspecified description');
  t.is(f.get('max_listeners'), 'unlimited');
  t.is(f.get('listenurl'), 'https://radio.example/m');
  t.is(f.get('stream_start_iso8601'), '2026-11-20T22:22:28+0000');
});

test('global fields', (t) => {
  const g = new Map(globalStats(SERVER, [mount('/a'), mount('/b', { live: false, listeners: 3 })]));
  t.is(g.get('server_id'), 'Icecast 2.4.4');
  t.is(g.get('host'), 'radio.example');
  t.is(g.get('sources'), '1');
  t.is(g.get('listeners'), '4');
  t.is(g.get('server_start'), 'Fri, 20 Nov 2026 22:22:07 +0000');
});

const publicTree = (mounts: MountStats[]) => iceStats(SERVER, mounts, { includeHidden: false, listenUrl: url });
const GLOBAL =
  '"admin":"ops@example.org","host":"radio.example","location":"Testlab","server_id":"Icecast 2.4.4",' +
  '"server_start":"Fri, 20 Nov 2026 22:22:07 +0000","server_start_iso8601":"2026-11-20T22:22:07+0000"';
const SOURCE_M =
  '{"genre":"Rock","listener_peak":2,"listeners":1,"listenurl":"https://radio.example/m","server_description":"A test",' +
  '"server_name":"Test Radio","server_type":"audio/mpeg","stream_start":"Fri, 20 Nov 2026 22:22:28 +0000",' +
  '"stream_start_iso8601":"2026-11-20T22:22:28+0000","dummy":null}';

test('no source: no "source" key, and icestats ends with the dummy as in Icecast', (t) => {
  t.is(statusJson(publicTree([])), `{"icestats":{${GLOBAL},"dummy":null}}`);
  t.is(statusJson(publicTree([mount('/off', { live: false })])), `{"icestats":{${GLOBAL},"dummy":null}}`);
});

test('one source: an object ending in "dummy":null, hidden fields gone', (t) => {
  const json = statusJson(publicTree([mount('/m')]));
  t.is(json, `{"icestats":{${GLOBAL},"source":${SOURCE_M}}}`);
  t.false(JSON.parse(json).icestats.source instanceof Array);
});

test('two sources: an array, in byte order of mount names', (t) => {
  const json = statusJson(publicTree([mount('/z', { title: 'Z' }), mount('/m')]));
  const source = JSON.parse(json).icestats.source;
  t.true(Array.isArray(source));
  t.deepEqual(source.map((s: { listenurl: string }) => s.listenurl), ['https://radio.example/m', 'https://radio.example/z']);
  t.is(source[1].title, 'Z');
});

test('a hidden mount is left out; with one other source that one is an object', (t) => {
  const json = JSON.parse(statusJson(publicTree([mount('/m'), mount('/secret', { hidden: true })])));
  t.is(json.icestats.source.listenurl, 'https://radio.example/m');
  t.false(JSON.stringify(json).includes('secret'));
});

test('public fields never include source IPs, user agents, counters or limits', (t) => {
  const json = statusJson(publicTree([mount('/m'), mount('/n')]));
  for (const hidden of ['source_ip', 'user_agent', 'total_bytes', 'slow_listeners', 'max_listeners', '"public"', '"sources"', '"clients"', '"listeners":4']) {
    t.false(json.includes(hidden), hidden);
  }
});

test('the admin tree keeps hidden mounts and can be narrowed to one', (t) => {
  const all = iceStats(SERVER, [mount('/m'), mount('/secret', { hidden: true })], { includeHidden: true, listenUrl: url });
  t.deepEqual(all.sources.map((s) => s.mount), ['/m', '/secret']);
  const one = iceStats(SERVER, [mount('/m'), mount('/secret', { hidden: true })], { includeHidden: true, mount: '/secret', listenUrl: url });
  t.deepEqual(one.sources.map((s) => s.mount), ['/secret']);
});

test('status.xsl escapes what sources and titles say', (t) => {
  const html = statusHtml(publicTree([mount('/m', { title: '<script>alert(1)</script>', description: { name: 'A & B', extra: {} } })]));
  t.true(html.includes('&lt;script&gt;alert(1)&lt;/script&gt;'));
  t.true(html.includes('A &amp; B'));
  t.false(html.includes('<script>'));
  t.true(html.includes('Mount Point /m'));
  t.true(statusHtml(publicTree([])).includes('No mount is live.'));
});
