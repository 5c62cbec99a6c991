// The Users pane (listeners' passwords) in a real terminal (tmux) against the fake control API:
// opened with p, a user added through the form's keys with the password typed masked (never on
// screen), a refusal keeping the form open with the reason, a user deleted through keys with a
// y/N confirmation; hostile names shown as plain characters; read-only. Serial: each test runs
// its own dashboard process.
import test from 'ava';
import { eventually, FakeControl } from './fake-control.ts';
import { paneTitle, Tmux, tmuxMissing } from './tmux.ts';

const serial = tmuxMissing() ? test.serial.skip : test.serial;
if (tmuxMissing()) test.skip('the Users pane screen tests need the Debian package tmux', () => {});

async function setUp(t: { teardown(fn: () => unknown): void }, args: string[] = []) {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const tmux = Tmux.start(['--socket', fake.socketPath, ...args], { width: 100, height: 40, env: { USER: 'operator-test' } });
  t.teardown(() => tmux.kill());
  return { fake, tmux };
}

const footerOf = (screen: string) => screen.split('\n').at(-1)!.trim();
const line = (screen: string, text: string) => screen.split('\n').find((l) => l.includes(text)) ?? '';
const PASSWORD = 's3cret pass';

serial('p opens the Users pane; a adds a user with the password masked; D deletes one after y, n cancels', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('p');
  let screen = await tmux.waitFor(/== Users \(1 in 1 file\) =+/);
  t.regex(line(screen, 'alice'), />alice +\/live\.mp3 +members\.htpasswd/);
  t.regex(footerOf(screen), /a add user {2}D delete user/);

  tmux.keys('a');
  screen = await tmux.waitFor('Listener user: a name and password');
  t.regex(line(screen, 'Mount  '), /Mount +: \/live\.mp3/, "the selected user's mount is offered");
  t.regex(line(screen, 'User name'), /> User name: _/, 'the name is focused');
  tmux.type('bob');
  tmux.keys('Tab');
  tmux.type(PASSWORD);
  screen = await tmux.waitFor(/> Password +: \*{11}_/);
  tmux.keys('Tab');
  tmux.type('s3cret pasS');
  tmux.keys('Enter');
  screen = await tmux.waitFor('! the two passwords differ');
  t.regex(screen, /> Again +: \*{11}_/, 'the second password is focused');
  tmux.keys('C-u');
  tmux.type(PASSWORD);
  tmux.keys('Enter');
  screen = await tmux.waitFor('listener "bob" added to /live.mp3');
  t.is(footerOf(screen), 'listener "bob" added to /live.mp3 (/srv/icegate/members.htpasswd)');
  t.deepEqual(fake.actions.at(-1), { method: 'POST', path: '/v1/listener-users', body: { mount: '/live.mp3', name: 'bob', password: PASSWORD }, user: 'operator-test' });
  t.is(fake.actions.length, 1, 'the mismatch was never sent');
  screen = await tmux.waitFor('Users (2 in 1 file)');
  t.false(screen.includes('s3cret'), 'the password never reached the screen');
  t.regex(line(screen, 'bob'), / bob +\/live\.mp3/);

  tmux.keys('Down', 'D');
  screen = await tmux.waitFor('[y/N]');
  t.is(footerOf(screen), 'Delete listener "bob" from /live.mp3 (players connected now keep playing)? [y/N]');
  tmux.keys('n');
  screen = await tmux.waitFor('cancelled');
  t.is(footerOf(screen), 'cancelled: delete "bob"');
  t.is(fake.actions.length, 1);
  tmux.keys('D');
  await tmux.waitFor('[y/N]');
  tmux.keys('y');
  screen = await tmux.waitFor('delete "bob": listener "bob" deleted from /live.mp3');
  t.deepEqual(fake.actions.at(-1), { method: 'DELETE', path: '/v1/listener-users/%2Flive.mp3/bob', body: null, user: 'operator-test' });
  screen = await tmux.waitFor('Users (1 in 1 file)');
  t.false(screen.includes(' bob '));
  await eventually(() => fake.users.files[0]!.users.length === 1, 'bob gone from the fake');
});

