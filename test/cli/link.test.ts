// `icegate link create | list | revoke` against the fake control API (test/tui/fake-control.ts):
// --json and the human output, the QR code only on a terminal (decoded back from a tmux
// capture), the y/N question of revoke, every refusal code of contracts/links.ts in words, and
// usage errors that send nothing.
import test from 'ava';
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough, Writable } from 'node:stream';
import type { Io } from '../../cli/io.ts';
import { linkCommand } from '../../cli/link.ts';
import { main } from '../../cli/main.ts';
import type { LinkResult, LinksPage } from '../../contracts/links.ts';
import { eventually, FakeControl } from '../tui/fake-control.ts';
import { decodeQrText, qrLinesOf } from '../tui/qr-decode.ts';
import { ROOT, tmuxMissing } from '../tui/tmux.ts';
import { runCli } from './run-cli.ts';

async function setUp(t: { teardown(fn: () => unknown): void }) {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const cwd = await mkdtemp(join(tmpdir(), 'icegate-link-cli-'));
  t.teardown(() => rm(cwd, { recursive: true, force: true }));
  const run = (...args: string[]) => runCli(['link', ...args, '--socket', fake.socketPath], cwd);
  return { fake, run };
}

function collect(): Io & { outText(): string; errText(): string } {
  const out: string[] = [];
  const err: string[] = [];
  return { out: (l) => out.push(l), err: (l) => err.push(l), outText: () => out.join('\n'), errText: () => err.join('\n') };
}

const soon = (seconds: number) => new Date(Date.now() + seconds * 1000).toISOString();

test('icegate link --help names every subcommand, the QR code rule and the exit codes', async (t) => {
  const io = collect();
  t.is(await main(['link', '--help'], io), 0);
  t.regex(io.outText(), /^Usage: icegate link create --mount MOUNT --label LABEL \[--ttl LIFETIME\] \[--max-listeners N\] \[--json\]\n {7}icegate link list \[--json\]\n {7}icegate link show ID \[--json\]\n {7}icegate link revoke ID \[--yes\] \[--json\]/);
  t.regex(io.outText(), /QR\s+code is left out with --json and when the output is not a terminal/);
  t.regex(io.outText(), /Exit code 0 when done, 1 when refused or icegate is not running, 2 for a usage error/);
});

const misuse: readonly (readonly [string[], RegExp])[] = [
  [[], /say which: create, list, show ID or revoke ID/],
  [['frob'], /say which: create, list, show ID or revoke ID/],
  [['show'], /link show needs one ID/],
  [['show', 'a', '--yes'], /link show takes no --yes/],
  [['create'], /link create needs --mount and --label/],
  [['create', '--mount', '/live.mp3'], /link create needs --mount and --label/],
  [['create', '--mount', 'live.mp3', '--label', 'A'], /--mount: "live\.mp3" is not a mount such as \/live\.mp3/],
  [['create', '--mount', '/live.mp3', '--label', '  '], /--label: a link needs a label/],
  [['create', '--mount', '/live.mp3', '--label', 'x'.repeat(81)], /--label: a label has at most 80 characters/],
  [['create', '--mount', '/live.mp3', '--label', 'a\x1b[2Jb'], /--label: a label cannot hold control characters/],
  [['create', '--mount', '/live.mp3', '--label', 'A', '--ttl', 'soon'], /--ttl: "soon" is not a lifetime: 3600, 30m, 24h or 7d/],
  [['create', '--mount', '/live.mp3', '--label', 'A', '--ttl', '59'], /--ttl: a link lives at least 1 minute/],
  [['create', '--mount', '/live.mp3', '--label', 'A', '--ttl', '367d'], /--ttl: a link lives at most 366 days/],
  [['create', '--mount', '/live.mp3', '--label', 'A', '--max-listeners', '0'], /--max-listeners: players at once: a number from 1 to 10000/],
  [['create', '--mount', '/live.mp3', '--label', 'A', '--yes'], /link create takes no --yes/],
  [['list', '--mount', '/live.mp3'], /link list takes no --mount/],
  [['list', 'extra'], /link list takes no argument "extra"/],
  [['revoke'], /link revoke needs one ID/],
  [['revoke', 'a', 'b'], /link revoke needs one ID/],
  [['create', '--frob'], /Unknown option '--frob'/],
];
for (const [args, message] of misuse) {
  test(`usage error, exit 2, nothing sent: icegate link ${args.join(' ')}`, async (t) => {
    const fake = await FakeControl.start();
    t.teardown(() => fake.close());
    const io = collect();
    t.is(await main(['link', ...args, '--socket', fake.socketPath], io), 2);
    t.regex(io.errText(), message);
    t.deepEqual(fake.actions, []);
  });
}

