// The real supervisor with real children: the relay core and the gateway as processes, a real
// ffmpeg source through the gateway's plain source port, listeners on the gateway, the control API
// over its unix socket. Every port is 0: the supervisor learns the bound ones from `ready`.
import test from 'ava';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadConfig } from '../../config/load.ts';
import type { ActionResult, ListenersPage, StateSnapshot } from '../../contracts/control-api.ts';
import { reloadCommand } from '../../cli/stop.ts';
import { runSupervisor, type RunningSupervisor } from '../../supervisor/main.ts';
import { startSource, stopProcess } from '../helpers/ffmpeg.ts';
import { listen } from '../helpers/listen.ts';
import { until } from '../helpers/relay.ts';
import { controlCall } from '../helpers/control.ts';

const PASSWORD = 'hackme-source-1';

function yaml(extra = ''): string {
  return `stateDir: ./state
relay:
  port: 0
  auth: {sourcePassword: ${PASSWORD}, adminPassword: hackme-admin-1, relayPassword: hackme-relay-1}
  mounts: {/live.mp3: {}}
gateway:
  listener: {host: 127.0.0.1, port: 0, tlsPort: 0}
  source: {host: 127.0.0.1, port: 0, plainPort: 0}
  admin: {port: 0}
supervisor:
  components:
    - {name: crashy, command: [${process.execPath}, -e, "process.exit(1)"]}
    - {name: missing, command: [/nonexistent/icegate-test-program]}
${extra}`;
}

const call = controlCall;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let dir: string;
let file: string;
let sv: RunningSupervisor;
const pids = new Set<number>();
const state = (): StateSnapshot => sv.snapshot();
const comp = (name: string) => state().components.find((c) => c.name === name)!;

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-supervisor-'));
  file = join(dir, 'gateway.yaml');
  await writeFile(file, yaml());
  const loaded = await loadConfig(file);
  if (!loaded.ok) throw new Error(JSON.stringify(loaded.errors));
  sv = await runSupervisor({
    config: loaded.config,
    configPath: file,
    hostMetrics: false,
    pollIntervalMs: 200,
    timing: { policy: { initialMs: 100, maxMs: 1600, stableMs: 60_000, jitter: 0, crashLoopExits: 5, crashLoopWindowMs: 60_000 }, livenessIntervalMs: 500, livenessTimeoutMs: 1000 },
  });
  await until(() => comp('relay').state === 'running' && comp('gateway').state === 'running', 20_000, 'relay and gateway running');
});

test.after.always(async () => {
  await sv?.stop();
});

const gatewayPort = (name: string): number => Number(sv.components.get('gateway')!.ports![name]);

async function streamFlows(t: { true(v: boolean, m?: string): void }): Promise<void> {
  const capture = await listen({ port: gatewayPort('listener'), path: '/live.mp3', bytes: 16_000, timeoutMs: 8000 });
  t.true(capture.status === 200 && capture.body.length >= 16_000, `listener got ${capture.status}, ${capture.body.length} bytes`);
}

const logText = async (name: string): Promise<string[]> => ((await call(sv.socketPath, 'GET', `/v1/components/${name}/logs?tail=200`)).body as { lines: { text: string }[] }).lines.map((l) => l.text);

