// Every method and path-encoding bypass of docs/gateway-security.md#path-canonicalisation and #request-smuggling, on every port role.
// Expected outcomes are an allowed route ("allow stream") or the refusal's error code.
import test from 'ava';
import { decide } from '../../policies/decide.ts';
import { compilePolicy } from '../../policies/evaluate.ts';
import type { PortRole } from '../../policies/types.ts';

const policy = compilePolicy();

type Outcome = string;
type Row = readonly [method: string, target: string, source: Outcome, listener: Outcome, admin: Outcome];

const decides = test.macro({
  exec(t, role: PortRole, method: string, target: string, expected: Outcome) {
    const { decision, forward } = decide(policy, { role, method, target, credentials: null, clientIp: '192.0.2.7', time: 0 });
    const got = decision.kind === 'allow' ? `allow ${decision.route}` : decision.code;
    t.is(got, expected, decision.kind === 'deny' ? decision.reason : `forward ${forward}`);
    if (decision.kind === 'deny') t.is(forward, null);
  },
  title: (invariant = '', role: PortRole, method: string, target: string, expected: Outcome) =>
    `${invariant}: ${method} ${target} on the ${role} port → ${expected}`,
});

function table(invariant: string, rows: readonly Row[]): void {
  for (const [method, target, source, listener, admin] of rows) {
    test(invariant, decides, 'source', method, target, source);
    test(invariant, decides, 'listener', method, target, listener);
    test(invariant, decides, 'admin', method, target, admin);
  }
}

const WRONG = 'GW_WRONG_PORT';
const BAD = 'GW_BAD_TARGET';
const METHOD = 'GW_METHOD_NOT_ALLOWED';
const NONE = 'GW_NOT_FOUND';

table('the admin interface is reached only on the admin port, decoded once', [
  ['GET', '/admin/stats', WRONG, WRONG, 'allow admin'],
  ['GET', '/admin/', WRONG, WRONG, 'allow admin'],
  ['GET', '/%61dmin/stats', WRONG, WRONG, 'allow admin'],
  ['GET', '/%61dmin/', WRONG, WRONG, 'allow admin'],
  ['GET', '/admin/killsource?mount=/live.mp3', WRONG, WRONG, 'allow admin'],
  ['GET', '/admin/listclients?mount=/live.mp3', WRONG, WRONG, 'allow admin'],
  ['GET', '/admin/!POKE', WRONG, WRONG, 'allow admin'],
  ['GET', '/api/v1/mounts', WRONG, WRONG, 'allow admin'],
  ['GET', '/api/v1/mounts/live.mp3/listeners', WRONG, WRONG, 'allow admin'],
]);

table('other spellings of admin are admin-like: refused everywhere, never a mount', [
  ['GET', '/ADMIN/stats', WRONG, WRONG, NONE],
  ['GET', '/ADMIN/', WRONG, WRONG, NONE],
  ['GET', '/Admin/', WRONG, WRONG, NONE],
  ['GET', '/%41DMIN/', WRONG, WRONG, NONE],
  ['GET', '/admin;x/stats', WRONG, WRONG, NONE],
  ['GET', '/admin;/stats', WRONG, WRONG, NONE],
  ['GET', '/admin', WRONG, WRONG, NONE],
  ['GET', '/api/v2/anything', WRONG, WRONG, NONE],
]);

table('double encoding is decoded once and never reaches upstream as admin', [
  ['GET', '/%2561dmin/stats', NONE, NONE, NONE],
  ['GET', '/%2561dmin/', NONE, NONE, NONE],
]);