test('create --json prints the control API answer; the request carries label, mount, lifetime and limit', async (t) => {
  const { fake, run } = await setUp(t);
  const r = await run('create', '--mount', '/live.mp3', '--label', 'Grandma Rose', '--ttl', '24h', '--max-listeners', '2', '--json');
  t.is(r.code, 0, r.stderr);
  const result = JSON.parse(r.stdout) as LinkResult;
  t.true(result.ok);
  t.is(result.link.label, 'Grandma Rose');
  t.deepEqual(result.link, fake.links.links[0]);
  t.deepEqual(fake.actions.map((a) => [a.method, a.path, a.body]), [['POST', '/v1/links', { mount: '/live.mp3', label: 'Grandma Rose', ttlSeconds: 86400, maxListeners: 2 }]]);
  t.false(r.stdout.includes('\u2588'), 'no QR code with --json');
});

const lifetimes: readonly (readonly [string | null, number])[] = [[null, 604800], ['3600', 3600], ['30m', 1800], ['24h', 86400], ['7d', 604800]];
for (const [ttl, seconds] of lifetimes) {
  test(`create --ttl ${ttl ?? '(default)'} asks for ${seconds} seconds`, async (t) => {
    const fake = await FakeControl.start();
    t.teardown(() => fake.close());
    const io = collect();
    const command = linkCommand(undefined, { tty: false, color: false });
    t.is(await command.run(['create', '--mount', '/live.mp3', '--label', 'A', ...(ttl === null ? [] : ['--ttl', ttl]), '--socket', fake.socketPath], io), 0, io.errText());
    t.is((fake.actions[0]?.body as { ttlSeconds: number }).ttlSeconds, seconds);
  });
}

test('create, human output off a terminal: what the link is, its page and stream URLs, and no QR code', async (t) => {
  const { fake, run } = await setUp(t);
  const r = await run('create', '--mount', '/live.mp3', '--label', 'Choir {red-fg}<b>', '--json');
  t.is(r.code, 0);
  const human = await run('create', '--mount', '/live.mp3', '--label', 'Choir members');
  t.is(human.code, 0, human.stderr);
  const link = fake.links.links[0]!;
  const lines = human.stdout.split('\n');
  t.regex(lines[0]!, /^Link "Choir members" to \/live\.mp3: expires 2026-03-08 12:00 UTC \(.+\), no limit of players at once$/);
  t.is(lines[1], `  id ${link.id}; "icegate link revoke ${link.id}" ends it`);
  t.is(lines[2], 'Listening page, for a browser (the QR code opens it on a phone):');
  t.is(lines[3], `  ${link.pageUrl}`);
  t.is(lines[4], 'Stream, for a player app (VLC, a phone radio app):');
  t.is(lines[5], `  ${link.url}`);
  t.is(human.stdout, `${lines.slice(0, 6).join('\n')}\n`, 'nothing more: no QR code off a terminal');
});

test('create on a terminal adds the QR code of the page; with colour pinned white on black', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  for (const color of [false, true]) {
    const io = collect();
    t.is(await linkCommand(undefined, { tty: true, color }).run(['create', '--mount', '/live.mp3', '--label', 'Rose', '--socket', fake.socketPath], io), 0);
    const qr = io.outText().split('\n').slice(7);
    if (color) t.true(qr.every((l) => l.startsWith('\x1b[37;40m') && l.endsWith('\x1b[0m')));
    // eslint-disable-next-line no-control-regex
    t.is(decodeQrText(qr.map((l) => l.replace(/\x1b\[[0-9;]*m/g, ''))), fake.links.links[0]!.pageUrl);
  }
  // A terminal narrower than the code: it would wrap and not scan, so it is left out and said so.
  const io = collect();
  t.is(await linkCommand(undefined, { tty: true, color: true, columns: 40 }).run(['create', '--mount', '/live.mp3', '--label', 'Rose', '--socket', fake.socketPath], io), 0);
  t.regex(io.outText().split('\n').at(-1)!, /^\(no QR code: it needs \d\d columns and this terminal has 40\)$/);
});

