// The control API's refusals that the relay, the gateway and the supervisor itself decide, through
// the real path: the supervisor with its real relay and gateway children, the control API on its
// unix socket, the action sent over IPC to the child that refuses it. Every port is 0.
import test from 'ava';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { ActionResult, StateSnapshot } from '../../contracts/control-api.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { CONTROL_ERRORS, type ControlErrorCode } from '../../supervisor/errors.ts';
import { until } from '../helpers/relay.ts';
import { controlCall, type ControlCall } from '../helpers/control.ts';

const YAML = `stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: hackme-source-1, adminPassword: hackme-admin-1, relayPassword: hackme-relay-1}
  mounts: {/live.mp3: {}}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
`;

type Reply = ControlCall<ActionResult>;
const call = (sock: string, method: string, path: string, body?: string): Promise<Reply> => controlCall<ActionResult>(sock, method, path, body);

let dir: string;
let file: string;
let sv: RunningSupervisor;
const comp = (name: string) => (sv.snapshot() as StateSnapshot).components.find((c) => c.name === name)!;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-errors-'));
  file = join(dir, 'gateway.yaml');
  await writeFile(file, YAML);
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false, pollIntervalMs: 200 });
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
});

test.after.always(async () => {
  await sv?.stop();
  if (dir) await rm(dir, { recursive: true, force: true });
});

async function refused(t: import('ava').ExecutionContext, method: string, path: string, body: string | undefined, code: ControlErrorCode): Promise<void> {
  const r = await call(sv.socketPath, method, path, body);
  t.is(r.status, CONTROL_ERRORS[code].status, `${method} ${path}`);
  t.like(r.body, { ok: false, error: { code } });
  if (!r.body.ok) t.true(r.body.error.message.startsWith(CONTROL_ERRORS[code].message), r.body.error.message);
}

// Refused by the relay (relay/ipc.ts), the gateway (gateway/ipc.ts) or the supervisor, while both run.
const whileRunning: [string, string, string | undefined, ControlErrorCode][] = [
  ['POST', '/v1/mounts/%2Flive.mp3/listeners/424242/kick', undefined, 'unknown-listener'],
  ['POST', '/v1/mounts/%2Flive.mp3/kill-source', undefined, 'no-source'],
  ['POST', '/v1/mounts/%2Flive.mp3/metadata', JSON.stringify({ title: 'Artist - Title' }), 'no-source'],
  ['POST', '/v1/mounts/%2Fnope.mp3/kill-source', undefined, 'unknown-mount'],
  ['DELETE', '/v1/bans/203.0.113.99', undefined, 'not-banned'],
  ['POST', '/v1/components/relay/start', undefined, 'already-running'],
  ['POST', '/v1/components/gateway/start', undefined, 'already-running'],
  ['POST', '/v1/components/nope/stop', undefined, 'unknown-component'],
  ['GET', '/v1/nothing', undefined, 'not-found'],
  ['POST', '/v1/bans', '{"ip": 7}', 'bad-request'],
];
for (const [method, path, body, code] of whileRunning) {
  test.serial(`${code}: ${method} ${path}`, refused, method, path, body, code);
}

test.serial('invalid-config: a reload with a file that does not validate; the running configuration is kept', async (t) => {
  const relayPid = comp('relay').pid;
  await writeFile(file, YAML.replace('port: 0\n  auth', 'port: nope\n  auth'));
  try {
    await refused(t, 'POST', '/v1/reload', undefined, 'invalid-config');
  } finally {
    await writeFile(file, YAML);
  }
  t.is(comp('relay').pid, relayPid);
});

test.serial('already-started: a second supervisor for the same configuration', async (t) => {
  const loaded = await loadConfig(file);
  if (!loaded.ok) return t.fail(JSON.stringify(loaded.errors));
  const error = await t.throwsAsync(runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false }));
  t.like(error, { code: 'already-started' satisfies ControlErrorCode });
  t.is(comp('relay').state, 'running');
});

test.serial('unavailable: an action for the gateway while it is stopped', async (t) => {
  t.is((await call(sv.socketPath, 'POST', '/v1/components/gateway/stop')).status, 200);
  await until(() => comp('gateway').state === 'stopped', 10_000, 'gateway stopped');
  await refused(t, 'DELETE', '/v1/bans/203.0.113.99', undefined, 'unavailable');
  await refused(t, 'POST', '/v1/bans', JSON.stringify({ ip: '203.0.113.99', seconds: 60 }), 'unavailable');
  await refused(t, 'POST', '/v1/components/gateway/stop', undefined, 'already-stopped');
});