serial('refusals keep the form open with the reason and the field; Esc leaves it without a change', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('p');
  await tmux.waitFor('Users (1 in 1 file)');
  tmux.keys('a');
  await tmux.waitFor('Listener user:');
  tmux.keys('Up');
  tmux.keys('C-u');
  tmux.type('/backup.ogg');
  tmux.keys('Tab');
  tmux.type('carol');
  tmux.keys('Tab');
  tmux.type('pw');
  tmux.keys('Tab');
  tmux.type('pw');
  tmux.keys('Enter');
  let screen = await tmux.waitFor('! The mount does not use an htpasswd file');
  t.regex(screen, /this mount takes no passwords: set\s+"auth:\s+htpasswd"/, "explained inside the form");
  t.regex(screen, /> Mount +: \/backup\.ogg_/, 'the mount field is focused');
  tmux.keys('C-u');
  tmux.type('/live.mp3');
  tmux.keys('Tab');
  tmux.keys('C-u');
  tmux.type('#carol');
  tmux.keys('Enter');
  screen = await tmux.waitFor('! a user name is 1');
  t.regex(screen, /> User name: #carol_/);
  tmux.keys('Escape');
  screen = await tmux.waitFor((s) => !s.includes('Listener user:'));
  t.deepEqual(fake.users.files[0]!.users, [{ name: 'alice' }]);
  t.deepEqual(fake.actions.map((a) => (a.body as { mount: string }).mount), ['/backup.ogg']);
});

serial('hostile names (terminal escapes, blessed tags) reach the terminal as plain characters', async (t) => {
  const { fake, tmux } = await setUp(t);
  fake.users.files = [{ file: '/srv/x.htpasswd', mounts: ['/live.mp3'], users: [{ name: '\x1b]2;pwned\x07{red-fg}Rose{/}\x9b31m' }], problem: null }];
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('p');
  let screen = await tmux.waitFor('Users (1 in 1 file)');
  t.regex(line(screen, 'Rose'), />\{red-fg\}Rose\{\/\}/);
  tmux.keys('D');
  screen = await tmux.waitFor('[y/N]');
  t.regex(footerOf(screen), /^Delete listener "\{red-fg\}Rose\{\/\}/);
  tmux.keys('n');
  t.false(/pwned/.test(paneTitle(tmux)), paneTitle(tmux));
  t.false(screen.includes('pwned'));
});

serial('a file that cannot be read, and no htpasswd mount at all, say so', async (t) => {
  const { fake, tmux } = await setUp(t);
  fake.users.files = [{ file: '/srv/new.htpasswd', mounts: ['/live.mp3'], users: [], problem: 'the file does not exist yet: the first user added creates it' }];
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('p');
  await tmux.waitFor('(the file does not exist yet');
  fake.users.files = [];
  await tmux.waitFor('no mount has auth: htpasswd', 10_000);
  t.pass();
});

serial('? lists p, a and D among every key, at 80x24 too', async (t) => {
  const { tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('?');
  let screen = await tmux.waitFor('Keys (any key closes)');
  t.regex(screen, /p +listeners' passwords: the users of htpasswd mounts/);
  t.regex(screen, /a +add a listener user, or change a password \(Users\)/);
  t.regex(screen, /D +delete a listener user \(Users\)/);
  tmux.keys('Escape');
  tmux.resize(80, 24);
  await tmux.waitFor((s) => !s.includes('Keys (any key closes)'));
  tmux.keys('?');
  screen = await tmux.waitFor('Keys (any key closes)');
  t.regex(screen, /D +delete a listener user/);
  t.regex(screen, /q\/C-c +quit/, 'the last key still fits');
});

serial('read-only: a and D only say so', async (t) => {
  const { fake, tmux } = await setUp(t, ['--read-only']);
  await tmux.waitFor('READ-ONLY');
  tmux.keys('p');
  await tmux.waitFor('Users (1 in 1 file)');
  for (const key of ['a', 'D']) {
    tmux.keys(key);
    t.is(footerOf(await tmux.waitFor('read-only: actions are off')), 'read-only: actions are off');
    tmux.keys('Escape');
  }
  t.deepEqual(fake.actions, []);
});