test('list: --json is the LinksPage; the table shows label, mount, expiry, players and state, hostile labels as plain text', async (t) => {
  const { fake, run } = await setUp(t);
  fake.links.links = [
    fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3', expiresAt: soon(7 * 86400 + 7200), listeners: 1, maxListeners: 2, lastUsedAt: soon(-3 * 3600) }),
    fake.links.make({ label: '\x1b]2;pwned\x07Choir', mount: '/live.mp3', expiresAt: soon(-2 * 3600), expired: true }),
    fake.links.make({ label: 'Old', mount: '/live.mp3', expiresAt: soon(5 * 3600), revoked: true }),
  ];
  const json = await run('list', '--json');
  t.is(json.code, 0);
  t.deepEqual(JSON.parse(json.stdout) as LinksPage, fake.links.page());
  const human = await run('list');
  t.is(human.code, 0, human.stderr);
  const lines = human.stdout.trimEnd().split('\n');
  t.regex(lines[0]!, /^ID +LABEL +MOUNT +EXPIRES +PLAYERS +STATE +LAST USED$/);
  t.regex(lines[1]!, /^link\d{4} +Grandma Rose +\/live\.mp3 +in 7d01h +1\/2 +live +3h0\dm ago$/);
  t.regex(lines[2]!, /^link\d{4} +Choir +\/live\.mp3 +2h0\dm ago +0 +expired +never$/);
  t.regex(lines[3]!, /^link\d{4} +Old +\/live\.mp3 +in 4h5\dm +0 +revoked +never$/);
  t.false(human.stdout.includes('\x1b'));
  const empty = await runCli(['link', 'list', '--socket', (await emptyFake(t)).socketPath], ROOT);
  t.is(empty.stdout, 'no links yet: icegate link create --mount /live.mp3 --label "Grandma Rose"\n');
});

