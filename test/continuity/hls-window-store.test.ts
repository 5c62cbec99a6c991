// The HLS window kept across a relay restart (relay/hls/window-store.ts, segment-window.ts): what
// is saved comes back with the same names and numbers; a damaged or foreign folder is skipped
// with a log line and changes nothing.
import test from 'ava';
import { mkdtemp, mkdir, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SegmentWindow } from '../../relay/hls/segment-window.ts';
import { WindowStore } from '../../relay/hls/window-store.ts';
import type { Segment } from '../../relay/hls/segmenter.ts';

const segment = (n: number, discontinuity = false): Segment => ({ codec: 'mp3', data: Buffer.alloc(100, n), samplerate: 44100, samples: 44100, pts: n * 90000, discontinuity });
const window = (): SegmentWindow => new SegmentWindow({ targetDuration: 1, windowSegments: 3, name: (seq) => `e-${seq}.mp3` });

async function tempDir(t: { teardown(fn: () => unknown): void }): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'icegate-hls-store-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  return dir;
}

async function saved(store: WindowStore, mount: string, w: SegmentWindow): Promise<void> {
  store.save(mount, 1, w.exportState(), Date.now());
  // Synchronous: the manifest is there, and nothing else but the segments it names.
  const files = await readdir(join(store.dir, encodeURIComponent(mount)));
  const names = [...w.exportState().listed, ...w.exportState().retired].map((s) => s.name);
  if (files.sort().join() !== ['window.json', ...names].sort().join()) throw new Error(`not saved: ${files.join(', ')}`);
}

test('a saved window comes back with its segments, names and numbers', async (t) => {
  const dir = await tempDir(t);
  const w = window();
  for (let i = 0; i < 7; i++) w.add(segment(i, i === 4));
  await saved(new WindowStore(dir, () => {}), '/live.mp3', w);
  const [back, ...more] = new WindowStore(dir, () => {}).loadAll();
  t.is(more.length, 0);
  t.is(back!.mount, '/live.mp3');
  const restored = window();
  restored.restoreState(back!.state);
  t.deepEqual(restored.playlist(), w.playlist());
  for (const s of [...w.exportState().listed, ...w.exportState().retired]) t.true(restored.get(s.name)?.data.equals(s.data), s.name);
  // The numbers go on after the restored ones.
  t.is(restored.add(segment(9, true)).seq, 7);
});

const damaged = [
  { name: 'a manifest that is not JSON', folder: '%2Flive.mp3', manifest: '{', log: /not restored/ },
  { name: 'a manifest of another version', folder: '%2Flive.mp3', manifest: JSON.stringify({ version: 9 }), log: /not restored/ },
  {
    name: 'a manifest naming another mount than its folder',
    folder: '%2Fother.mp3',
    manifest: JSON.stringify({ version: 1, mount: '/live.mp3', savedAt: 0, targetDuration: 1, nextSeq: 0, discontinuitySequence: 0, listed: [], retired: [] }),
    log: /does not match its folder/,
  },
  {
    name: 'a segment name that climbs out of the folder',
    folder: '%2Flive.mp3',
    manifest: JSON.stringify({ version: 1, mount: '/live.mp3', savedAt: 0, targetDuration: 1, nextSeq: 1, discontinuitySequence: 0, retired: [], listed: [{ seq: 0, name: '../x.mp3', duration: 1, codec: 'mp3', samplerate: 44100, samples: 44100, pts: 0, discontinuity: false }] }),
    log: /not restored/,
  },
  {
    name: 'a listed segment whose file is missing',
    folder: '%2Flive.mp3',
    manifest: JSON.stringify({ version: 1, mount: '/live.mp3', savedAt: 0, targetDuration: 1, nextSeq: 1, discontinuitySequence: 0, retired: [], listed: [{ seq: 0, name: 'e-0.mp3', duration: 1, codec: 'mp3', samplerate: 44100, samples: 44100, pts: 0, discontinuity: false }] }),
    log: /ENOENT/,
  },
];
for (const row of damaged) {
  test(`skipped with a log line: ${row.name}`, async (t) => {
    const dir = await tempDir(t);
    await mkdir(join(dir, row.folder));
    await writeFile(join(dir, row.folder, 'window.json'), row.manifest);
    const logs: string[] = [];
    t.deepEqual(new WindowStore(dir, (m) => logs.push(m)).loadAll(), []);
    t.regex(logs.join('\n'), row.log);
  });
}

test('a store that cannot write says so once, not once per segment, and again when it works', async (t) => {
  const dir = await tempDir(t);
  // A file where the mount's folder would be: every write fails.
  await writeFile(join(dir, encodeURIComponent('/live.mp3')), 'in the way');
  const logs: string[] = [];
  const store = new WindowStore(dir, (m) => logs.push(m));
  const w = window();
  for (let i = 0; i < 5; i++) {
    w.add(segment(i));
    store.save('/live.mp3', 1, w.exportState(), Date.now());
  }
  t.is(logs.filter((l) => /not saved/.test(l)).length, 1, logs.join('\n'));
  await rm(join(dir, encodeURIComponent('/live.mp3')));
  await saved(store, '/live.mp3', w);
  t.true(logs.some((l) => /saved again/.test(l)), logs.join('\n'));
});
