import test from 'ava';
import { decide, type RawRequest } from '../../policies/decide.ts';
import { compilePolicy } from '../../policies/evaluate.ts';

const policy = compilePolicy();
const TOKEN = 'k1.eyJ9.AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA';

function run(fields: Partial<RawRequest>) {
  return decide(policy, { role: 'listener', method: 'GET', target: '/live.mp3', credentials: null, clientIp: '192.0.2.1', time: 0, ...fields });
}

test('the forwarded target is canonical, never the raw one', (t) => {
  t.is(run({ target: '/l%69ve.mp3?x=%41' }).forward, '/live.mp3?x=%41');
  t.is(run({ role: 'source', method: 'PUT', target: '/%6Cive.mp3' }).forward, '/live.mp3');
});

test('a signed-link path is judged and forwarded without its token', (t) => {
  const got = run({ target: `/t/${TOKEN}/live.mp3?icy=1` });
  t.like(got.decision, { kind: 'allow', route: 'stream', mount: '/live.mp3' });
  t.is(got.token, TOKEN);
  t.is(got.forward, '/live.mp3?icy=1');
  t.is(got.request?.credentials, 'token');
  t.is(got.request?.path, '/live.mp3');
});

test('signed links cover HLS playlists and segments of their mount', (t) => {
  for (const rest of ['/hls/live.mp3/index.m3u8', '/hls/live.mp3/seg-9.mp3']) {
    const got = run({ target: `/t/${TOKEN}${rest}` });
    t.like(got.decision, { kind: 'allow', route: 'hls', mount: '/live.mp3' });
    t.is(got.forward, rest);
  }
});

test('a signed link also opens the listening page, its files and the public status, mount-less', (t) => {
  for (const [rest, route] of [['/', 'page'], ['/assets/page.js', 'page'], ['/status-json.xsl', 'status'], ['/api/v1/status', 'status']] as const) {
    const got = run({ target: `/t/${TOKEN}${rest}` });
    t.like(got.decision, { kind: 'allow', route, mount: null }, rest);
    t.is(got.token, TOKEN);
    t.is(got.forward, rest);
  }
  t.like(run({ target: `/t/${TOKEN}` }).decision, { kind: 'deny', code: 'GW_NOT_FOUND' });
});

test('a token prefix does not open the admin interface', (t) => {
  t.like(run({ target: `/t/${TOKEN}/admin/stats` }).decision, { kind: 'deny', code: 'GW_WRONG_PORT' });
  t.like(run({ target: `/t/${TOKEN}/%61dmin/stats` }).decision, { kind: 'deny', code: 'GW_WRONG_PORT' });
  t.like(run({ target: `/t/${TOKEN}/admin%2fstats` }).decision, { kind: 'deny', code: 'GW_BAD_TARGET' });
});

test('only listener ports read a token prefix', (t) => {
  const got = run({ role: 'source', method: 'PUT', target: `/t/${TOKEN}/live.mp3` });
  t.like(got.decision, { kind: 'allow', route: 'source', mount: `/t/${TOKEN}/live.mp3` });
  t.is(got.token, null);
});

test('a refused target yields no request and nothing to forward', (t) => {
  t.deepEqual(run({ target: 'http://h/live.mp3' }), {
    decision: { kind: 'deny', status: 400, code: 'GW_BAD_TARGET', reason: 'the target is not in origin-form (absolute-form and authority-form are refused)' },
    request: null,
    forward: null,
    token: null,
  });
});

test('OPTIONS * on the listener port is refused, not forwarded', (t) => {
  t.like(run({ method: 'OPTIONS', target: '*' }), { decision: { kind: 'deny', code: 'GW_BAD_TARGET' }, forward: null });
});

test('credentials presence is passed through for the limiter', (t) => {
  t.is(run({ role: 'admin', target: '/admin/stats', credentials: 'basic' }).request?.credentials, 'basic');
  t.is(run({}).request?.credentials, null);
});
