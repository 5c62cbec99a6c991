// kill -9 of the gateway and of the relay core under the real supervisor while `icegate push`
// pushes: the push process stays up, reconnects by itself, and the mount serves again.
import test from 'ava';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import net, { type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSourceLink } from '../../contracts/source-link.ts';
import { pinOf } from '../../cli/source-link.ts';
import { loadConfig } from '../../config/load.ts';
import { selfSignedPaths } from '../../gateway/tls/files.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { decode } from '../helpers/ffmpeg.ts';
import { until } from '../helpers/relay.ts';
import { Shared } from '../gateway/server-harness.ts';
import { startPush, tlsListen } from './stack.ts';

const PASSWORD = 'hackme-source-push';

/** Ports the OS hands out now: the gateway must come back on the same ones, so they are fixed. */
async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const shared = new Shared();
let dir: string;
let sv: RunningSupervisor;
let ports: { source: number; listenerTls: number };

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-push-restart-'));
  ports = { source: await freePort(), listenerTls: await freePort() };
  const file = join(dir, 'gateway.yaml');
  await writeFile(
    file,
    `stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${PASSWORD}, adminPassword: hackme-admin-1, relayPassword: hackme-relay-1}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: ${ports.listenerTls}}
  source: {host: 127.0.0.1, port: ${ports.source}}
  admin: {port: 0}
`,
  );
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({
    config: loaded.config,
    configPath: file,
    hostMetrics: false,
    pollIntervalMs: 200,
    timing: { policy: { initialMs: 100, maxMs: 1600, stableMs: 60_000, jitter: 0, crashLoopExits: 5, crashLoopWindowMs: 60_000 }, livenessIntervalMs: 500, livenessTimeoutMs: 1000 },
  });
  await until(() => ['relay', 'gateway'].every((n) => comp(n).state === 'running'), 30_000, 'relay and gateway running');
});

test.after.always(async () => {
  await shared.run();
  await sv?.stop();
  await rm(dir, { recursive: true, force: true });
});

const comp = (name: string) => sv.snapshot().components.find((c) => c.name === name)!;

test.serial('kill -9 of the gateway, then of the relay: push stays up and the mount serves again', async (t) => {
  const pin = pinOf(await readFile(selfSignedPaths(join(dir, 'state')).cert, 'utf8'));
  const link = formatSourceLink({ user: 'source', password: PASSWORD, host: '127.0.0.1', port: ports.source, mount: '/live.mp3', pins: [pin] });
  const push = startPush(shared, ['--input', 'tone', link]);
  await push.until((s) => s.state === 'live', 30_000, 'live');
  for (const name of ['gateway', 'relay']) {
    const before = comp(name);
    // The gateway holds the encoder's connection: a dead gateway is noticed and reconnected to,
    // a restarting relay behind it is not noticed at all (gateway/hold/).
    const reconnectsBefore = push.statuses.at(-1)?.reconnects ?? 0;
    const lost = name === 'gateway' ? push.until((s) => s.state !== 'live', 20_000, `connection lost after killing the ${name}`) : null;
    process.kill(before.pid!, 'SIGKILL');
    await lost;
    await until(() => comp(name).state === 'running' && comp(name).pid !== before.pid, 20_000, `${name} back`);
    const back = await push.until((s) => s.state === 'live', 30_000, `live again after the ${name}`);
    if (name === 'gateway') t.true(back.reconnects > reconnectsBefore);
    t.is(push.child.exitCode, null, 'the push process is still running');
    const capture = await tlsListen(ports.listenerTls, '/live.mp3', 16_000);
    t.is(capture.status, 200);
    const decoded = await decode(capture.body, 'mp3');
    t.true(decoded.ok && decoded.seconds > 0.5, `after the ${name}: ${decoded.errors} ${decoded.seconds} s`);
  }
  t.is(await push.stop(), 0);
});
