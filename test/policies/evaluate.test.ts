import test from 'ava';
import { compilePolicy, evaluate, mountOf } from '../../policies/evaluate.ts';
import type { PolicyRequest } from '../../policies/types.ts';

function request(fields: Partial<PolicyRequest>): PolicyRequest {
  const path = fields.path ?? '/live.mp3';
  const query = fields.query ?? new URLSearchParams();
  return { role: 'listener', method: 'GET', path, query, mount: mountOf(path, query), credentials: null, clientIp: '192.0.2.1', time: 0, ...fields };
}

const outcome = (d: ReturnType<typeof evaluate>) => (d.kind === 'allow' ? `allow ${d.route} ${d.mount}` : d.code);

test('an allowed stream names its mount', (t) => {
  t.is(outcome(evaluate(compilePolicy(), request({}))), 'allow stream /live.mp3');
});

test('HLS and playlists name the mount they belong to', (t) => {
  t.is(outcome(evaluate(compilePolicy(), request({ path: '/hls/radio/live.mp3/seg7.mp3' }))), 'allow hls /radio/live.mp3');
  t.is(outcome(evaluate(compilePolicy(), request({ path: '/radio/live.mp3.pls' }))), 'allow playlist /radio/live.mp3');
});

test('an unparseable client address fails closed', (t) => {
  for (const clientIp of ['', 'not-an-ip', '999.1.1.1', '192.0.2.1:8000']) {
    t.is(outcome(evaluate(compilePolicy(), request({ clientIp }))), 'GW_CLIENT_ADDRESS', clientIp);
  }
});

test('IPv6 and IPv4-mapped client addresses are accepted', (t) => {
  for (const clientIp of ['2001:db8::1', '::ffff:192.0.2.1', '::1']) {
    t.is(outcome(evaluate(compilePolicy(), request({ clientIp }))), 'allow stream /live.mp3', clientIp);
  }
});

test('an unknown port role fails closed', (t) => {
  t.is(outcome(evaluate(compilePolicy(), request({ role: 'relay' as never }))), 'GW_WRONG_PORT');
});

test('a mount that does not match the path fails closed', (t) => {
  t.is(outcome(evaluate(compilePolicy(), request({ mount: '/other.mp3' }))), 'GW_INTERNAL');
  t.is(outcome(evaluate(compilePolicy(), request({ mount: null }))), 'GW_INTERNAL');
});

test('/admin.cgi metadata updates are forwarded on the source port only when enabled', (t) => {
  const query = new URLSearchParams('pass=x&mode=updinfo&song=s');
  const base = { role: 'source', path: '/admin.cgi', query } as const;
  t.is(outcome(evaluate(compilePolicy(), request(base))), 'GW_NOT_FOUND');
  t.is(outcome(evaluate(compilePolicy({ adminCgi: true }), request(base))), 'allow metadata null');
  const named = new URLSearchParams('mount=/live.mp3&pass=x&mode=updinfo&song=s');
  t.is(outcome(evaluate(compilePolicy({ adminCgi: true }), request({ ...base, query: named }))), 'allow metadata /live.mp3');
  t.is(outcome(evaluate(compilePolicy({ adminCgi: true }), request({ ...base, role: 'listener' }))), 'GW_WRONG_PORT');
});

test('the listening page and public status can be switched off', (t) => {
  const policy = compilePolicy({ listeningPage: false, publicStatus: false });
  t.is(outcome(evaluate(policy, request({ path: '/' }))), 'GW_NOT_FOUND');
  t.is(outcome(evaluate(policy, request({ path: '/status-json.xsl' }))), 'GW_NOT_FOUND');
  t.is(outcome(evaluate(policy, request({ path: '/api/v1/status' }))), 'GW_NOT_FOUND');
  t.is(outcome(evaluate(policy, request({}))), 'allow stream /live.mp3');
});

test('a compiled policy is frozen', (t) => {
  const policy = compilePolicy();
  t.true(Object.isFrozen(policy));
  t.true(Object.isFrozen(policy.options));
});

test('admin commands carry the mount of their ?mount= parameter', (t) => {
  const query = new URLSearchParams('mount=/live.mp3');
  t.is(outcome(evaluate(compilePolicy(), request({ role: 'admin', path: '/admin/killsource', query }))), 'allow admin /live.mp3');
  const bad = new URLSearchParams('mount=live.mp3');
  t.is(outcome(evaluate(compilePolicy(), request({ role: 'admin', path: '/admin/killsource', query: bad }))), 'allow admin null');
});

test('every refusal carries the status of its catalogue entry', (t) => {
  const d = evaluate(compilePolicy(), request({ method: 'PUT' }));
  t.like(d, { kind: 'deny', code: 'GW_METHOD_NOT_ALLOWED', status: 405 });
});
