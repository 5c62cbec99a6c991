import test from 'ava';
import { canonicalTarget, encodePath } from '../../policies/canonical.ts';

const forwards = test.macro({
  exec(t, target: string, path: string, forward: string) {
    const got = canonicalTarget('GET', target);
    if (got.kind !== 'ok') return t.fail(got.reason);
    t.is(got.path, path);
    t.is(got.forward, forward);
  },
  title: (_title, target: string, _path: string, forward: string) => `${target} is forwarded as ${forward}`,
});

test(forwards, '/live.mp3', '/live.mp3', '/live.mp3');
test(forwards, '/l%69ve.mp3', '/live.mp3', '/live.mp3');
test(forwards, '/%61dmin/stats', '/admin/stats', '/admin/stats');
// Upstream decodes once more: it must see the literal "%61", never "a".
test(forwards, '/%2561dmin/stats', '/%61dmin/stats', '/%2561dmin/stats');
test(forwards, '/caf%c3%a9.mp3', '/café.mp3', '/caf%C3%A9.mp3');
test(forwards, '/a%20b.mp3', '/a b.mp3', '/a%20b.mp3');
test(forwards, '/what%3F.mp3?x=1', '/what?.mp3', '/what%3F.mp3?x=1');
test(forwards, '/live.mp3?', '/live.mp3', '/live.mp3');
test(forwards, "/a;b,c=d:e@f!$&'()*+~.mp3", "/a;b,c=d:e@f!$&'()*+~.mp3", "/a;b,c=d:e@f!$&'()*+~.mp3");
test(forwards, '/admin/metadata?mount=%2Flive.mp3&mode=updinfo&song=A%20%26%20B', '/admin/metadata', '/admin/metadata?mount=%2Flive.mp3&mode=updinfo&song=A%20%26%20B');

test('the query is parsed once and kept for policies', (t) => {
  const got = canonicalTarget('GET', '/admin/metadata?mount=%2Flive.mp3&song=A+B');
  if (got.kind !== 'ok') return t.fail(got.reason);
  t.is(got.query.get('mount'), '/live.mp3');
  t.is(got.query.get('song'), 'A B');
});

const refuses = test.macro({
  exec(t, method: string, target: string) {
    const got = canonicalTarget(method, target);
    t.is(got.kind, 'deny');
    if (got.kind === 'deny') {
      t.is(got.code, 'GW_BAD_TARGET');
      t.is(got.status, 400);
    }
  },
  title: (_title, method: string, target: string) => `${method} ${JSON.stringify(target)} is refused as a bad target`,
});

test(refuses, 'GET', '');
test(refuses, 'GET', '/live .mp3');
test(refuses, 'GET', '/live\t.mp3');
test(refuses, 'GET', '/café.mp3');
test(refuses, 'GET', 'live.mp3');
test(refuses, 'GET', 'http://h/live.mp3');
test(refuses, 'CONNECT', 'h:443');
test(refuses, 'GET', '*');
test(refuses, 'PUT', '*');
test(refuses, 'GET', '/live.mp3#x');
test(refuses, 'GET', '/a%2fb');
test(refuses, 'GET', '/a%5Cb');
test(refuses, 'GET', '/a%zz');
test(refuses, 'GET', '/a%c3');
test(refuses, 'GET', '/live.mp3?song=%zz');
test(refuses, 'GET', '/live.mp3?song=%');

test('OPTIONS * stays "*" (asterisk-form, RFC 9112 §3.2.4)', (t) => {
  const got = canonicalTarget('OPTIONS', '*');
  t.like(got, { kind: 'ok', path: '*', forward: '*' });
});

test('refusal reasons never quote the target', (t) => {
  const secret = 'hunter2-secret';
  for (const target of [`/${secret}%2f`, `/${secret}%00`, `http://${secret}/`, `/${secret}?a=%zz`, `/${secret} x`]) {
    const got = canonicalTarget('GET', target);
    if (got.kind !== 'deny') return t.fail(target);
    t.false(got.reason.includes(secret), got.reason);
  }
});

test('encodePath percent-encodes "%" and non-pchar bytes, keeps pchar and "/"', (t) => {
  t.is(encodePath('/%61dmin/a b?#[]é'), '/%2561dmin/a%20b%3F%23%5B%5D%C3%A9');
  t.is(encodePath("/live.mp3/-._~!$&'()*+,;=:@"), "/live.mp3/-._~!$&'()*+,;=:@");
});