test('show: one link again with its URLs, its QR code on a terminal; --json is the LinkView; an unknown id is refused', async (t) => {
  const { fake, run } = await setUp(t);
  fake.links.links = [fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3', listeners: 1 }), fake.links.make({ label: 'Gone', mount: '/live.mp3', revoked: true })];
  const [live, gone] = fake.links.links;
  const json = await run('show', live!.id, '--json');
  t.is(json.code, 0);
  t.deepEqual(JSON.parse(json.stdout), live);
  const io = collect();
  t.is(await linkCommand(undefined, { tty: true, color: false }).run(['show', live!.id, '--socket', fake.socketPath], io), 0);
  const lines = io.outText().split('\n');
  t.is(lines[3], `  ${live!.pageUrl}`);
  t.is(decodeQrText(lines.slice(7)), live!.pageUrl);
  const revoked = collect();
  t.is(await linkCommand(undefined, { tty: true, color: false }).run(['show', gone!.id, '--socket', fake.socketPath], revoked), 0);
  t.regex(revoked.outText(), /^Link "Gone" to \/live\.mp3: revoked, no limit of players at once/);
  t.false(revoked.outText().includes('\u2588'), 'no QR code for a link that opens nothing');
  const unknown = await run('show', 'nosuchlink');
  t.is(unknown.code, 1);
  t.regex(unknown.stderr, /icegate link show: no link nosuchlink \(unknown-link\)/);
  t.deepEqual(fake.actions, [], 'show changes nothing');
});

async function emptyFake(t: { teardown(fn: () => unknown): void }) {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  return fake;
}

test('revoke --yes: DELETE, then what was cut; --json prints the revoked link', async (t) => {
  const { fake, run } = await setUp(t);
  fake.links.links = [fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3', listeners: 2 }), fake.links.make({ label: 'B', mount: '/live.mp3' })];
  const [a, b] = fake.links.links.map((l) => l.id);
  const human = await run('revoke', a!, '--yes');
  t.is(human.code, 0, human.stderr);
  t.is(human.stdout, `revoked "Grandma Rose" (${a}): its players are cut off and it opens nothing any more\n`);
  const json = await run('revoke', b!, '--yes', '--json');
  t.is(json.code, 0);
  t.like(JSON.parse(json.stdout) as LinkResult, { ok: true, link: { id: b, revoked: true } });
  t.deepEqual(fake.actions.map((x) => `${x.method} ${x.path}`), [`DELETE /v1/links/${a}`, `DELETE /v1/links/${b}`]);
});

test('revoke without --yes asks on a terminal: "n" changes nothing, "y" revokes; off a terminal it says to add --yes', async (t) => {
  const { fake, run } = await setUp(t);
  fake.links.links = [fake.links.make({ label: 'Grandma Rose', mount: '/live.mp3', listeners: 1 })];
  const id = fake.links.links[0]!.id;
  const ask = async (answer: string) => {
    const input = Object.assign(new PassThrough(), { isTTY: true });
    let asked = '';
    const output = new Writable({ write: (c, _e, cb) => ((asked += String(c)), cb()) });
    const io = collect();
    const done = linkCommand({ input, output }, { tty: false, color: false }).run(['revoke', id, '--socket', fake.socketPath], io);
    await eventually(() => asked.includes('[y/N]'), 'the question');
    input.write(`${answer}\n`);
    return { code: await done, asked, io };
  };
  const no = await ask('n');
  t.is(no.asked, 'Revoke the link "Grandma Rose" to /live.mp3 (its 1 player is cut off)? [y/N] ');
  t.is(no.code, 1);
  t.is(no.io.errText(), 'icegate link revoke: cancelled, nothing changed');
  t.deepEqual(fake.actions, []);
  const yes = await ask('y');
  t.is(yes.code, 0, yes.io.errText());
  t.deepEqual(fake.actions.map((x) => `${x.method} ${x.path}`), [`DELETE /v1/links/${id}`]);

  const piped = await run('revoke', id);
  t.is(piped.code, 2);
  t.regex(piped.stderr, /not a terminal: add --yes to revoke without asking/);
});

const refusals: readonly (readonly [string, string[], number, string, RegExp])[] = [
  ['bad-request', ['create', '--mount', '/live.mp3', '--label', 'A'], 400, 'label refused', /icegate link create: label refused \(bad-request\): the control API refused the label, lifetime or limit/],
  ['unknown-mount', ['create', '--mount', '/nope.mp3', '--label', 'A'], 404, '', /icegate link create: no mount \/nope\.mp3 \(unknown-mount\): no such mount in the configuration/],
  ['mount-not-token', ['create', '--mount', '/backup.ogg', '--label', 'A'], 409, '', /icegate link create: \/backup\.ogg has no auth: token \(mount-not-token\): this mount does not take links: set "auth: token" on it in gateway\.yaml and reload/],
  ['too-many-links', ['create', '--mount', '/live.mp3', '--label', 'A'], 409, 'Too many links', /icegate link create: Too many links \(too-many-links\): the server keeps at most 10000 links; revoked and expired ones are dropped a week after they expire/],
  ['unknown-link', ['revoke', 'nosuchlink', '--yes'], 404, '', /icegate link revoke: no link nosuchlink \(unknown-link\): no link has this id \(icegate link list shows them\)/],
  ['read-only', ['revoke', 'x', '--yes'], 403, 'the control API is read-only', /icegate link revoke: the control API is read-only \(read-only\): the control API is read-only/],
];
for (const [code, args, status, message, words] of refusals) {
  test(`refusal ${code}: exit 1, in words on stderr; with --json the answer on stdout`, async (t) => {
    const { fake, run } = await setUp(t);
    const scripted = message === '' ? null : { status, result: { ok: false as const, error: { code, message } } };
    fake.links.next = scripted;
    const human = await run(...args);
    t.is(human.code, 1);
    t.regex(human.stderr, words);
    t.is(human.stdout, '');
    fake.links.next = scripted;
    const json = await run(...args, '--json');
    t.is(json.code, 1);
    t.like(JSON.parse(json.stdout) as object, { ok: false, error: { code } });
    t.deepEqual(fake.links.links, []);
  });
}

test('not running: no control socket is a clear error, exit 1', async (t) => {
  const fake = await FakeControl.start();
  const socket = fake.socketPath;
  await fake.close();
  const r = await runCli(['link', 'list', '--socket', socket], ROOT);
  t.is(r.code, 1);
  t.is(r.stderr, `icegate link list: icegate is not running (no control socket answers at ${socket})\n`);
});

const tmuxSerial = tmuxMissing() ? test.serial.skip : test.serial;
tmuxSerial('create in a real terminal (tmux): the QR code captured from the screen decodes to the page URL', async (t) => {
  const fake = await FakeControl.start();
  t.teardown(() => fake.close());
  const server = `icegate-link-${randomBytes(6).toString('hex')}`;
  const tmux = (...args: string[]) => execFileSync('tmux', ['-L', server, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  t.teardown(() => spawnSync('tmux', ['-L', server, 'kill-server']));
  tmux('new-session', '-d', '-s', 'cli', '-x', '100', '-y', '50', `cd '${ROOT}' && node bin/icegate.js link create --mount /live.mp3 --label 'Grandma Rose' --socket '${fake.socketPath}'; echo '[exited]'; sleep 600`);
  const screen = await eventually(() => {
    const s = tmux('capture-pane', '-p', '-t', 'cli');
    return s.includes('[exited]') ? s : null;
  }, 'icegate link create to finish', 30_000);
  t.is(decodeQrText(qrLinesOf(screen)), fake.links.links[0]!.pageUrl, screen);
});
