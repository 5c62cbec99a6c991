// Levels and the silence alarm, measured by `icegate push` from what ffmpeg captures. No server
// is needed: the encoder and the meter run whether or not the push is connected.
import test from 'ava';
import { spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatSourceLink } from '../../contracts/source-link.ts';
import { FFMPEG } from '../helpers/ffmpeg.ts';
import { startPush, type StatusLine } from './stack.ts';

let dir: string;
const FILES: Record<string, string> = {
  silent: 'anullsrc=channel_layout=stereo:sample_rate=44100',
  'full-scale 1 kHz': 'aevalsrc=sin(1000*2*PI*t)|sin(1000*2*PI*t):s=44100',
  'quiet 1 kHz (-60 dBFS)': 'aevalsrc=0.001*sin(1000*2*PI*t)|0.001*sin(1000*2*PI*t):s=44100',
};

test.before(async () => {
  dir = await mkdtemp(join(tmpdir(), 'icegate-levels-'));
  for (const [name, source] of Object.entries(FILES)) {
    spawnSync(FFMPEG, ['-v', 'error', '-f', 'lavfi', '-i', source, '-t', '2', '-c:a', 'pcm_s16le', join(dir, `${name}.wav`)]);
  }
});
test.after.always(() => rm(dir, { recursive: true, force: true }));

// Nothing listens on port 9 (discard): the push retries while the meter runs.
const LINK = formatSourceLink({ user: 'source', password: 'pw-123456', host: '127.0.0.1', port: 9, mount: '/live.mp3', pins: [] });

const cases: Array<{ file: string; silent: boolean; peak: [number, number]; rms: [number, number] }> = [
  { file: 'silent', silent: true, peak: [-100, -100], rms: [-100, -100] },
  { file: 'full-scale 1 kHz', silent: false, peak: [-1, 0], rms: [-4, -2] },
  { file: 'quiet 1 kHz (-60 dBFS)', silent: true, peak: [-61.5, -58.5], rms: [-64.5, -61.5] },
];

for (const c of cases) {
  test(`${c.file}: levels and silence`, async (t) => {
    const onSilence = join(dir, `${c.file}.alarm`);
    const push = startPush(t, ['--input', `file:${join(dir, `${c.file}.wav`)}`, '--silence-after', '2', '--on-silence', `echo "$ICEGATE_MOUNT" > '${onSilence}'`, LINK]);
    const metered: StatusLine[] = [];
    // Five reports with audio: more than --silence-after.
    await push.until((s) => s.peakDbfs !== null && metered.push(s) >= 5, 30_000, 'five metered reports');
    for (const s of metered) {
      for (const [i, peak] of s.peakDbfsPerChannel!.entries()) {
        t.true(peak >= c.peak[0] && peak <= c.peak[1], `peak ${peak} dBFS on channel ${i}`);
        const rms = s.rmsDbfsPerChannel![i]!;
        t.true(rms >= c.rms[0] && rms <= c.rms[1], `rms ${rms} dBFS on channel ${i}`);
      }
    }
    if (c.silent) {
      await push.until((s) => s.silent, 10_000, 'silent');
      t.regex(push.stderr(), /SILENCE: the input stayed below -50 dBFS for 2 s/);
      await push.until(() => true, 5000, 'one more report');
      t.is((await readFile(onSilence, 'utf8')).trim(), '/live.mp3', '--on-silence ran');
    } else {
      t.false(push.statuses.some((s) => s.silent));
    }
    t.true(push.statuses.every((s) => s.state !== 'live'));
    t.is(await push.stop(), 0);
  });
}
