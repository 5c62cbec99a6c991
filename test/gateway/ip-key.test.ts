import test from 'ava';
import { ipKey } from '../../gateway/limits/ip-key.ts';

const keys = test.macro({
  exec(t, address: string, expected: string | null) {
    t.is(ipKey(address), expected);
  },
  title: (_t, address: string, expected: string | null) => `${JSON.stringify(address)} is keyed as ${expected}`,
});

test(keys, '192.0.2.7', '192.0.2.7');
test(keys, '::ffff:192.0.2.7', '192.0.2.7');
test(keys, '2001:db8:1:2:3:4:5:6', '2001:db8:1:2::/64');
test(keys, '2001:0DB8:0001:0002:ffff:ffff:ffff:ffff', '2001:db8:1:2::/64');
test(keys, '2001:db8:1:2::1', '2001:db8:1:2::/64');
test(keys, '2001:db8::1', '2001:db8:0:0::/64');
test(keys, '2001:db8::', '2001:db8:0:0::/64');
test(keys, '::1', '0:0:0:0::/64');
test(keys, '::', '0:0:0:0::/64');
test(keys, 'fe80::1%eth0', 'fe80:0:0:0::/64');
test(keys, '64:ff9b::192.0.2.7', '64:ff9b:0:0::/64');
test(keys, '1:2:3:4:5:6:192.0.2.7', '1:2:3:4::/64');
test(keys, '', null);
test(keys, 'localhost', null);
test(keys, '192.0.2.7:8000', null);
test(keys, '2001:db8::g', null);

test('every address of one /64 shares a key; neighbouring /64s do not', (t) => {
  t.is(ipKey('2001:db8:aa:bb:1::'), ipKey('2001:db8:aa:bb:ffff:ffff:ffff:fffe'));
  t.not(ipKey('2001:db8:aa:bb::1'), ipKey('2001:db8:aa:bc::1'));
});
