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

  screen = await tmux.waitFor((s) => qrLinesOf(s).length > 20);
  const link = await eventually(() => fake.links.links[0], 'the link made');
  t.deepEqual(fake.actions.at(-1), { method: 'POST', path: '/v1/links', body: { mount: '/live.mp3', label: 'Grandma Rose', ttlSeconds: 86400, maxListeners: 2 }, user: 'operator-test' });
  t.regex(screen.split('\n')[0]!, /Link "Grandma Rose" to \/live\.mp3: expires in 1d00h, 0\/2 playing now/);
  t.true(screen.replace(/\n/g, '').includes(link.pageUrl), 'the page URL is on screen, wrapped');
  t.is(decodeQrText(qrLinesOf(screen)), link.pageUrl, 'the QR code captured from the terminal decodes to the page URL');
  // SGR 40: black background (ECMA-48 §8.3.117), set before the code's first row and nowhere else.
  t.regex(tmux.screen(true), /\x1b\[(?:[0-9;]*;)?40(?:;[0-9;]*)?m[^\x1b]*\u2588/, 'the code is pinned white on black');

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

serial('d revokes the selected link after y; n cancels; the pane shows it revoked', async (t) => {
  const { fake, tmux } = await setUp(t);
  fake.links.links = [fake.links.make({ label: 'Choir members', mount: '/live.mp3', listeners: 2 }), fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3', listeners: 1, maxListeners: 1 })];
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('l');
  await tmux.waitFor('Links (2)');
  tmux.keys('Down', 'd');
  let screen = await tmux.waitFor('[y/N]');
  t.is(footerOf(screen), 'Revoke the link "Grandma Rose" to /live.mp3 (its 1 player is cut off)? [y/N]');
  tmux.keys('n');
  screen = await tmux.waitFor('cancelled');
  t.is(footerOf(screen), 'cancelled: revoke "Grandma Rose"');
  t.deepEqual(fake.actions, []);
  tmux.keys('d');
  await tmux.waitFor('[y/N]');
  tmux.keys('y');
  screen = await tmux.waitFor('revoke "Grandma Rose": revoked "Grandma Rose"');
  t.deepEqual(fake.actions.at(-1), { method: 'DELETE', path: `/v1/links/${fake.links.links[1]!.id}`, body: null, user: 'operator-test' });
  screen = await tmux.waitFor(/Grandma Rose +\/live\.mp3 +in 7d00h +0\/1 revoked/);
  t.regex(line(screen, 'Choir members'), /Choir members +\/live\.mp3 +in 7d00h +2 live/);
  // Revoking it again says so and asks nothing.
  tmux.keys('d');
  screen = await tmux.waitFor('already revoked');
  t.is(footerOf(screen), 'the link "Grandma Rose" is already revoked');
});

serial('refusals keep the form open with the reason; Esc leaves it without a link', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('Down', 'n'); // /backup.ogg is selected: it has no auth: token
  await tmux.waitFor(/Mount +: \/backup\.ogg/);
  tmux.keys('Enter');
  await tmux.waitFor('! a link needs a label');
  tmux.type('Band');
  tmux.keys('Enter');
  let screen = await tmux.waitFor('! /backup.ogg has no auth: token');
  t.regex(screen, /this mount does not take links: set\s+"auth: token" on it in gateway\.yaml and reload\)/, 'wrapped inside the form');
  t.regex(screen, /> Mount +: \/backup\.ogg_/, 'the mount field is focused');
  tmux.keys('C-u');
  tmux.type('/nope.mp3');
  tmux.keys('Enter');
  screen = await tmux.waitFor('! no mount /nope.mp3');
  tmux.keys('C-u');
  tmux.type('/live.mp3');
  tmux.keys('Tab');
  tmux.keys('C-u');
  tmux.type('400d');
  tmux.keys('Enter');
  await tmux.waitFor('! a link lives at most 366 days');
  tmux.keys('Escape');
  screen = await tmux.waitFor((s) => !s.includes('New link'));
  t.deepEqual(fake.links.links, []);
  t.deepEqual(fake.actions.map((a) => a.body), [{ mount: '/backup.ogg', label: 'Band', ttlSeconds: 604800, maxListeners: null }, { mount: '/nope.mp3', label: 'Band', ttlSeconds: 604800, maxListeners: null }]);
});

serial('hostile labels (terminal escapes, blessed tags, HTML) reach the terminal as plain characters', async (t) => {
  const { fake, tmux } = await setUp(t);
  const hostile = '\x1b]2;pwned\x07<b>Rose</b> {red-fg}x{/}\x1b[2J\x9b31m';
  fake.links.links = [fake.links.make({ label: hostile, mount: '/live.mp3' })];
  fake.listeners.set('/live.mp3', { mount: '/live.mp3', total: 1, listeners: [{ id: 1, mount: '/live.mp3', ip: '192.0.2.66', userAgent: 'VLC', connectedAt: '2026-03-01T11:59:00.000Z', seconds: 60, bytesSent: 1, auth: 'token', username: null, linkId: 'x', linkLabel: '{bold}\x1b]0;owned\x07Tag' }] });
  let screen = await tmux.waitFor('192.0.2.66');
  t.regex(line(screen, '192.0.2.66'), /\{bold\}Tag/);
  tmux.keys('l');
  screen = await tmux.waitFor('Links (1)');
  t.regex(line(screen, '<b>Rose'), /><b>Rose<\/b> \{red-fg\}x\{\/\} +\/live\.mp3/);
  tmux.keys('Enter');
  screen = await tmux.waitFor('Listening page');
  t.regex(screen.split('\n')[0]!, /^ Link "<b>Rose<\/b> \{red-fg\}x\{\/\}" to \/live\.mp3/);
  t.false(/pwned|owned/.test(paneTitle(tmux)), paneTitle(tmux));
  t.false(screen.includes('pwned'));
});

serial('80x24 is too small for the QR code: the overlay says what size it needs, and the URL is there', async (t) => {
  const { fake, tmux } = await setUp(t, { width: 80, height: 24 });
  fake.links.links = [fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3' })];
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  tmux.keys('l');
  await tmux.waitFor('Links (1)');
  tmux.keys('Enter');
  let screen = await tmux.waitFor('The QR code needs a terminal of at least');
  t.regex(screen.replace(/\n/g, ''), /at least \d+x\d+ \(this one is 80x24\)/);
  t.true(screen.replace(/\n/g, '').includes(fake.links.links[0]!.pageUrl));
  t.deepEqual(qrLinesOf(screen), []);
  // Made bigger, the same overlay draws the code.
  tmux.resize(100, 40);
  screen = await tmux.waitFor((s) => qrLinesOf(s).length > 20);
  t.is(decodeQrText(qrLinesOf(screen)), fake.links.links[0]!.pageUrl);
});

serial('read-only: n and d only say so', async (t) => {
  const { fake, tmux } = await setUp(t, { width: 100, height: 40 }, ['--read-only']);
  fake.links.links = [fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3' })];
  await tmux.waitFor('READ-ONLY');
  tmux.keys('l');
  await tmux.waitFor('Links (1)');
  for (const key of ['n', 'd']) {
    tmux.keys(key);
    t.is(footerOf(await tmux.waitFor('read-only: actions are off')), 'read-only: actions are off');
    tmux.keys('Escape');
  }
  t.deepEqual(fake.actions, []);
});
