// The dashboard against a real `icegate start` supervisor (relay core and gateway as processes)
// with a live ffmpeg source: the mount appears, its listener count follows a real listener, and
// a component killed with SIGKILL is seen restarting. Every port is 0.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { until } from '../helpers/relay.ts';
import { Tmux, tmuxMissing } from './tmux.ts';

const PASSWORD = 'hackme-source-tui';

const config = `station: {name: TUI End To End}
stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${PASSWORD}, adminPassword: hackme-admin-tui, relayPassword: hackme-relay-tui}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
`;

/** A listener that stays connected until destroyed, counting what it receives. */
function holdListener(port: number, path: string): { socket: net.Socket; received: () => number } {
  let received = 0;
  const socket = net.connect(port, '127.0.0.1', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nUser-Agent: tui-e2e-listener/1.0\r\n\r\n`));
  socket.on('data', (d: Buffer) => (received += d.length));
  socket.on('error', () => {});
  return { socket, received: () => received };
}

const run = tmuxMissing() ? test.serial.skip : test.serial;

run('a live mount, its listener count changing, and a restart after kill -9, on the real dashboard', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-tui-e2e-'));
  const file = join(dir, 'gateway.yaml');
  await writeFile(file, config);
  const loaded = await loadConfig(file);
  if (!loaded.ok) return t.fail(JSON.stringify(loaded.errors));
  const sv: RunningSupervisor = await runSupervisor({
    config: loaded.config,
    configPath: file,
    hostMetrics: false,
    pollIntervalMs: 200,
    timing: { policy: { initialMs: 200, maxMs: 1600, stableMs: 60_000, jitter: 0, crashLoopExits: 5, crashLoopWindowMs: 60_000 }, livenessIntervalMs: 500, livenessTimeoutMs: 1000 },
  });
  t.teardown(async () => {
    await sv.stop();
    await rm(dir, { recursive: true, force: true });
  });
  const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
  const port = (name: string) => Number(sv.components.get('gateway')!.ports![name]);

  // The dashboard finds the socket from the configuration file, as an operator runs it.
  const tmux = Tmux.start(['-c', file], { width: 100, height: 30 });
  await tmux.waitFor(/TUI End To End +OK/);

  const source = startSource({ port: port('sourcePlain'), mount: '/live.mp3', codec: 'mp3', password: PASSWORD });
  t.teardown(() => stopProcess(source));
  // Teardowns run last-registered first: the dashboard goes before the source and the supervisor.
  t.teardown(() => tmux.kill());
  let screen = await tmux.waitFor(/\/live\.mp3 +127\.0\.0\.1 +mp3 \d+k +0\/0 /);
  t.regex(screen, /1\/1 mounts live {2}0 listeners/);

  const listener = holdListener(port('listener'), '/live.mp3');
  t.teardown(() => listener.socket.destroy());
  await until(() => listener.received() > 16_000, 10_000, 'audio at the listener');
  screen = await tmux.waitFor(/\/live\.mp3 +127\.0\.0\.1 +mp3 \d+k +1\/1 /);
  t.regex(screen, /1\/1 mounts live {2}1 listeners/);
  // The listeners pane asks for the selected mount's listeners while it has any.
  screen = await tmux.waitFor('tui-e2e-listener/1.0');
  t.regex(screen, /Listeners of \/live\.mp3 \(1\)/);
  listener.socket.destroy();
  await tmux.waitFor(/\/live\.mp3 +127\.0\.0\.1 +mp3 \d+k +0\/1 /);

  // kill -9 of the gateway: the dashboard shows it coming back, with its restart and last exit.
  const before = comp('gateway').pid!;
  process.kill(before, 'SIGKILL');
  screen = await tmux.waitFor((s) => {
    const row = s.split('\n').find((l) => l.startsWith(' gateway') || l.startsWith('>gateway')) ?? '';
    return /gateway +running +\d+ .* 1 .*killed by SIGKILL/.test(row) && !row.includes(` ${before} `);
  }, 20_000);
  t.not(comp('gateway').pid, before);
  t.true(comp('gateway').restarts >= 1);
  t.regex(screen, /killed by SIGKILL/);
});