table('encoded separators, empty and dot segments, backslashes and NUL are refused', [
  ['GET', '/admin%2fstats', BAD, BAD, BAD],
  ['GET', '/admin%2Fstats', BAD, BAD, BAD],
  ['GET', '/live%2f..%2fadmin/stats', BAD, BAD, BAD],
  ['GET', '//admin/stats', BAD, BAD, BAD],
  ['GET', '//admin/', BAD, BAD, BAD],
  ['GET', '/\\admin/', BAD, BAD, BAD],
  ['GET', '/\\admin', BAD, BAD, BAD],
  ['GET', '/%5cadmin/', BAD, BAD, BAD],
  ['GET', '/%5Cadmin/', BAD, BAD, BAD],
  ['GET', '/./admin/stats', BAD, BAD, BAD],
  ['GET', '/./admin/', BAD, BAD, BAD],
  ['GET', '/x/../admin/', BAD, BAD, BAD],
  ['GET', '/admin/../admin/stats', BAD, BAD, BAD],
  ['GET', '/%2e%2e/admin/stats', BAD, BAD, BAD],
  ['GET', '/%2e%2e/admin/', BAD, BAD, BAD],
  ['GET', '/.%2e/admin/', BAD, BAD, BAD],
  ['GET', '/admin%00/stats', BAD, BAD, BAD],
  ['GET', '/live.mp3%0d%0aX-Injected:%201', BAD, BAD, BAD],
]);

table('only origin-form targets are accepted', [
  ['GET', 'http://upstream/admin/stats', BAD, BAD, BAD],
  ['GET', 'http://h/admin/stats', BAD, BAD, BAD],
  ['GET', 'https://h/live.mp3', BAD, BAD, BAD],
  ['CONNECT', 'upstream:8000', BAD, BAD, BAD],
  ['GET', '*', BAD, BAD, BAD],
  ['OPTIONS', '*', METHOD, BAD, METHOD],
  ['GET', '/live.mp3#frag', BAD, BAD, BAD],
]);

table('SHOUTcast /admin.cgi is off by default and never served to listeners', [
  ['GET', '/admin.cgi?pass=hackme&mode=updinfo&song=x', NONE, WRONG, WRONG],
  ['GET', '/%61dmin.cgi?pass=hackme&mode=updinfo&song=x', NONE, WRONG, WRONG],
  ['GET', '/ADMIN.CGI?pass=hackme', WRONG, WRONG, NONE],
]);

table('the source port forwards /admin/metadata for a named mount, nothing else of admin', [
  ['GET', '/admin/metadata?mount=/live.mp3&mode=updinfo&song=x', 'allow metadata', WRONG, 'allow admin'],
  ['GET', '/admin/metadata?mode=updinfo&song=x', BAD, WRONG, 'allow admin'],
  ['GET', '/admin/metadata?mount=%2Flive.mp3&mode=updinfo', 'allow metadata', WRONG, 'allow admin'],
  ['HEAD', '/admin/metadata?mount=/live.mp3', METHOD, WRONG, METHOD],
  ['GET', '/admin/METADATA?mount=/live.mp3', WRONG, WRONG, 'allow admin'],
]);

table('templates and version pages are hidden; only /status-json.xsl is public', [
  ['GET', '/status.xsl', WRONG, WRONG, WRONG],
  ['GET', '/server_version.xsl', WRONG, WRONG, WRONG],
  ['GET', '/admin/stats.xsl', WRONG, WRONG, 'allow admin'],
  ['GET', '/STATUS-JSON.XSL', WRONG, WRONG, WRONG],
  ['GET', '/status-json.xsl', WRONG, 'allow status', WRONG],
  ['GET', '/api/v1/status', WRONG, 'allow status', WRONG],
]);

table('metrics are served on the admin port only, canonical spelling', [
  ['GET', '/metrics', WRONG, WRONG, 'allow metrics'],
  ['GET', '/METRICS', WRONG, WRONG, NONE],
  ['GET', '/metrics/x', WRONG, WRONG, NONE],
  ['HEAD', '/metrics', METHOD, WRONG, METHOD],
]);

