// Reading a source socket in batches (relay/read-batch.ts): how long the socket may be left unread
// after a read, from the rate that read shows, the coalescer's limits and what the mount's other
// readers allow. Sources read that way end to end: test/relay/source-clients, ingest-*, hls-live.
import test from 'ava';
import { MAX_BATCH_BYTES, MIN_BATCH_MS, batchPlan, type BatchInput } from '../../relay/read-batch.ts';
import { CHUNK_MAX_DELAY_MS, CHUNK_TARGET } from '../../stream/coalescer.ts';

const base: BatchInput = { bytes: 418, sinceMs: 26, deadlineMs: Infinity, maxDelayMs: CHUNK_MAX_DELAY_MS, stagedMs: Infinity, audioKbps: 128 };

const P = true;
const cases: Array<[string, Partial<BatchInput>, number, boolean]> = [
  // 128 kbit/s: 16 bytes a ms, the 8 KiB target takes 512 ms: the coalescer's 500 ms decide.
  ['128 kbit/s, frame by frame: the coalescer delay', {}, CHUNK_MAX_DELAY_MS, P],
  ['128 kbit/s, a batch of 500 ms: the coalescer delay', { bytes: 8000, sinceMs: 500 }, CHUNK_MAX_DELAY_MS, P],
  // 320 kbit/s: 40 bytes a ms, the target is reached after 204.8 ms.
  ['320 kbit/s: when the coalescer would reach its target', { bytes: 8000, sinceMs: 200, audioKbps: 320 }, Math.floor(CHUNK_TARGET / 40), P],
  ['2 Mbit/s: the target within a batch too short to pay, read on', { bytes: 12500, sinceMs: 50, audioKbps: 2000 }, 0, false],
  ['128 kbit/s audio arriving at 1.5 times its rate: still real time', { bytes: 2400, sinceMs: 100 }, Math.floor(CHUNK_TARGET / 24), P],
  ['128 kbit/s audio arriving faster than 1.5 times its rate: ahead, read on', { bytes: 2500, sinceMs: 100 }, 0, false],
  ['no bitrate measured (no frames yet, Ogg): read on', { audioKbps: null }, 0, false],
  ['audio staged, due in 340 ms: read 10 ms before and publish', { stagedMs: 340 }, 330, P],
  ['audio staged, due sooner than a batch is worth: read on, the timer publishes', { stagedMs: MIN_BATCH_MS }, 0, false],
  ['an HLS cut due in 300 ms: read then, without publishing', { deadlineMs: 300 }, 300, false],
  ['an HLS cut due after the coalescer: the coalescer decides', { deadlineMs: 700 }, CHUNK_MAX_DELAY_MS, P],
  ['an HLS cut due with the coalescer: one read for both', { deadlineMs: CHUNK_MAX_DELAY_MS }, CHUNK_MAX_DELAY_MS, P],
  ['an HLS cut due sooner than a batch is worth: read on', { deadlineMs: MIN_BATCH_MS - 1 }, 0, false],
  ['an HLS cut overdue: read on', { deadlineMs: -40 }, 0, false],
  ['the first read: no rate yet, read on', { sinceMs: Infinity }, 0, false],
  ['the read after a silence: no rate yet, read on', { sinceMs: 5000 }, 0, false],
  ['no coalescing on the mount: read on', { maxDelayMs: 0 }, 0, false],
  ['an empty read: read on', { bytes: 0 }, 0, false],
  ['a read of more than two chunks (a source ahead of real time): read on', { bytes: MAX_BATCH_BYTES + 1, sinceMs: 1000 / 3 }, 0, false],
  ['a read of two chunks in 700 ms at 192 kbit/s: batched until the next chunk is due', { bytes: MAX_BATCH_BYTES, sinceMs: 700, audioKbps: 192 }, 350, P],
];

for (const [title, input, delayMs, publish] of cases) {
  test(`batchPlan: ${title}`, (t) => {
    t.deepEqual(batchPlan({ ...base, ...input }), { delayMs, publish });
  });
}
