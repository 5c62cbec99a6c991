// The pure rules of a held source (gateway/hold/decide.ts, buffer.ts) and of a takeover
// (stream/takeover.ts), as tables.
import test from 'ava';
import { HLS_WAIT_MAX_MS, holdBufferBytes, nextRetry, onForwardFailed, onReconnectAnswer, onUpstreamLost } from '../../gateway/hold/decide.ts';
import { HoldBuffer } from '../../gateway/hold/buffer.ts';
import { takeoverDecision } from '../../stream/takeover.ts';

const lost = [
  { name: 'a streaming source whose relay vanished is held', streaming: true, endless: true, notice: null, holdMs: 10_000, want: 'hold' },
  { name: 'the relay killed it on purpose: ended', streaming: true, endless: true, notice: 'killed', holdMs: 10_000, want: 'end' },
  { name: 'another source took the mount over: ended', streaming: true, endless: true, notice: 'replaced', holdMs: 10_000, want: 'end' },
  { name: 'the relay had refused it (no 200): ended', streaming: false, endless: true, notice: null, holdMs: 10_000, want: 'end' },
  { name: 'a framed body (Content-Length): ended', streaming: true, endless: false, notice: null, holdMs: 10_000, want: 'end' },
  { name: 'holding switched off: ended', streaming: true, endless: true, notice: null, holdMs: 0, want: 'end' },
] as const;
for (const row of lost) {
  test(`upstream lost: ${row.name}`, (t) => t.is(onUpstreamLost(row), row.want));
}

test('retries: soon and short, capped at 250 ms, never past the hold time', (t) => {
  const delays: number[] = [];
  let failures = 0;
  for (let heldMs = 0; ; ) {
    const step = nextRetry({ heldMs, holdMs: 5000, failures, random: 0 });
    if (step.kind === 'release') break;
    delays.push(step.delayMs);
    failures = step.failures;
    heldMs += step.delayMs;
  }
  t.deepEqual(delays.slice(0, 4), [100, 200, 250, 250]);
  t.is(delays.reduce((a, b) => a + b, 0), 5000);
});

const answers = [
  [200, 'resume'],
  [403, 'refused'],
  [401, 'refused'],
  [502, 'retry'],
  [null, 'retry'],
] as const;
for (const [status, want] of answers) {
  test(`the new relay answers ${status ?? 'nothing readable'}: ${want}`, (t) => t.is(onReconnectAnswer(status), want));
}

test('the hold buffer is sized by the rate before the break, within 16 KiB and 4 MiB', (t) => {
  t.is(holdBufferBytes(160_000, 10_000, 4), 64_000, '128 kbit/s for 4 s');
  t.is(holdBufferBytes(100, 10_000, 4), 16 * 1024);
  t.is(holdBufferBytes(1e9, 1000, 30), 4 * 1024 * 1024);
});

test('a full hold buffer drops the oldest chunks, counts them, and keeps its head on a boundary', (t) => {
  const b = new HoldBuffer(300);
  const chunk = (n: number, sync = true) => ({ data: Buffer.alloc(n, n), sync, headers: null });
  b.push(chunk(100));
  b.push(chunk(50, false));
  b.push(chunk(100));
  b.push(chunk(120));
  t.is(b.dropped, 150);
  t.is(b.bytes, 220);
  const out = b.take();
  t.deepEqual(out.map((c) => c.data.length), [100, 120]);
  t.true(out[0]!.sync);
  t.is(b.bytes, 0);
});

const takeovers = [
  { name: 'live source, same credentials', idleMs: 100, sameCredentials: true, want: 'in-use' },
  { name: 'live source, other credentials', idleMs: 100, sameCredentials: false, want: 'in-use' },
  { name: 'silent source, same credentials', idleMs: 3000, sameCredentials: true, want: 'take-over' },
  { name: 'silent source, other credentials', idleMs: 3000, sameCredentials: false, want: 'in-use' },
] as const;
for (const row of takeovers) {
  test(`takeover: ${row.name}`, (t) => t.is(takeoverDecision({ ...row, afterMs: 3000 }), row.want));
}

const forwards = [
  { name: 'a GET the relay refused is held', method: 'GET', code: 'ECONNREFUSED', responded: false, holdMs: 15_000, want: HLS_WAIT_MAX_MS },
  { name: 'a HEAD too', method: 'HEAD', code: 'ECONNREFUSED', responded: false, holdMs: 15_000, want: HLS_WAIT_MAX_MS },
  { name: 'never longer than gateway.hold.players', method: 'GET', code: 'ECONNREFUSED', responded: false, holdMs: 2000, want: 2000 },
  { name: 'players not held: not held either', method: 'GET', code: 'ECONNREFUSED', responded: false, holdMs: 0, want: 0 },
  { name: 'a reset after sending: the relay may have seen it', method: 'GET', code: 'ECONNRESET', responded: false, holdMs: 15_000, want: 0 },
  { name: 'an answer under way', method: 'GET', code: 'ECONNREFUSED', responded: true, holdMs: 15_000, want: 0 },
  { name: 'not idempotent', method: 'POST', code: 'ECONNREFUSED', responded: false, holdMs: 15_000, want: 0 },
] as const;
for (const row of forwards) {
  test(`HLS request without a relay: ${row.name}`, (t) => t.is(onForwardFailed(row), row.want));
}