test.serial('a real source through the gateway reaches listeners; kill -9 of relay and gateway: restarted at once', async (t) => {
  let source = startSource({ port: gatewayPort('sourcePlain'), mount: '/live.mp3', codec: 'mp3', password: PASSWORD });
  try {
    await until(() => state().mounts.some((m) => m.mount === '/live.mp3' && m.live), 10_000, 'mount live in the snapshot');
    await streamFlows(t);
    for (const name of ['relay', 'gateway'] as const) {
      const before = comp(name);
      pids.add(before.pid!);
      process.kill(before.pid!, 'SIGKILL');
      await until(() => comp(name).state === 'running' && comp(name).pid !== before.pid, 10_000, `${name} back`);
      // The first crash is restarted at once, without a backoff delay (restart-policy.ts).
      t.true((await logText(name)).includes('killed by SIGKILL; starting again at once'), (await logText(name)).join('\n'));
      const after = comp(name);
      pids.add(after.pid!);
      t.is(after.restarts, before.restarts + 1);
      t.like(after.lastExit, { signal: 'SIGKILL', code: null, reason: 'killed by SIGKILL' });
      // The source was cut with its relay (or its gateway): a new one, as an encoder reconnects.
      await stopProcess(source);
      source = startSource({ port: gatewayPort('sourcePlain'), mount: '/live.mp3', codec: 'mp3', password: PASSWORD });
      await until(() => state().mounts.some((m) => m.mount === '/live.mp3' && m.live), 10_000, 'mount live again');
      await streamFlows(t);
    }
    // A player on the gateway's edge is counted once (the relay counts it from the edge's report,
    // the edge's pull is not a player), listed with its address, and kicked through the relay.
    const player = await new Promise<import('node:http').IncomingMessage>((resolve, reject) => {
      request({ host: '127.0.0.1', port: gatewayPort('listener'), path: '/live.mp3', headers: { 'user-agent': 'kick-me/1.0' } }, resolve).on('error', reject).end();
    });
    player.resume();
    const closed = new Promise<void>((resolve) => player.socket.once('close', () => resolve()));
    const liveMount = () => state().mounts.find((m) => m.mount === '/live.mp3');
    // The players of streamFlows() have hung up; wait until the edge has reported that too.
    let listed: ListenersPage = { mount: '', total: 0, listeners: [] };
    const onlyTheNewPlayer = async (): Promise<boolean> => {
      listed = (await call(sv.socketPath, 'GET', '/v1/mounts/%2Flive.mp3/listeners')).body as ListenersPage;
      return listed.total === 1 && listed.listeners[0]?.userAgent === 'kick-me/1.0';
    };
    const deadline = Date.now() + 10_000;
    while (!(await onlyTheNewPlayer()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    t.is(listed.total, 1);
    await until(() => liveMount()?.listeners === 1, 5000, 'one listener in the snapshot');
    t.like(listed.listeners[0], { ip: '127.0.0.1', userAgent: 'kick-me/1.0', mount: '/live.mp3' });
    const kick = await call(sv.socketPath, 'POST', `/v1/mounts/%2Flive.mp3/listeners/${listed.listeners[0]!.id}/kick`);
    t.is(kick.status, 200, JSON.stringify(kick.body));
    await closed;
    await until(() => liveMount()?.listeners === 0, 10_000, 'no listener after the kick');
    // Actions on the live mount through the control API.
    const meta = await call(sv.socketPath, 'POST', '/v1/mounts/%2Flive.mp3/metadata', JSON.stringify({ title: 'Artist - Song' }));
    t.is(meta.status, 200, JSON.stringify(meta.body));
    await until(() => state().mounts.find((m) => m.mount === '/live.mp3')?.title === 'Artist - Song', 5000, 'title in snapshot');
    const kill = await call(sv.socketPath, 'POST', '/v1/mounts/%2Flive.mp3/kill-source');
    t.is(kill.status, 200, JSON.stringify(kill.body));
    t.is((await call(sv.socketPath, 'POST', '/v1/mounts/%2Fnope.mp3/kill-source')).status, 404);
  } finally {
    await stopProcess(source);
  }
});

test.serial('a crash-looping component backs off with growing delays; a missing executable is failed, others unaffected', async (t) => {
  await until(() => comp('crashy').state === 'crash-looping', 15_000, 'crashy crash-looping');
  const c = comp('crashy');
  t.true(c.restarts >= 4);
  t.like(c.lastExit, { code: 1, reason: 'exited with code 1' });
  const lines = (await call(sv.socketPath, 'GET', '/v1/components/crashy/logs?tail=100')).body as { lines: { text: string }[] };
  const delays = lines.lines.map((l) => /starting again (?:in ([\d.]+) s|at once)/.exec(l.text)).filter((m) => m !== null).map((m) => Number(m[1] ?? 0));
  // At once, then doubling; the fifth exit within the window is a crash loop, retried at the cap.
  t.deepEqual(delays.slice(0, 5), [0, 0.1, 0.2, 0.4, 1.6]);
  t.true(lines.lines.some((l) => l.text.includes('CRASH LOOP') && l.text.includes('starting again in 1.6 s')));
  const m = comp('missing');
  t.is(m.state, 'failed');
  t.regex(m.lastExit!.reason, /cannot start: .*ENOENT/);
  t.is(comp('relay').state, 'running');
  t.is(comp('gateway').state, 'running');
});

test.serial('control API: snapshot, event stream, errors, component actions, bans, read-only', async (t) => {
  const s = (await call(sv.socketPath, 'GET', '/v1/state')).body as StateSnapshot;
  t.deepEqual(s.components.map((c) => c.name), ['relay', 'gateway', 'crashy', 'missing']);
  // CPU and memory per component, summed over its process group (a Node process is tens of MB).
  await until(() => (comp('relay').rssBytes ?? 0) > 10_000_000 && comp('relay').cpuPercent !== null && (comp('gateway').rssBytes ?? 0) > 10_000_000, 5000, 'component CPU and RSS sampled');
  t.is(s.supervisor.configFile, file);

  // SSE: a snapshot at once, then another after a change.
  const events = await new Promise<string[]>((resolve, reject) => {
    const got: string[] = [];
    const req = request({ socketPath: sv.socketPath, path: '/v1/events' }, (res) => {
      res.setEncoding('utf8');
      let buf = '';
      res.on('data', (d: string) => {
        buf += d;
        const parts = buf.split('\n\n');
        buf = parts.pop()!;
        for (const p of parts) if (p.startsWith('event: snapshot')) got.push(p);
        if (got.length === 1) void call(sv.socketPath, 'POST', '/v1/components/crashy/stop');
        if (got.some((e) => e.includes('"name":"crashy","kind":"command","state":"stopped"'))) {
          req.destroy();
          resolve(got);
        }
      });
    });
    req.on('error', reject);
    req.end();
    setTimeout(() => {
      req.destroy();
      reject(new Error(`no event showed crashy stopped; got ${got.length} events`));
    }, 10_000);
  });
  t.true(events.length >= 2);
  t.regex(events[0]!, /^event: snapshot\nid: \d+\ndata: \{/);

  const cases: [string, string, string | undefined, number, string][] = [
    ['POST', '/v1/components/nope/restart', undefined, 404, 'unknown-component'],
    ['POST', '/v1/components/crashy/stop', undefined, 409, 'already-stopped'],
    ['POST', '/v1/bans', '{not json', 400, 'bad-request'],
    ['POST', '/v1/bans', JSON.stringify({ ip: 'not-an-ip' }), 400, 'bad-request'],
    ['POST', '/v1/bans', JSON.stringify({ ip: '203.0.113.7', seconds: -1 }), 400, 'bad-request'],
    ['POST', '/v1/mounts/%2Flive.mp3/metadata', JSON.stringify({}), 400, 'bad-request'],
    ['POST', '/v1/mounts/%2Fnope.mp3/listeners/5/kick', undefined, 404, 'unknown-mount'],
    ['POST', '/v1/bans', 'x'.repeat(20_000), 413, 'body-too-large'],
    ['GET', '/v1/nothing', undefined, 404, 'not-found'],
    ['GET', '/v1/components/relay/logs?tail=99999', undefined, 400, 'bad-request'],
  ];
  for (const [method, path, body, status, code] of cases) {
    const r = await call(sv.socketPath, method, path, body);
    t.is(r.status, status, `${method} ${path}`);
    t.like(r.body as ActionResult, { ok: false, error: { code } });
  }
  t.is(comp('relay').state, 'running');

  const start = await call(sv.socketPath, 'POST', '/v1/components/crashy/start');
  t.is(start.status, 200);
  const ban = await call(sv.socketPath, 'POST', '/v1/bans', JSON.stringify({ ip: '203.0.113.7', seconds: 600 }));
  t.is(ban.status, 200, JSON.stringify(ban.body));
  await until(() => state().security.bans.some((b) => b.ip === '203.0.113.7'), 5000, 'ban in snapshot');
  t.is((await call(sv.socketPath, 'DELETE', '/v1/bans/203.0.113.7')).status, 200);
  t.is((await call(sv.socketPath, 'DELETE', '/v1/bans/203.0.113.7')).status, 404);
  const relayPid = comp('relay').pid;
  t.is((await call(sv.socketPath, 'POST', '/v1/components/relay/restart')).status, 200);
  await until(() => comp('relay').state === 'running' && comp('relay').pid !== relayPid, 10_000, 'relay restarted');
  pids.add(comp('relay').pid!);
  t.false(alive(relayPid!));
  const audit = state().audit;
  t.like(audit[0], { user: 'tester', action: 'restart', target: 'relay', ok: true });
  t.true(audit.some((a) => a.action === 'ban' && a.target === '203.0.113.7'));

  const page = await call(sv.socketPath, 'GET', '/v1/mounts/%2Flive.mp3/listeners');
  t.like(page.body, { mount: '/live.mp3', total: 0 });
});

test.serial('reload: a component that refuses keeps the configuration in force everywhere; the next reload re-plans against it', async (t) => {
  const relayPid = comp('relay').pid;
  const gatewayPid = comp('gateway').pid;
  const htpasswd = join(dir, 'listeners.htpasswd');
  const withAuth = yaml()
    .replace('relay:\n', 'relay:\n  limits: {clients: 400}\n')
    .replace('  admin: {port: 0}\n', `  admin: {port: 0}\n  mounts:\n    /live.mp3: {auth: htpasswd, htpasswd: ${htpasswd}}\n`);
  await writeFile(file, withAuth);
  // The relay takes its part, the gateway cannot read the htpasswd file: nothing changes anywhere.
  const refused = await call(sv.socketPath, 'POST', '/v1/reload');
  t.is(refused.status, 409, JSON.stringify(refused.body));
  const error = (refused.body as Extract<ActionResult, { ok: false }>).error;
  t.is(error.code, 'reload-refused');
  t.is(error.refusal?.component, 'gateway');
  t.regex(error.refusal!.reason, /listeners\.htpasswd/);
  t.regex(error.message, /relay: back to the settings in force/);
  t.is(sv.config.relay.limits.clients, 10_000);
  t.deepEqual(sv.config.gateway.mounts, {});
  t.like(state().audit[0], { user: 'tester', action: 'reload', ok: false });
  t.regex(state().audit[0]!.message, /gateway/);
  // `icegate reload` says who refused and why, and exits 1.
  const out: string[] = [];
  const err: string[] = [];
  const code = await reloadCommand.run(['--socket', sv.socketPath], { out: (l) => out.push(l), err: (l) => err.push(l) });
  t.is(code, 1);
  t.regex(err[0]!, /^icegate reload: refused by the gateway: .*listeners\.htpasswd/);
  // The operator's fix: the same file, now with the htpasswd file present, is planned again in full.
  await writeFile(htpasswd, '');
  const fixed = await call(sv.socketPath, 'POST', '/v1/reload');
  t.is(fixed.status, 200, JSON.stringify(fixed.body));
  t.regex((fixed.body as { message: string }).message, /relay: settings applied live/);
  t.regex((fixed.body as { message: string }).message, /gateway: gateway\.mounts applied live/);
  t.is(sv.config.relay.limits.clients, 400);
  t.is(sv.config.gateway.mounts['/live.mp3']?.auth, 'htpasswd');
  t.is(comp('relay').pid, relayPid);
  t.is(comp('gateway').pid, gatewayPid);
});

test.serial('reload: a bad file keeps everything; a good one applies live or restarts what it touches; read-only', async (t) => {
  const relayPid = comp('relay').pid;
  const gatewayPid = comp('gateway').pid;
  await writeFile(file, yaml().replace('port: 0\n  auth', 'port: nope\n  auth'));
  const bad = await call(sv.socketPath, 'POST', '/v1/reload');
  t.is(bad.status, 422);
  t.regex((bad.body as { error: { message: string } }).error.message, /relay\.port/);
  await writeFile(file, yaml().replace('relay:\n', 'relay:\n  limits: {clients: 500}\n').replace('supervisor:\n', 'supervisor:\n  readOnly: true\n'));
  const good = await call(sv.socketPath, 'POST', '/v1/reload');
  t.is(good.status, 200, JSON.stringify(good.body));
  t.regex((good.body as { message: string }).message, /relay: settings applied live/);
  t.is(comp('relay').pid, relayPid);
  t.is(comp('gateway').pid, gatewayPid);
  const ro = await call(sv.socketPath, 'POST', '/v1/components/relay/restart');
  t.is(ro.status, 403);
  t.like(ro.body, { ok: false, error: { code: 'read-only' } });
  t.true(state().supervisor.readOnly);
});

test.serial('a second supervisor for the same configuration is refused; graceful stop leaves no process', async (t) => {
  const loaded = await loadConfig(file);
  if (!loaded.ok) return t.fail();
  await t.throwsAsync(runSupervisor({ config: loaded.config, configPath: file, hostMetrics: false }), { message: /already running/ });
  t.is(comp('relay').state, 'running');
  for (const c of state().components) if (c.pid !== null) pids.add(c.pid);
  await sv.stop();
  t.deepEqual([...pids].filter(alive), []);
});
