import test from 'ava';
import { GATEWAY_ERROR_CODES } from '../../policies/errors.ts';
import { REASON_OF_CODE, RefusalLog, SECURITY_REASONS } from '../../gateway/limits/refusals.ts';

const reasons: [string, string][] = [
  ['GW_METHOD_NOT_ALLOWED', 'blocked-method'],
  ['GW_WRONG_PORT', 'admin-path'],
  ['GW_AUTH_FAILED', 'bad-credentials'],
  ['GW_TOKEN_INVALID', 'bad-credentials'],
  ['GW_RATE_LIMITED', 'rate-limited'],
  ['GW_TOO_MANY_CONNECTIONS', 'rate-limited'],
  ['GW_TOO_MANY_STREAMS', 'rate-limited'],
  ['GW_BANNED', 'banned'],
  ['GW_BAD_TARGET', 'bad-request'],
  ['GW_HEADER_TOO_LARGE', 'bad-request'],
  ['GW_AUTH_REQUIRED', 'other'],
  ['GW_UPSTREAM_UNAVAILABLE', 'other'],
];

for (const [code, reason] of reasons) {
  test(`${code} is counted as ${reason}`, (t) => {
    t.is(REASON_OF_CODE[code as keyof typeof REASON_OF_CODE], reason as (typeof SECURITY_REASONS)[number]);
  });
}

test('every catalogue code has a reason of the contract', (t) => {
  for (const code of GATEWAY_ERROR_CODES) t.true(SECURITY_REASONS.includes(REASON_OF_CODE[code]), code);
});

test('the ring keeps the newest refusals, newest first, and the counts keep everything', (t) => {
  const log = new RefusalLog(3);
  const codes = ['GW_BANNED', 'GW_AUTH_FAILED', 'GW_BAD_TARGET', 'GW_WRONG_PORT', 'GW_AUTH_FAILED'] as const;
  codes.forEach((code, i) => log.add({ at: new Date(i * 1000), role: 'listener', ip: `192.0.2.${i}`, code }));
  t.deepEqual(
    log.recent().map((e) => [e.ip, e.code, e.reason]),
    [
      ['192.0.2.4', 'GW_AUTH_FAILED', 'bad-credentials'],
      ['192.0.2.3', 'GW_WRONG_PORT', 'admin-path'],
      ['192.0.2.2', 'GW_BAD_TARGET', 'bad-request'],
    ],
  );
  t.deepEqual(log.counts(), { 'blocked-method': 0, 'admin-path': 1, 'bad-credentials': 2, 'rate-limited': 0, banned: 1, 'bad-request': 1, other: 0 });
  t.is(log.recent()[0]!.detail, 'Authentication failed');
  t.is(log.recent()[0]!.at, new Date(4000).toISOString());
});

test('the default ring holds 100', (t) => {
  const log = new RefusalLog();
  for (let i = 0; i < 250; i++) log.add({ at: new Date(i), role: 'source', ip: '192.0.2.1', code: 'GW_AUTH_FAILED' });
  t.is(log.recent().length, 100);
  t.is(log.counts()['bad-credentials'], 250);
});
