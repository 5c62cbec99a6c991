// The real blessed dashboard in a real terminal (tmux), against a fake control API: what it
// shows, how it follows pushed snapshots and a lost supervisor, and every action through the
// keyboard with its confirmation. Serial: each test runs its own dashboard process.
import test from 'ava';
import { KEYMAP } from '../../tui/keymap.ts';
import { component } from './fixtures.ts';
import { eventually, FakeControl } from './fake-control.ts';
import { paneTitle, Tmux, tmuxMissing } from './tmux.ts';

const serial = tmuxMissing() ? test.serial.skip : test.serial;
if (tmuxMissing()) test.skip('the dashboard screen tests need the Debian package tmux', () => {});

async function setUp(t: { teardown(fn: () => unknown): void }, args: string[] = [], env: Record<string, string> = {}, size = { width: 80, height: 24 }) {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const tmux = Tmux.start(['--socket', fake.socketPath, ...args], { ...size, env: { USER: 'operator-test', ...env } });
  t.teardown(() => tmux.kill());
  return { fake, tmux };
}

const line = (screen: string, text: string) => screen.split('\n').find((l) => l.includes(text)) ?? '';

serial('80x24: header, mounts, health and the listeners of the selected mount; pushed snapshots update them', async (t) => {
  const { fake, tmux } = await setUp(t);
  let screen = await tmux.waitFor('Listeners of /live.mp3 (3)');
  t.is(line(screen, 'Radio Test'), 'Radio Test  OK  up 2h00m  1/2 mounts live  3 listeners');
  t.regex(line(screen, '/live.mp3  '), /^>\/live\.mp3 +198\.51\.100\.20 +mp3 128k +3\/7 /);
  t.regex(line(screen, 'relay  '), /relay +running +201 +1h00m +0/);
  t.regex(screen, /> +10 192\.0\.2\.10 +10m00s +9\.2M anonymous +VLC\/3\.0\.18/);
  t.is(screen.split('\n').at(-1)!.trim(), 'Tab pane  / filter  X kill source  m title  b ban  R reload  ? help  q quit');

  // A listener joins: the count, the peak and the sparkline follow the snapshot.
  fake.push((s) => ({ ...s, mounts: s.mounts.map((m, i) => (i === 0 ? { ...m, listeners: 8, listenerPeak: 8, listenerHistory: [...m.listenerHistory, 8] } : m)) }));
  screen = await tmux.waitFor('8 listeners');
  t.regex(line(screen, '/live.mp3  '), / 8\/8 +[ .:\-=+*#%@]*@ /);

  // The gateway is killed with SIGKILL, backs off, and comes back with a new pid.
  const killed = { code: null, signal: 'SIGKILL', at: '2026-03-01T12:00:00.000Z', reason: 'killed by SIGKILL' };
  fake.push((s) => ({ ...s, health: 'down', components: [s.components[0]!, component({ name: 'gateway', state: 'backoff', pid: null, uptimeSeconds: null, nextRestartSeconds: 2, restarts: 1, lastExit: killed })] }));
  screen = await tmux.waitFor('backing off 2 s');
  t.regex(line(screen, 'gateway'), /gateway +backing off 2 s +- +- +1 +\S+ +\S+ killed by SIGKI~/);
  t.true(screen.startsWith('Radio Test  DOWN'));
  fake.push((s) => ({ ...s, health: 'ok', components: [s.components[0]!, component({ name: 'gateway', pid: 999, uptimeSeconds: 1, restarts: 1, lastExit: killed })] }));
  screen = await tmux.waitFor(/gateway +running +999 +1s +1 /);
  t.true(screen.startsWith('Radio Test  OK'));
});

serial('hostile user agents and titles reach the terminal only as plain characters', async (t) => {
  const { fake, tmux } = await setUp(t);
  fake.listeners.set('/live.mp3', { mount: '/live.mp3', total: 1, listeners: [{ id: 1, mount: '/live.mp3', ip: '192.0.2.66', userAgent: '\x1b]2;pwned\x07evil\x1b[2J\x1b[31m{red-fg}agent', connectedAt: '2026-03-01T11:59:00.000Z', seconds: 60, bytesSent: 1, auth: 'anonymous', username: null, linkId: null, linkLabel: null }] });
  fake.push((s) => ({ ...s, mounts: s.mounts.map((m, i) => (i === 0 ? { ...m, title: '\x1b]0;owned\x07Song\x9b2J 🎙️' } : m)) }));
  const screen = await tmux.waitFor('192.0.2.66');
  t.regex(line(screen, '192.0.2.66'), /evil\{red-fg\}agent/);
  t.regex(line(screen, '/live.mp3  '), /Song ?\?\?/);
  t.false(/pwned|owned/.test(paneTitle(tmux)), paneTitle(tmux));
  t.false(screen.includes('pwned'));
});

serial('"disconnected" while the supervisor is away, the last data still shown; back when it returns', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Radio Test  OK');
  await fake.goAway();
  // The first words are about the lost stream, the next about the missing socket.
  const screen = await tmux.waitFor(/\nreconnecting \(attempt \d+\): no control socket at /);
  t.is(line(screen, 'DISCONNECTED'), 'Radio Test  DISCONNECTED  up 2h00m  1/2 mounts live  3 listeners');
  t.regex(screen.split('\n')[1]!, /^reconnecting \(attempt \d+\): no control socket at \/\S*icegate-tui-/);
  t.true(screen.includes('/live.mp3'));
  fake.push((s) => ({ ...s, station: { name: 'Back Again' } }));
  await fake.comeBack();
  const back = await tmux.waitFor('Back Again  OK');
  t.false(back.includes('DISCONNECTED'));
  t.false(back.includes('reconnecting'));
});

serial('every action through the keyboard asks first and reports its result', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3 (3)');
  const footer = async (text: string) => (await tmux.waitFor((s) => s.split('\n').at(-1)!.includes(text))).split('\n').at(-1)!.trim();

  // Kill source: refused with "n", then confirmed with "y".
  tmux.keys('X');
  t.is(await footer('[y/N]'), 'Kill the source of /live.mp3 (198.51.100.20)? [y/N]');
  tmux.keys('n');
  t.is(await footer('cancelled'), 'cancelled: kill source of /live.mp3');
  t.deepEqual(fake.actions, []);
  tmux.keys('X');
  await footer('[y/N]');
  tmux.keys('y');
  t.is(await footer('kill source of /live.mp3: done'), 'kill source of /live.mp3: done: POST /v1/mounts/%2Flive.mp3/kill-source');
  t.deepEqual(fake.actions.at(-1), { method: 'POST', path: '/v1/mounts/%2Flive.mp3/kill-source', body: null, user: 'operator-test' });

  // Title: typed into a prompt, then confirmed.
  tmux.keys('m');
  t.is(await footer('title of'), 'title of /live.mp3: Artist - Song_');
  tmux.keys('C-u');
  tmux.type('New {Title}');
  await footer('New {Title}_');
  tmux.keys('Enter');
  t.is(await footer('[y/N]'), 'Set the title of /live.mp3 to "New {Title}"? [y/N]');
  tmux.keys('y');
  await footer('title of /live.mp3: done');
  t.deepEqual(fake.actions.at(-1)?.body, { title: 'New {Title}' });

  // Restart: Tab to the health pane, down to the gateway.
  tmux.keys('Tab', 'Down', 'r');
  t.is(await footer('[y/N]'), 'Restart gateway (pid 202)? [y/N]');
  tmux.keys('Enter');
  await footer('restart gateway: done');
  t.is(fake.actions.at(-1)?.path, '/v1/components/gateway/restart');

  // Kick: Tab to the listeners, down to the second one.
  tmux.keys('Tab', 'Down', 'x');
  t.is(await footer('[y/N]'), 'Kick listener 11 (192.0.2.11, Mozilla/5.0) from /live.mp3? [y/N]');
  tmux.keys('y');
  await footer('kick listener 11: done');
  t.is(fake.actions.at(-1)?.path, '/v1/mounts/%2Flive.mp3/listeners/11/kick');

  // Ban: the selected listener's address is offered, with a default duration.
  tmux.keys('b');
  t.is(await footer('ban address'), 'ban address [duration]: 192.0.2.11 1h_');
  tmux.keys('BSpace', 'BSpace');
  tmux.type('30m');
  tmux.keys('Enter');
  t.is(await footer('[y/N]'), 'Ban 192.0.2.11 for 30 minutes and close its connections? [y/N]');
  tmux.keys('y');
  await footer('ban 192.0.2.11: done');
  t.deepEqual(fake.actions.at(-1), { method: 'POST', path: '/v1/bans', body: { ip: '192.0.2.11', seconds: 1800 }, user: 'operator-test' });

  // A mistyped ban changes nothing and says why.
  tmux.keys('b', 'C-u');
  tmux.type('not-an-ip');
  tmux.keys('Enter');
  t.is(await footer('ban:'), 'ban: "not-an-ip" is not an IP address (or an IPv6 /64)');

  // Unban: Tab to security, down to the ban.
  tmux.keys('Tab', 'Down', 'u');
  t.is(await footer('[y/N]'), 'Lift the ban on 203.0.113.7? [y/N]');
  tmux.keys('y');
  await footer('unban 203.0.113.7: done');
  t.deepEqual(fake.actions.at(-1), { method: 'DELETE', path: '/v1/bans/203.0.113.7', body: null, user: 'operator-test' });

  // Reload, and a refusal reported as such.
  fake.answer = () => ({ status: 409, result: { ok: false, error: { code: 'config-invalid', message: 'gateway.yaml:3: relay.port: must be a number' } } });
  tmux.keys('R');
  t.is(await footer('[y/N]'), 'Reload the configuration file? [y/N]');
  tmux.keys('y');
  t.is(await footer('failed'), 'reload failed: gateway.yaml:3: relay.port: must be a number (config-invalid)');
  t.is(fake.actions.at(-1)?.path, '/v1/reload');
  t.is(fake.actions.length, 7);
});

