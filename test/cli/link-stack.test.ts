// `icegate link` and the dashboard's Links pane against a real stack: the supervisor with the relay
// core and the gateway as processes, ffmpeg pushing MP3, a player on the gateway's TLS port.
// `icegate link create --json` makes a link, the player opens its URL and receives audio,
// `icegate link list` counts it, `icegate link revoke --yes` cuts it. Then the same through the
// dashboard's keys in tmux, the QR code on screen decoding to the link's real page URL.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { LinkResult, LinksPage } from '../../contracts/links.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { openListener } from '../helpers/listen.ts';
import { until } from '../helpers/relay.ts';
import { decodeQrText, qrLinesOf } from '../tui/qr-decode.ts';
import { Tmux, tmuxMissing } from '../tui/tmux.ts';
import { runCli } from './run-cli.ts';

const PASSWORD = 'hackme-source-1';
const YAML = `stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${PASSWORD}, adminPassword: hackme-admin-1, relayPassword: hackme-relay-1}
  mounts: {/live.mp3: {}}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
  mounts: {/live.mp3: {auth: token}}
`;

let dir: string;
let sv: RunningSupervisor;
let source: ReturnType<typeof startSource> | null = null;
const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;
const port = (name: string): number => Number(sv.components.get('gateway')!.ports![name]);
const link = (...args: string[]) => runCli(['link', ...args, '--socket', sv.socketPath], dir);

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-link-stack-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, YAML);
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false, pollIntervalMs: 200, timing: { livenessIntervalMs: 500, livenessTimeoutMs: 1000 } });
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
  source = startSource({ port: port('sourcePlain'), mount: '/live.mp3', codec: 'mp3', password: PASSWORD });
  await until(() => sv.snapshot().mounts.some((m) => m.mount === '/live.mp3' && m.live), 10_000, 'mount live');
});

test.after.always(async () => {
  if (source) await stopProcess(source);
  await sv?.stop();
  await rm(dir, { recursive: true, force: true });
});

/** MPEG audio frame headers (11 set sync bits, layer III) in what a player received. */
function mp3Frames(body: Buffer): number {
  let frames = 0;
  for (let i = 0; i + 1 < body.length; i += 1) if (body[i] === 0xff && (body[i + 1]! & 0xe6) === 0xe2) frames += 1;
  return frames;
}

test.serial('icegate link create --json, a player opens the URL and hears MP3, list counts it, icegate link revoke cuts it', async (t) => {
  const made = await link('create', '--mount', '/live.mp3', '--label', 'Grandma Rose', '--ttl', '1h', '--json');
  t.is(made.code, 0, made.stderr);
  const created = (JSON.parse(made.stdout) as LinkResult).link;
  t.like(created, { label: 'Grandma Rose', mount: '/live.mp3', revoked: false });
  const url = new URL(created.url);
  t.is(Number(url.port), port('listenerTls'), 'the URL is the gateway\'s TLS listener port');

  const player = openListener({ port: Number(url.port), path: url.pathname, tls: true, bytes: 16_384, timeoutMs: 15_000 });
  const heard = await player.capture;
  t.is(heard.status, 200);
  t.true(mp3Frames(heard.body) >= 10, `MP3 frames in ${heard.body.length} bytes`);
  const closed = new Promise<void>((resolve) => player.socket.once('close', () => resolve()));

  // Counted once the gateway has reported its player (a quarter second), asked through the CLI.
  const deadline = Date.now() + 20_000;
  for (;;) {
    const listed = await link('list', '--json');
    if ((JSON.parse(listed.stdout) as LinksPage).links.find((l) => l.id === created.id)?.listeners === 1) break;
    if (Date.now() > deadline) return t.fail('the link was never counted with its player');
  }
  const table = await link('list');
  t.regex(table.stdout, new RegExp(`${created.id} +Grandma Rose +/live\\.mp3 +in (59m\\d\\ds|1h00m) +1 +live`));

  const revoked = await link('revoke', created.id, '--yes');
  t.is(revoked.code, 0, revoked.stderr);
  t.is(revoked.stdout, `revoked "Grandma Rose" (${created.id}): its players are cut off and it opens nothing any more\n`);
  await closed;
  t.pass('the player was cut');
  const again = openListener({ port: Number(url.port), path: url.pathname, tls: true, timeoutMs: 10_000 });
  t.is((await again.capture).status, 403, 'the link opens nothing afterwards');
  again.socket.destroy();
});

const tmuxSerial = tmuxMissing() ? test.serial.skip : test.serial;
tmuxSerial('the dashboard against the real stack: l, n, a label, Enter; the QR code decodes to the page; d, y revokes', async (t) => {
  const tmux = Tmux.start(['--socket', sv.socketPath], { width: 110, height: 45, env: { USER: 'operator-test', LANG: 'C.UTF-8', LC_ALL: 'C.UTF-8' } });
  t.teardown(() => tmux.kill());
  await tmux.waitFor('/live.mp3');
  tmux.keys('l');
  await tmux.waitFor(/Links \(\d+\)/);
  tmux.keys('n');
  await tmux.waitFor('New link');
  tmux.type('Choir members');
  tmux.keys('Enter');
  const screen = await tmux.waitFor((s) => qrLinesOf(s).length > 20, 30_000);
  const listed = (JSON.parse((await link('list', '--json')).stdout) as LinksPage).links.find((l) => l.label === 'Choir members');
  if (listed === undefined) return t.fail('the link made from the dashboard is listed');
  t.is(decodeQrText(qrLinesOf(screen)), listed.pageUrl);
  t.like(listed, { mount: '/live.mp3', revoked: false, maxListeners: null });
  t.is(Date.parse(listed.expiresAt) - Math.floor(Date.parse(listed.createdAt) / 1000) * 1000, 7 * 86400_000, 'the default lifetime: 7 days');

  tmux.keys('Escape');
  await tmux.waitFor(/>Choir members +\/live\.mp3 +in 6d23h|>Choir members +\/live\.mp3 +in 7d00h/);
  tmux.keys('d');
  await tmux.waitFor('Revoke the link "Choir members" to /live.mp3 (nobody listens with it now)? [y/N]');
  tmux.keys('y');
  await tmux.waitFor(/>Choir members +\/live\.mp3 .* revoked/, 20_000);
  const after = (JSON.parse((await link('list', '--json')).stdout) as LinksPage).links.find((l) => l.id === listed.id);
  t.true(after?.revoked);
});
