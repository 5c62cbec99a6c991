// What a restart costs, measured on `icegate start` from dist/ (supervisor, relay, gateway; plain
// node, as production runs it), loopback only:
//  1. kill -9 of the relay core under an ffmpeg source over TLS and N gateway listeners: each
//     listener's longest silence (median, max), bytes short of 128 kbit/s over the window (median,
//     max), listeners lost, and the time until the supervisor had the relay running again;
//  2. kill -9 of the gateway: kill to serving again on the listener port (a fresh stack per run,
//     so each is a first crash, which the supervisor restarts at once), median of the runs;
//  3. kill -9 of the supervisor as under the shipped systemd unit (Restart=always, RestartSec=2):
//     the children leave by themselves, then after RestartSec `icegate start` again, to serving;
//  4. the anchor: Debian's icecast2 spawned to serving (what its restart costs under a service
//     manager that restarts it at once), when installed.
//   npm run build && npm run bench:restart -- [--listeners 1000] [--runs 5] [--after 8]
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { icecastConfig } from './icecast-config.ts';
import { ROOT, findIcecast, freePort, spawnWithFdLimit, stopChild } from './servers.ts';
import { median } from './stats.ts';
import { Listener, STREAM_BYTES_PER_SECOND, answersOnce, serving, sleep, startSource, startStack, type Stack } from './restart-stack.ts';

const { values } = parseArgs({ options: { listeners: { type: 'string', default: '1000' }, runs: { type: 'string', default: '5' }, after: { type: 'string', default: '8' } } });
const LISTENERS = Number(values.listeners);
const RUNS = Number(values.runs);
const AFTER_MS = Number(values.after) * 1000;
/** docs/icegate.service. */
const RESTART_SEC_MS = 2000;

const alive = (pid: number): boolean => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

async function until(check: () => boolean | Promise<boolean>, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await sleep(10);
  }
}

const ms = (n: number): string => `${Math.round(n)} ms`;

async function relayRestart(stack: Stack): Promise<void> {
  const source = startSource(stack.sourcePort);
  try {
    // The mount is there once the source is on the relay: a listener before that gets a 404.
    await until(async () => {
      if (source.exitCode !== null) throw new Error(`ffmpeg exited ${source.exitCode}`);
      const probe = new Listener(stack.listenerPort);
      await until(() => probe.bytes > 0 || probe.closed, 5000, 'a probe');
      probe.socket.destroy();
      if (probe.bytes === 0) await sleep(200);
      return probe.bytes > 0;
    }, 30_000, 'the mount live');
    const listeners: Listener[] = [];
    for (let i = 0; i < LISTENERS; i += 100) {
      const batch = Array.from({ length: Math.min(100, LISTENERS - i) }, () => new Listener(stack.listenerPort));
      listeners.push(...batch);
      await until(() => batch.every((l) => l.bytes > 0 || l.closed), 30_000, 'a batch of listeners streaming');
    }
    const refused = listeners.filter((l) => l.closed).length;
    await sleep(5000);
    const { relay } = await stack.pids();
    const mark = performance.now();
    for (const l of listeners) l.markGaps(mark);
    process.kill(relay!, 'SIGKILL');
    await until(async () => {
      const p = (await stack.pids().catch(() => ({ relay: null }))).relay;
      return p !== null && p !== relay;
    }, 30_000, 'the relay started again');
    const relayBack = performance.now() - mark;
    await sleep(AFTER_MS);
    const end = performance.now();
    // When each listener's longest silence ended: the relay was back for it.
    const heard = Math.max(...listeners.filter((l) => !l.closed).map((l) => l.gapEndedAt)) - mark;
    const kept = listeners.filter((l) => !l.closed);
    const gaps = kept.map((l) => l.gapUntil(end));
    const expected = (STREAM_BYTES_PER_SECOND * (end - mark)) / 1000;
    const short = kept.map((l) => Math.max(0, expected - l.bytesSinceMark));
    console.log(`\n## kill -9 of the relay core, ${LISTENERS} gateway listeners (plain HTTP), ffmpeg over TLS at 128 kbit/s\n`);
    console.log('| | value |');
    console.log('| --- | ---: |');
    console.log(`| listeners streaming before the kill | ${LISTENERS - refused} of ${LISTENERS} |`);
    console.log(`| relay spawned again by the supervisor (its new pid reported) | ${ms(relayBack)} |`);
    console.log(`| the last listener's longest silence over, from the kill | ${ms(heard)} |`);
    console.log(`| longest silence per listener, median / max | ${ms(median(gaps))} / ${ms(Math.max(...gaps))} |`);
    console.log(`| bytes short of 128 kbit/s over the ${((end - mark) / 1000).toFixed(1)} s from the kill, median / max | ${Math.round(median(short))} / ${Math.round(Math.max(...short))} B |`);
    console.log(`| listeners lost | ${listeners.filter((l) => l.closed).length - refused} |`);
    console.log(`| encoder still pushing | ${source.exitCode === null ? 'yes' : `no (exit ${source.exitCode})`} |`);
    // What the operator sees: the control API's hold view (the dashboard's health pane shows it).
    await sleep(1500);
    console.log(`\ncontrol API hold view afterwards: ${JSON.stringify((await stack.state()).hold ?? null)}`);
    for (const l of listeners) l.socket.destroy();
  } finally {
    await stopChild(source);
  }
}