serial('read-only: no action is offered, asked or sent', async (t) => {
  const { fake, tmux } = await setUp(t, ['--read-only']);
  const screen = await tmux.waitFor('READ-ONLY');
  t.is(screen.split('\n').at(-1)!.trim(), 'Tab pane  / filter  ? help  q quit');
  for (const key of ['X', 'm', 'b', 'R']) {
    tmux.keys(key);
    await tmux.waitFor((s) => s.split('\n').at(-1)!.trim() === 'read-only: actions are off');
    tmux.keys('Escape');
    await tmux.waitFor((s) => s.split('\n').at(-1)!.startsWith('Tab pane'));
  }
  tmux.keys('?');
  const help = await tmux.waitFor('Keys (any key closes)');
  t.regex(help, /X +kill the source \(off\)/);
  t.deepEqual(fake.actions, []);
});

serial('the supervisor saying read-only turns the actions off too', async (t) => {
  const { fake, tmux } = await setUp(t);
  await tmux.waitFor('Radio Test  OK');
  fake.push((s) => ({ ...s, supervisor: { ...s.supervisor, readOnly: true } }));
  await tmux.waitFor('READ-ONLY');
  tmux.keys('R');
  await tmux.waitFor('read-only: actions are off');
  t.deepEqual(fake.actions, []);
});

