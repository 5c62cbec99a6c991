import test from 'ava';
import { isIP } from 'node:net';
import { anonymizeIp, ipDisplay } from '../../gateway/privacy.ts';

const cases: [string, string][] = [
  ['203.0.113.7', '203.0.113.0'],
  ['203.0.113.0', '203.0.113.0'],
  ['10.1.2.255', '10.1.2.0'],
  ['::ffff:203.0.113.7', '203.0.113.0'],
  ['2001:db8:1:2:3:4:5:6', '2001:db8:1::'],
  ['2001:0DB8:00aa:ffff:ffff:ffff:ffff:ffff', '2001:db8:aa::'],
  ['2001:db8::1', '2001:db8::'],
  ['2001:db8:1::', '2001:db8:1::'],
  ['fe80::1%eth0', 'fe80::'],
  ['::1', '::'],
  ['1:2:3:4:5:6:192.0.2.7', '1:2:3::'],
  ['', ''],
  ['localhost', ''],
  ['203.0.113.7:8000', ''],
  ['203.0.113.256', ''],
  ['2001:db8::g', ''],
];

for (const [input, expected] of cases) {
  test(`${JSON.stringify(input)} is shown as ${JSON.stringify(expected)}`, (t) => {
    t.is(anonymizeIp(input), expected);
    // Whatever it keeps is still an address the relay can read from X-Forwarded-For.
    if (expected !== '') t.not(isIP(expected), 0);
  });
}

test('addresses of one /24 or /48 look the same; neighbours do not', (t) => {
  t.is(anonymizeIp('198.51.100.1'), anonymizeIp('198.51.100.254'));
  t.not(anonymizeIp('198.51.100.1'), anonymizeIp('198.51.101.1'));
  t.is(anonymizeIp('2001:db8:5:1::1'), anonymizeIp('2001:db8:5:ffff::1'));
  t.not(anonymizeIp('2001:db8:5::1'), anonymizeIp('2001:db8:6::1'));
});

test('ipDisplay is the identity when anonymisation is off', (t) => {
  t.is(ipDisplay(false)('203.0.113.7'), '203.0.113.7');
  t.is(ipDisplay(true)('203.0.113.7'), '203.0.113.0');
});
