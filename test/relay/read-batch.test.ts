// Reading a source socket in batches (relay/read-batch.ts): how long the socket may be left unread
// after a read, from the rate that read shows, the coalescer's limits and what the mount's other
// readers allow. Sources read that way end to end: test/relay/source-clients, ingest-*, hls-live.
import test from 'ava';
import { MIN_BATCH_MS, batchDelayMs, type BatchInput } from '../../relay/read-batch.ts';
import { CHUNK_MAX_DELAY_MS, CHUNK_TARGET } from '../../stream/coalescer.ts';

const base: BatchInput = { bytes: 418, sinceMs: 26, deadlineMs: Infinity, maxDelayMs: CHUNK_MAX_DELAY_MS };

const cases: Array<[string, Partial<BatchInput>, number]> = [
  // 128 kbit/s: 16 bytes a ms, the 8 KiB target takes 512 ms: the coalescer's 500 ms decide.
  ['128 kbit/s, frame by frame: the coalescer delay', {}, CHUNK_MAX_DELAY_MS],
  ['128 kbit/s, a batch of 500 ms: the coalescer delay', { bytes: 8000, sinceMs: 500 }, CHUNK_MAX_DELAY_MS],
  // 320 kbit/s: 40 bytes a ms, the target is reached after 204.8 ms.
  ['320 kbit/s: when the coalescer would reach its target', { bytes: 8000, sinceMs: 200 }, Math.floor(CHUNK_TARGET / 40)],
  ['2 Mbit/s: the target within a batch too short to pay, read on', { bytes: 250 * 100, sinceMs: 100 }, 0],
  ['an HLS cut due in 300 ms', { deadlineMs: 300 }, 300],
  ['an HLS cut due sooner than a batch is worth: read on', { deadlineMs: MIN_BATCH_MS - 1 }, 0],
  ['an HLS cut overdue: read on', { deadlineMs: -40 }, 0],
  ['the first read: no rate yet, read on', { sinceMs: Infinity }, 0],
  ['the read after a silence: no rate yet, read on', { sinceMs: 5000 }, 0],
  ['no coalescing on the mount: read on', { maxDelayMs: 0 }, 0],
  ['an empty read: read on', { bytes: 0 }, 0],
];

for (const [title, input, expected] of cases) {
  test(`batchDelayMs: ${title}`, (t) => {
    t.is(batchDelayMs({ ...base, ...input }), expected);
  });
}