serial('? shows every key; / filters; q quits', async (t) => {
  const { tmux } = await setUp(t);
  await tmux.waitFor('/backup.ogg');
  tmux.keys('?');
  const help = await tmux.waitFor('Keys (any key closes)');
  for (const b of KEYMAP) t.true(help.includes(`${b.label} `), `${b.label} is in the help:\n${help}`);
  tmux.keys('Space');
  await tmux.waitFor((s) => !s.includes('Keys (any key closes)'));
  tmux.keys('/');
  tmux.type('backup');
  let screen = await tmux.waitFor('[filter: backup]');
  t.false(screen.includes('/live.mp3  '));
  t.true(screen.includes('>/backup.ogg'));
  tmux.keys('Escape');
  screen = await tmux.waitFor((s) => s.includes('/live.mp3  '));
  t.false(screen.includes('[filter:'));
  tmux.keys('q');
  await tmux.waitFor('[tui exited 0]');
});

serial('resizing: 120x40 shows every pane, 60x15 the mounts and one more, tiny says it is too small', async (t) => {
  const { tmux } = await setUp(t);
  await tmux.waitFor('Listeners of /live.mp3');
  tmux.resize(120, 40);
  let screen = await tmux.waitFor((s) => s.includes('Security (1 ban)') && s.includes('Log of relay'));
  t.true(screen.includes('BANNED 203.0.113.7 for 30m00s (rate-limited)'));
  t.true(screen.includes('11:59:59!source connected to /live.mp3'));
  t.regex(screen, /MOUNT +SOURCE +FORMAT +LIS\/PEAK LISTENERS +OUT BANDWIDTH +UP SLOW SILENCE +KBIT\/S TITLE/);
  tmux.resize(60, 15);
  screen = await tmux.waitFor((s) => !s.includes('Health') && !s.includes('Log of') && s.includes('Listeners of'));
  t.true(screen.split('\n').every((l) => l.length <= 60));
  tmux.keys('Tab');
  await tmux.waitFor((s) => s.includes('== Health') && !s.includes('Listeners of'));
  tmux.resize(30, 8);
  await tmux.waitFor('terminal too small\n30x8, need 40x10');
  tmux.resize(80, 24);
  screen = await tmux.waitFor((s) => s.includes('== Health') && s.includes('Listeners of'));
  t.true(screen.split('\n').every((l) => l.length <= 80));
  t.false(screen.includes('terminal too small'));
});

serial('NO_COLOR: bold and inverse only; without it the states are coloured too', async (t) => {
  const plain = await setUp(t, [], { NO_COLOR: '1' });
  const coloured = Tmux.start(['--socket', plain.fake.socketPath], { env: { USER: 'operator-test' } });
  t.teardown(() => coloured.kill());
  await plain.tmux.waitFor('relay      running');
  await coloured.waitFor('relay      running');
  // SGR 30–37 / 90–97 set a foreground colour (ECMA-48 §8.3.117).
  const colour = /\x1b\[(?:[0-9;]*;)?(?:3[0-7]|9[0-7])(?:;[0-9;]*)?m/;
  await eventually(() => colour.test(coloured.screen(true)), 'colour with colours on');
  t.false(colour.test(plain.tmux.screen(true)));
  t.regex(plain.tmux.screen(true), /\x1b\[[0-9;]*7[0-9;]*m== Mounts/);
});
