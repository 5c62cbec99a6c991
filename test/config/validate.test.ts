import test from 'ava';
import { isAddressOrRange } from '../../config/validate.ts';

const accepts = test.macro({
  exec(t, entry: string, expected: boolean) {
    t.is(isAddressOrRange(entry), expected);
  },
  title: (_title, entry: string, expected: boolean) => `${JSON.stringify(entry)} is ${expected ? '' : 'not '}an address or range`,
});

test(accepts, '127.0.0.1', true);
test(accepts, '10.0.0.0/8', true);
test(accepts, '0.0.0.0/0', true);
test(accepts, '::1', true);
test(accepts, '::1/128', true);
test(accepts, 'fd00::/8', true);
test(accepts, '::ffff:192.0.2.1', true);
test(accepts, '10.0.0.0/33', false);
test(accepts, '::/129', false);
test(accepts, '10.0.0.0/', false);
test(accepts, '10.0.0.0/+8', false);
test(accepts, '10.0.0.0/8/8', false);
test(accepts, '10.0.0', false);
test(accepts, 'localhost', false);
test(accepts, '', false);