table('listener ports serve mounts, playlists, HLS, the page and public status', [
  ['GET', '/live.mp3', WRONG, 'allow stream', WRONG],
  ['HEAD', '/live.mp3', METHOD, 'allow stream', METHOD],
  ['OPTIONS', '/live.mp3', METHOD, 'allow stream', METHOD],
  ['GET', '/l%69ve.mp3', WRONG, 'allow stream', WRONG],
  ['GET', '/live.mp3.m3u', WRONG, 'allow playlist', WRONG],
  ['GET', '/live.mp3.pls', WRONG, 'allow playlist', WRONG],
  ['GET', '/live.mp3.xspf', WRONG, 'allow playlist', WRONG],
  ['GET', '/hls/live.mp3/index.m3u8', WRONG, 'allow hls', WRONG],
  ['GET', '/hls/live.mp3/seg-000123.mp3', WRONG, 'allow hls', WRONG],
  ['GET', '/hls/live.aac/seg1.aac', WRONG, 'allow hls', WRONG],
  ['GET', '/', WRONG, 'allow page', WRONG],
  ['GET', '/live.m3u8', NONE, NONE, NONE],
  ['GET', '/hls/live.mp3/../x.m3u8', BAD, BAD, BAD],
  ['GET', '/hls/live.mp3/seg.exe', NONE, NONE, NONE],
  ['GET', '/caf%C3%A9.mp3', NONE, NONE, NONE],
]);

table('PUT and SOURCE reach a mount on the source port only, in any letter case', [
  ['PUT', '/live.mp3', 'allow source', METHOD, METHOD],
  ['SOURCE', '/live.mp3', 'allow source', METHOD, METHOD],
  ['put', '/live.mp3', 'allow source', METHOD, METHOD],
  ['source', '/live.mp3', 'allow source', METHOD, METHOD],
  ['Put', '/live.mp3', 'allow source', METHOD, METHOD],
  ['SOURCE', '/live.ogg', 'allow source', METHOD, METHOD],
  ['PUT', '/%6Cive.mp3', 'allow source', METHOD, METHOD],
]);

table('a source push names a mount, never an admin path, playlist or page', [
  ['PUT', '/admin/stats', WRONG, METHOD, METHOD],
  ['SOURCE', '/admin/metadata', WRONG, METHOD, METHOD],
  ['PUT', '/%61dmin/stats', WRONG, METHOD, METHOD],
  ['PUT', '/ADMIN/stats', WRONG, METHOD, METHOD],
  ['PUT', '/admin.cgi', WRONG, METHOD, METHOD],
  ['PUT', '/live.mp3.m3u', WRONG, METHOD, METHOD],
  ['PUT', '/hls/live.mp3/index.m3u8', WRONG, METHOD, METHOD],
  ['PUT', '/status-json.xsl', WRONG, METHOD, METHOD],
  ['PUT', '/metrics', WRONG, METHOD, METHOD],
  ['PUT', '/', WRONG, METHOD, METHOD],
  ['PUT', '/%2561dmin/stats', NONE, METHOD, METHOD],
  ['PUT', '/admin%2fstats', BAD, BAD, BAD],
]);

table('every other method is refused on every port', [
  ['STREAM', '/live.mp3', METHOD, METHOD, METHOD],
  ['STATS', '/live.mp3', METHOD, METHOD, METHOD],
  ['PLAY', '/live.mp3', METHOD, METHOD, METHOD],
  ['TRACE', '/live.mp3', METHOD, METHOD, METHOD],
  ['TRACK', '/live.mp3', METHOD, METHOD, METHOD],
  ['CONNECT', '/live.mp3', METHOD, METHOD, METHOD],
  ['POST', '/live.mp3', METHOD, METHOD, METHOD],
  ['POST', '/admin/stats', METHOD, METHOD, METHOD],
  ['DELETE', '/live.mp3', METHOD, METHOD, METHOD],
  ['PATCH', '/live.mp3', METHOD, METHOD, METHOD],
  ['get', '/live.mp3', METHOD, METHOD, METHOD],
  ['Get', '/admin/stats', METHOD, METHOD, METHOD],
  ['head', '/live.mp3', METHOD, METHOD, METHOD],
  ['options', '/live.mp3', METHOD, METHOD, METHOD],
  ['STATS', '/admin/stats', METHOD, METHOD, METHOD],
]);
