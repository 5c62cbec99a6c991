// `icegate status` in words: the certificate line, with ACME's state when it is on; a silent source.
import test from 'ava';
import { formatStatus } from '../../cli/stop.ts';
import { snapshot, source } from '../tui/fixtures.ts';

const rows: readonly (readonly [string, Record<string, unknown> | null, RegExp])[] = [
  ['self-signed, no ACME', {}, /^certificate: CN=radio\.example, issued by CN=radio\.example, expires 2026-05-30T00:00:00\.000Z \(89 days\)$/m],
  ['ACME valid', { issuer: 'CN=Pebble', acme: { state: 'valid', nextRenewal: '2027-02-01T00:00:00.000Z', lastError: null } }, /issued by CN=Pebble, .*; ACME valid, next order 2027-02-01T00:00:00\.000Z$/m],
  ['ACME failing', { acme: { state: 'failing', nextRenewal: '2026-03-01T12:05:00.000Z', lastError: 'order for radio.test (challenge http-01) failed:\u001b[31m x' } }, /ACME failing, next order .*, last error: order for radio\.test \(challenge http-01\) failed:\?\[31m x$/m],
];
for (const [name, cert, expected] of rows) {
  test(`status: ${name}`, (t) => {
    const s = snapshot();
    const text = formatStatus({ ...s, security: { ...s.security, certificate: { ...s.security.certificate!, ...cert } } });
    t.regex(text, expected);
  });
}

test('status: no certificate line without a gateway certificate', (t) => {
  const s = snapshot();
  t.notRegex(formatStatus({ ...s, security: { ...s.security, certificate: null } }), /certificate/);
});

test('status: a mount whose agent reports silence says SILENT and since when; unknown or sound says nothing', (t) => {
  const s = snapshot();
  const withSource = (silent: boolean | null) =>
    formatStatus({ ...s, mounts: s.mounts.map((m, i) => (i === 0 ? { ...m, source: source({ silent, silentSince: silent ? '2026-03-01T11:58:00.000Z' : null }) } : m)) });
  t.regex(withSource(true), /^ {2}\/live\.mp3 +live {2}3 listeners {2}SILENT since 2026-03-01T11:58:00\.000Z {2}"Artist - Song"$/m);
  t.notRegex(withSource(false), /SILENT/);
  t.notRegex(withSource(null), /SILENT/);
});
