// The live playlist: the sliding window, EXT-X-MEDIA-SEQUENCE and EXT-X-DISCONTINUITY-SEQUENCE as
// segments come and go, the three-target-duration minimum, and the text players read.
import test from 'ava';
import { renderPlaylist } from '../../relay/hls/playlist.ts';
import { EXTRA_SEGMENTS, SegmentWindow } from '../../relay/hls/segment-window.ts';
import type { Segment } from '../../relay/hls/segmenter.ts';

/** A segment of `seconds` (at 1000 Hz, so durations are exact) with one marker byte. */
function seg(seconds: number, discontinuity = false): Segment {
  return { codec: 'mp3', data: Buffer.from([0]), samplerate: 1000, samples: Math.round(seconds * 1000), pts: 0, discontinuity };
}

function windowOf(target: number, windowSegments: number): SegmentWindow {
  return new SegmentWindow({ targetDuration: target, windowSegments, name: (seq, s) => `e-${seq}.${s.codec}` });
}

interface Row {
  name: string;
  target: number;
  windowSegments: number;
  /** Durations; a negative one marks a discontinuity. */
  added: number[];
  listed: number[];
  mediaSequence: number;
  discontinuitySequence: number;
}

const ROWS: Row[] = [
  { name: 'fills up to the window', target: 2, windowSegments: 3, added: [2, 2], listed: [0, 1], mediaSequence: 0, discontinuitySequence: 0 },
  { name: 'slides one per new segment', target: 2, windowSegments: 3, added: [2, 2, 2, 2, 2], listed: [2, 3, 4], mediaSequence: 2, discontinuitySequence: 0 },
  // 3 × 1.9 s < 3 × 2 s: a fourth segment stays listed so the playlist lasts three targets.
  { name: 'keeps three target durations', target: 2, windowSegments: 3, added: [1.9, 1.9, 1.9, 1.9, 1.9], listed: [1, 2, 3, 4], mediaSequence: 1, discontinuitySequence: 0 },
  { name: 'short last segments of a source', target: 2, windowSegments: 3, added: [2, 2, 2, 0.5, -2], listed: [1, 2, 3, 4], mediaSequence: 1, discontinuitySequence: 0 },
  { name: 'a discontinuity scrolling out', target: 1, windowSegments: 3, added: [1, -1, 1, 1, 1], listed: [2, 3, 4], mediaSequence: 2, discontinuitySequence: 1 },
  { name: 'two discontinuities out, one listed', target: 1, windowSegments: 3, added: [-1, -1, 1, -1, 1, 1], listed: [3, 4, 5], mediaSequence: 3, discontinuitySequence: 2 },
  { name: 'a larger window', target: 2, windowSegments: 6, added: Array(10).fill(2), listed: [4, 5, 6, 7, 8, 9], mediaSequence: 4, discontinuitySequence: 0 },
];

test('the window slides, and the sequence numbers follow what left it', (t) => {
  for (const row of ROWS) {
    const w = windowOf(row.target, row.windowSegments);
    for (const d of row.added) w.add(seg(Math.abs(d), d < 0));
    const p = w.playlist();
    t.deepEqual(p.entries.map((e) => e.uri), row.listed.map((n) => `e-${n}.mp3`), row.name);
    t.is(p.mediaSequence, row.mediaSequence, row.name);
    t.is(p.discontinuitySequence, row.discontinuitySequence, row.name);
    t.is(p.targetDuration, row.target, row.name);
    const total = p.entries.reduce((n, e) => n + e.duration, 0);
    if (row.added.length > row.listed.length) t.true(total >= 3 * row.target, `${row.name}: ${total} s listed`);
    for (const e of p.entries) t.true(Math.round(e.duration) <= p.targetDuration, `${row.name}: EXTINF ${e.duration} rounds to ≤ TARGETDURATION`);
  }
});

test('segments that left the playlist stay downloadable for a while, then expire', (t) => {
  const w = windowOf(1, 3);
  for (let i = 0; i < 10; i++) w.add(seg(1));
  const kept = Array.from({ length: 10 }, (_, i) => w.get(`e-${i}.mp3`) !== undefined);
  // Listed: 7, 8, 9; kept after leaving: the EXTRA_SEGMENTS before them; gone: the rest.
  t.is(EXTRA_SEGMENTS, 2);
  t.deepEqual(kept, [false, false, false, false, false, true, true, true, true, true]);
  t.is(w.get('e-42.mp3'), undefined);
});

test('a new presentation lists only its own segments and keeps the numbers going', (t) => {
  const w = windowOf(1, 3);
  for (const d of [1, -1, 1, 1]) w.add(seg(Math.abs(d), d < 0));
  w.restart();
  t.deepEqual(w.playlist().entries, [], 'nothing of the old presentation is listed');
  t.is(w.size, 0);
  w.add(seg(1, true));
  const p = w.playlist();
  t.deepEqual(p.entries.map((e) => e.uri), ['e-4.mp3']);
  t.is(p.mediaSequence, 4, 'MEDIA-SEQUENCE never goes back');
  t.is(p.discontinuitySequence, 1, 'the discontinuity that left counts');
  t.deepEqual([0, 1, 2, 3].map((n) => w.get(`e-${n}.mp3`) !== undefined), [false, false, true, true], 'the last ones stay downloadable a while');
});

test('the playlist text', (t) => {
  const text = renderPlaylist({
    targetDuration: 2,
    mediaSequence: 9,
    discontinuitySequence: 1,
    entries: [
      { uri: 'k-9.mp3', duration: 1.985306, discontinuity: false },
      { uri: 'k-10.aac', duration: 0.5, discontinuity: true },
    ],
  });
  t.is(
    text,
    [
      '#EXTM3U',
      '#EXT-X-VERSION:3',
      '#EXT-X-TARGETDURATION:2',
      '#EXT-X-MEDIA-SEQUENCE:9',
      '#EXT-X-DISCONTINUITY-SEQUENCE:1',
      '#EXTINF:1.98531,',
      'k-9.mp3',
      '#EXT-X-DISCONTINUITY',
      '#EXTINF:0.50000,',
      'k-10.aac',
      '',
    ].join('\n'),
  );
  t.false(text.includes('PLAYLIST-TYPE'), 'a live playlist has none (bis §6.2.2)');
  t.false(text.includes('ENDLIST'));
});
