// The restart decision over time, with a fake clock: runs end at given instants, the table says
// what the policy must decide.
import test from 'ava';
import { decideRestart, FRESH_HISTORY, type RestartDecision, type RestartHistory, type RestartMode, type RunEnd } from '../../supervisor/restart-policy.ts';

const policy = { initialMs: 1000, maxMs: 30_000, stableMs: 60_000, jitter: 0.2, crashLoopExits: 5, crashLoopWindowMs: 60_000 };
const crash: RunEnd = { kind: 'exit', code: 1, signal: null };
const clean: RunEnd = { kind: 'exit', code: 0, signal: null };

/** Runs that each became ready at once and ended `ranMs` later, back to back after each delay. */
function series(count: number, ranMs: number, end: RunEnd = crash, mode: RestartMode = 'always', random = 0): RestartDecision[] {
  let now = 0;
  let history: RestartHistory = FRESH_HISTORY;
  const out: RestartDecision[] = [];
  for (let i = 0; i < count; i++) {
    const readyAt = now;
    now += ranMs;
    const d = decideRestart({ mode, end, now, readyAt, history, random }, policy);
    out.push(d);
    history = d.history;
    if (d.restart) now += d.delayMs;
  }
  return out;
}

const delays = (ds: RestartDecision[]) => ds.map((d) => (d.restart ? d.delayMs : null));
const states = (ds: RestartDecision[]) => ds.map((d) => d.state);

// Fast restarts: the first failure is restarted at once, only a component that keeps failing
// waits, on a doubling curve up to the cap.
const curves: [string, RestartDecision[], (number | null)[]][] = [
  ['quick crashes: at once, then doubling', series(4, 100), [0, 1000, 2000, 4000]],
  ['crashes 20 s apart: the same curve', series(4, 20_000), [0, 1000, 2000, 4000]],
  ['a single crash after a short run: at once', series(1, 100), [0]],
  ['a single crash before it was ever stable: at once', series(1, 0), [0]],
  ['stable runs: every crash is a first one', series(4, 70_000), [0, 0, 0, 0]],
  ['a clean exit under always: at once too', series(2, 100, clean), [0, 1000]],
  ['on-failure after a crash: at once', series(2, 100, crash, 'on-failure'), [0, 1000]],
];
for (const [name, ds, want] of curves) {
  test(`restart delays: ${name}`, (t) => {
    t.deepEqual(delays(ds), want);
  });
}

test('quick crashes back off exponentially up to the cap', (t) => {
  t.deepEqual(delays(series(7, 100)).slice(0, 4), [0, 1000, 2000, 4000]);
  t.deepEqual(delays(series(4, 20_000)), [0, 1000, 2000, 4000]);
});

test('five ends within a minute are a crash loop, still retried, at the cap', (t) => {
  const ds = series(7, 100);
  t.deepEqual(states(ds), ['backoff', 'backoff', 'backoff', 'backoff', 'crash-looping', 'crash-looping', 'crash-looping']);
  t.true(ds.every((d) => d.restart));
  t.deepEqual(delays(ds).slice(4), [30_000, 30_000, 30_000]);
});

test('runs that were healthy for the stable period never make a loop', (t) => {
  t.deepEqual(states(series(8, 70_000)), Array(8).fill('backoff'));
  t.deepEqual(delays(series(8, 70_000)), Array(8).fill(0));
});

test('five ends in a row without a stable run are a loop even when slower than the window', (t) => {
  t.deepEqual(states(series(6, 20_000)), ['backoff', 'backoff', 'backoff', 'backoff', 'crash-looping', 'crash-looping']);
});

test('a run that was healthy for the stable period starts the curve over', (t) => {
  let history: RestartHistory = FRESH_HISTORY;
  for (const now of [100, 1200, 3300]) history = decideRestart({ mode: 'always', end: crash, now, readyAt: now - 100, history, random: 0 }, policy).history;
  const after = decideRestart({ mode: 'always', end: crash, now: 200_000, readyAt: 100_000, history, random: 0 }, policy);
  t.like(after, { restart: true, state: 'backoff', delayMs: 0 });
});

test('jitter only shortens, by at most its fraction', (t) => {
  t.deepEqual(delays(series(4, 100, crash, 'always', 0.5)), [0, 900, 1800, 3600]);
});

const modes: [RestartMode, RunEnd, boolean][] = [
  ['always', clean, true],
  ['always', crash, true],
  ['on-failure', clean, false],
  ['on-failure', crash, true],
  ['on-failure', { kind: 'exit', code: null, signal: 'SIGKILL' }, true],
  ['on-failure', { kind: 'probe' }, true],
  ['never', crash, false],
  ['never', { kind: 'spawn-error' }, true],
];
for (const [mode, end, restarts] of modes) {
  test(`restart: ${mode} after ${JSON.stringify(end)} ${restarts ? 'restarts' : 'stays stopped'}`, (t) => {
    const d = decideRestart({ mode, end, now: 5000, readyAt: 0, history: FRESH_HISTORY, random: 0 }, policy);
    t.is(d.restart, restarts);
    if (!restarts) t.is(d.state, 'stopped');
  });
}

test('a component that cannot be spawned is failed and retried at the cap', (t) => {
  const d = decideRestart({ mode: 'always', end: { kind: 'spawn-error' }, now: 10, readyAt: null, history: FRESH_HISTORY, random: 0 }, policy);
  t.like(d, { restart: true, state: 'failed', delayMs: 30_000 });
});
