// One component with real (tiny) processes and a fake clock: the first crash is restarted at once,
// the next ones wait on the clock; an invalid message from a child is logged and ignored. Nothing
// here sleeps: tests wait for the component's events and move the clock by hand.
import test from 'ava';
import { once } from 'node:events';
import type { ComponentExit } from '../../contracts/control-api.ts';
import { Component } from '../../supervisor/component.ts';
import type { ComponentSpec, ComponentTiming } from '../../supervisor/component-spec.ts';
import { FakeClock } from '../helpers/fake-clock.ts';

const policy = { initialMs: 100, maxMs: 1600, stableMs: 60_000, jitter: 0, crashLoopExits: 5, crashLoopWindowMs: 60_000 };

function component(name: string, script: string, ipc: boolean, clock: FakeClock): Component {
  const spec: ComponentSpec = { name, kind: 'command', command: [process.execPath, '-e', script], env: {}, cwd: process.cwd(), stopSignal: 'SIGTERM', stopTimeoutMs: 5000, restart: 'always', ipc, dependsOn: [] };
  const timing: ComponentTiming = { policy, readyTimeoutMs: 30_000, livenessIntervalMs: 5000, livenessTimeoutMs: 2000, livenessFailures: 3, clock, random: () => 0 };
  return new Component(spec, timing);
}

const nextEnd = (c: Component): Promise<ComponentExit> => once(c, 'ended').then(([exit]) => exit as ComponentExit);

test('a crash is restarted at once the first time; a second one waits the backoff on the clock', async (t) => {
  const clock = new FakeClock();
  const c = component('crashy', 'process.exit(3)', false, clock);
  const logs: string[] = [];
  c.on('log', (l) => logs.push(l.text));
  try {
    const first = nextEnd(c);
    c.start();
    t.like(await first, { code: 3, reason: 'exited with code 3' });
    // Straight back: no backoff state, no timer.
    t.is(c.restarts, 1);
    t.true(logs.includes('exited with code 3; starting again at once'));
    await nextEnd(c);
    t.is(c.state, 'backoff');
    t.is(c.restarts, 1);
    t.is(c.view(clock.now()).nextRestartSeconds, 0.1);
    t.true(logs.includes('exited with code 3; starting again in 0.1 s'));
    const third = nextEnd(c);
    clock.advance(99);
    t.is(c.restarts, 1);
    clock.advance(1);
    t.is(c.restarts, 2);
    await third;
    t.is(c.state, 'backoff');
    t.is(c.view(clock.now()).nextRestartSeconds, 0.2);
  } finally {
    await c.stop();
  }
  t.is(c.state, 'stopped');
});

test('a child that sends an invalid message: logged, ignored, and the valid `ready` after it still counts', async (t) => {
  const clock = new FakeClock();
  const script = "process.send({ type: 'ready', ports: { relay: 'not a port' } }); process.send({ type: 'hello' }); process.send({ type: 'ready', ports: { relay: 8123 } }); setInterval(() => {}, 1000);";
  const c = component('chatty', script, true, clock);
  const logs: string[] = [];
  c.on('log', (l) => logs.push(l.text));
  try {
    const ready = c.nextReady();
    c.start();
    t.deepEqual(await ready, { relay: 8123 });
    t.is(c.state, 'running');
    t.is(logs.filter((l) => l.startsWith('ignored an invalid message from chatty')).length, 2);
    t.true(logs.some((l) => l.includes('(ports.relay: ')));
  } finally {
    await c.stop();
  }
  t.is(c.state, 'stopped');
});

test('nextReady rejects with the reason when the run ends first', async (t) => {
  const clock = new FakeClock();
  const c = component('broken', 'process.exit(2)', true, clock);
  try {
    const ready = c.nextReady();
    c.start();
    await t.throwsAsync(ready, { message: 'exited with code 2 before it was ready' });
  } finally {
    await c.stop();
  }
});

test('nextReady rejects when the clock passes its timeout (a dependency that never comes)', async (t) => {
  const clock = new FakeClock();
  const c = component('waiting', 'setInterval(() => {}, 1000)', true, clock);
  const ready = c.nextReady(1000);
  clock.advance(1000);
  await t.throwsAsync(ready, { message: 'not ready within 1 s' });
});
