import test from 'ava';
import bcrypt from 'bcryptjs';
import {
  HtpasswdError,
  hashPassword,
  parseHtpasswd,
  serializeHtpasswd,
  verifyUser,
  withUser,
  withoutUser,
} from '../../gateway/listener-auth/htpasswd.ts';

// OpenBSD / John the Ripper bcrypt test vector: password "U*U".
const UU = 'CCCCCCCCCCCCCCCCCCCCC.E5YPO9kmyuRGyh0XouQYb4YMJKvyOeW';

test('bcrypt entries in all three spellings are read', (t) => {
  const file = parseHtpasswd(`alice:$2y$05$${UU}\nbob:$2a$05$${UU}\ncarol:$2b$05$${UU}\n`);
  t.deepEqual([...file.users.keys()], ['alice', 'bob', 'carol']);
});

test('comments, blank lines and CRLF line ends are accepted and kept', (t) => {
  const text = `# listeners\r\n\r\nalice:$2y$05$${UU}\r\n`;
  const file = parseHtpasswd(text);
  t.is(file.users.size, 1);
  t.is(serializeHtpasswd(file), `# listeners\n\nalice:$2y$05$${UU}\n`);
});

const refuses = test.macro({
  exec(t, line: string, message: RegExp) {
    const err = t.throws(() => parseHtpasswd(`# header\n${line}\n`), { instanceOf: HtpasswdError });
    t.regex(err.message, message);
    t.is(err.line, 2);
    const hash = line.slice(line.indexOf(':') + 1);
    if (hash.length > 3) t.false(err.message.includes(hash), 'the message must not quote the hash');
  },
  title: (what = '') => `refused with the line named: ${what}`,
});

test('MD5 (apr1)', refuses, 'alice:$apr1$O5Mx8b3A$u0Yf9d9rVWkXbbuyZhPcf/', /^htpasswd line 2 \(user "alice"\) uses an MD5 \(apr1\) hash; only bcrypt is accepted/);
test('SHA-1', refuses, 'alice:{SHA}W6ph5Mm5Pz8GgiULbPgzG37mj9g=', /line 2 .*SHA-1/);
test('MD5-crypt', refuses, 'alice:$1$abcdefgh$0123456789abcdefghijkl', /line 2 .*MD5-crypt/);
test('SHA-crypt', refuses, 'alice:$6$salt$hash', /line 2 .*SHA-crypt/);
test('DES crypt', refuses, 'alice:abJnggxhB/yWI', /line 2 .*DES crypt/);
test('plain text', refuses, 'alice:secret-password', /line 2 .*plain-text/);
test('bcrypt with cost 03', refuses, `alice:$2y$03$${UU}`, /line 2 .*malformed bcrypt/);
test('truncated bcrypt', refuses, `alice:$2y$05$${UU.slice(1)}`, /line 2 .*malformed bcrypt/);
test('no colon', refuses, 'alice', /line 2 is not "user:hash"/);
test('an empty user name', refuses, `:$2y$05$${UU}`, /line 2 has an invalid user name/);
test('a user name with a control character', refuses, `al\x01ice:$2y$05$${UU}`, /line 2 has an invalid user name/);

test('a repeated user is refused with its line', (t) => {
  const err = t.throws(() => parseHtpasswd(`alice:$2y$05$${UU}\nalice:$2y$05$${UU}\n`), { instanceOf: HtpasswdError });
  t.is(err.message, 'htpasswd line 2 repeats user "alice"');
});

test('verifyUser accepts the right password only', async (t) => {
  const file = parseHtpasswd(`alice:$2y$05$${UU}\n`);
  t.true(await verifyUser(file, 'alice', 'U*U'));
  t.false(await verifyUser(file, 'alice', 'U*V'));
  t.false(await verifyUser(file, 'alice', ''));
  t.false(await verifyUser(file, 'Alice', 'U*U'));
  t.false(await verifyUser(file, 'nobody', 'U*U'));
});

test('a password beyond bcrypt\'s 72 bytes never matches, even if its first 72 bytes do', async (t) => {
  const long = 'x'.repeat(72);
  const file = withUser(parseHtpasswd(''), 'alice', bcrypt.hashSync(long, 4));
  t.true(await verifyUser(file, 'alice', long));
  t.false(await verifyUser(file, 'alice', `${long}tail`));
});

test.serial('an unknown user costs one bcrypt comparison at the table\'s highest cost', async (t) => {
  const file = withUser(withUser(parseHtpasswd(''), 'alice', `$2y$05$${UU}`), 'bob', await hashPassword('b', 6));
  const compared: string[] = [];
  const original = bcrypt.compare;
  bcrypt.compare = ((password: string, hash: string) => {
    compared.push(hash);
    return original(password, hash);
  }) as typeof bcrypt.compare;
  t.teardown(() => void (bcrypt.compare = original));
  t.false(await verifyUser(file, 'nobody', 'U*U'));
  t.is(compared.length, 1);
  t.is(bcrypt.getRounds(compared[0]!), 6);
  t.false(file.users.has('nobody'));
  t.false([...file.users.values()].includes(compared[0]!), 'compared against a dummy, not a real user');
});

test('hashPassword writes $2y$ hashes that verify', async (t) => {
  const hash = await hashPassword('s3cret pass', 4);
  t.regex(hash, /^\$2y\$04\$[./A-Za-z0-9]{53}$/);
  t.true(await verifyUser(withUser(parseHtpasswd(''), 'bob', hash), 'bob', 's3cret pass'));
});

test('hashPassword refuses empty and over-long passwords', async (t) => {
  await t.throwsAsync(hashPassword('', 4), { instanceOf: HtpasswdError, message: /empty/ });
  await t.throwsAsync(hashPassword('é'.repeat(37), 4), { instanceOf: HtpasswdError, message: /72 bytes/ });
});

test('withUser replaces in place and appends new users; withoutUser removes', (t) => {
  const a = `$2y$05$${UU}`;
  const b = `$2b$05$${UU}`;
  const file = parseHtpasswd(`# top\nalice:${a}\nbob:${a}\n`);
  t.is(serializeHtpasswd(withUser(file, 'alice', b)), `# top\nalice:${b}\nbob:${a}\n`);
  t.is(serializeHtpasswd(withUser(file, 'carol', b)), `# top\nalice:${a}\nbob:${a}\ncarol:${b}\n`);
  t.is(serializeHtpasswd(withoutUser(file, 'alice')), `# top\nbob:${a}\n`);
  t.is(file.users.size, 2, 'the original is unchanged');
});

test('withUser refuses bad user names and non-bcrypt hashes', (t) => {
  const file = parseHtpasswd('');
  for (const user of ['', 'a:b', '#alice', ' alice', 'a\nb']) {
    t.throws(() => withUser(file, user, `$2y$05$${UU}`), { instanceOf: HtpasswdError }, JSON.stringify(user));
  }
  t.throws(() => withUser(file, 'alice', '$apr1$x$y'), { instanceOf: HtpasswdError });
});