/** kill -9 of the gateway of a running stack: ms until the listener port serves again. */
async function gatewayKill(stack: Stack): Promise<number> {
  const { gateway } = await stack.pids();
  const t0 = performance.now();
  process.kill(gateway!, 'SIGKILL');
  // The old gateway's sockets go with it; a connection still answered by it is not "again".
  await until(() => !alive(gateway!), 10_000, 'the gateway gone');
  await serving(stack.listenerPort, () => stack.supervisor.exitCode !== null);
  return performance.now() - t0;
}

/** kill -9 of the supervisor, systemd-like: children leave, RestartSec, start again. */
async function supervisorKill(stack: Stack): Promise<{ childrenGone: number; total: number; start: number }> {
  const pids = await stack.pids();
  const t0 = performance.now();
  stack.supervisor.kill('SIGKILL');
  const children = [pids.relay, pids.gateway].filter((p): p is number => p !== null);
  await until(() => children.every((p) => !alive(p)), 30_000, 'the children gone');
  const childrenGone = performance.now() - t0;
  // systemd waits RestartSec after the unit stopped (its cgroup empty).
  await sleep(RESTART_SEC_MS);
  const s0 = performance.now();
  await stack.restart();
  return { childrenGone, total: performance.now() - t0, start: performance.now() - s0 };
}

async function icecastStart(binary: string): Promise<number> {
  const dir = mkdtempSync(path.join(tmpdir(), 'icegate-bench-icecast-'));
  chmodSync(dir, 0o777);
  const port = await freePort();
  const asRoot = userInfo().uid === 0;
  writeFileSync(path.join(dir, 'icecast.xml'), icecastConfig({ port, clients: 100, dir, sourcePassword: 'x-source', adminPassword: 'x-admin', admin: 'icegate-bench@localhost', changeOwner: asRoot ? { user: 'nobody', group: 'nogroup' } : null }));
  const t0 = performance.now();
  const child = spawnWithFdLimit(binary, ['-c', path.join(dir, 'icecast.xml')], ['ignore', 'ignore', 'ignore']);
  try {
    await until(() => answersOnce(port), 15_000, 'icecast serving');
    return performance.now() - t0;
  } finally {
    await stopChild(child);
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
  console.log(`icegate ${commit} (dist/ as built from it; run npm run build first), Node ${process.version}, ${LISTENERS} listeners, ${RUNS} runs`);
  const first = await startStack();
  try {
    await relayRestart(first);
    const gatewayMs = [await gatewayKill(first)];
    await first.stop();
    for (let i = 1; i < RUNS; i++) {
      const s = await startStack();
      try {
        gatewayMs.push(await gatewayKill(s));
      } finally {
        await s.stop();
      }
    }
    console.log(`\n## kill -9 of the gateway: kill to serving again (first crash, restarted at once)\n`);
    console.log(`median ${ms(median(gatewayMs))} (runs: ${gatewayMs.map(ms).join(', ')})`);
    const sup: Awaited<ReturnType<typeof supervisorKill>>[] = [];
    for (let i = 0; i < Math.min(RUNS, 3); i++) {
      const s = await startStack();
      try {
        sup.push(await supervisorKill(s));
      } finally {
        await s.stop();
      }
    }
    console.log(`\n## kill -9 of the supervisor, as under docs/icegate.service (Restart=always, RestartSec=2)\n`);
    console.log(`relay and gateway gone after: median ${ms(median(sup.map((r) => r.childrenGone)))}`);
    console.log(`icegate start to serving: median ${ms(median(sup.map((r) => r.start)))}`);
    console.log(`kill to serving again (gone + RestartSec + start): median ${ms(median(sup.map((r) => r.total)))} (runs: ${sup.map((r) => ms(r.total)).join(', ')})`);
    const icecast = findIcecast();
    if (icecast) {
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await icecastStart(icecast));
      console.log(`\n## anchor: ${icecast} spawned to serving\n`);
      console.log(`median ${ms(median(times))} (runs: ${times.map(ms).join(', ')})`);
    } else {
      console.log('\n(icecast2 not installed: no anchor)');
    }
  } finally {
    await first.stop().catch(() => {});
  }
}

await main().catch((err: unknown) => {
  console.error(err);
  process.exitCode = 1;
});
