import test from 'ava';
import { classify, targetOf, verbOf, type Target, type Verb } from '../../policies/classify.ts';

const verb = test.macro({
  exec(t, method: string, expected: Verb) {
    t.is(verbOf(method), expected);
  },
  title: (_t, method: string, expected: Verb) => `${method} is a ${expected} verb`,
});

for (const m of ['PUT', 'SOURCE', 'put', 'source', 'Put', 'SoUrCe']) test(verb, m, 'push');
for (const m of ['GET', 'HEAD']) test(verb, m, 'read');
test(verb, 'OPTIONS', 'options');
for (const m of ['get', 'Get', 'head', 'options', 'STREAM', 'STATS', 'PLAY', 'POST', 'TRACE', 'CONNECT', 'DELETE', '']) test(verb, m, 'other');

const target = test.macro({
  exec(t, path: string, expected: Target) {
    t.deepEqual(targetOf(path), expected);
  },
  title: (_t, path: string, expected: Target) => `${path} is ${expected.kind}`,
});

test(target, '/live.mp3', { kind: 'mount', mount: '/live.mp3' });
test(target, '/radio/one.ogg', { kind: 'mount', mount: '/radio/one.ogg' });
test(target, '/live.mp3.m3u', { kind: 'playlist', mount: '/live.mp3', format: 'm3u' });
test(target, '/live.pls', { kind: 'playlist', mount: '/live', format: 'pls' });
test(target, '/live.xspf', { kind: 'playlist', mount: '/live', format: 'xspf' });
test(target, '/.m3u', { kind: 'unknown', reason: 'the playlist does not name a mount' });
test(target, '/hls/live.mp3/index.m3u8', { kind: 'hls', mount: '/live.mp3', part: 'playlist' });
test(target, '/hls/radio/live.aac/s1.aac', { kind: 'hls', mount: '/radio/live.aac', part: 'segment' });
test(target, '/hls/index.m3u8', { kind: 'unknown', reason: 'not /hls<mount>/<playlist or segment>' });
test(target, '/HLS/live.mp3/index.m3u8', { kind: 'unknown', reason: 'not /hls<mount>/<playlist or segment>' });
test(target, '/live.m3u8', { kind: 'unknown', reason: 'HLS playlists live under /hls/' });
test(target, '/', { kind: 'page' });
test(target, '/status-json.xsl', { kind: 'status' });
test(target, '/api/v1/status', { kind: 'status' });
test(target, '/status.xsl', { kind: 'xsl' });
test(target, '/Status-Json.xsl', { kind: 'xsl' });
test(target, '/admin/metadata', { kind: 'metadata' });
test(target, '/admin.cgi', { kind: 'admin-cgi' });
test(target, '/admin/stats', { kind: 'admin', exact: true });
test(target, '/Admin/stats', { kind: 'admin', exact: false });
test(target, '/admin.xsl', { kind: 'admin', exact: false });
test(target, '/administrator.mp3', { kind: 'admin', exact: false });
test(target, '/api/v1/mounts', { kind: 'admin', exact: true });
test(target, '/api/v1/mounts/live.mp3/listeners', { kind: 'admin', exact: true });
test(target, '/api/v1/other', { kind: 'admin', exact: false });
test(target, '/metrics', { kind: 'metrics', exact: true });
test(target, '/Metrics', { kind: 'metrics', exact: false });
test(target, '*', { kind: 'asterisk' });
test(target, '/%61dmin/stats', { kind: 'unknown', reason: 'the path is not a mount name' });
test(target, '/live mp3', { kind: 'unknown', reason: 'the path is not a mount name' });

test('classify pairs the verb with the target', (t) => {
  t.deepEqual(classify('put', '/live.mp3'), { verb: 'push', target: { kind: 'mount', mount: '/live.mp3' } });
});
