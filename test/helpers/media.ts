// Audio made at test time with the npm-shipped ffmpeg (nothing binary is committed).
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { FFMPEG, CODECS, type TestCodec } from './ffmpeg.ts';

const run = promisify(execFile);

/** `seconds` of pink noise encoded as `codec`, returned as one Buffer. */
export async function makeAudio(codec: TestCodec, seconds: number): Promise<Buffer> {
  const c = CODECS[codec];
  const { stdout } = await run(
    FFMPEG,
    ['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', `anoisesrc=color=pink:amplitude=0.2:sample_rate=44100:duration=${seconds}`, '-ac', '2', ...c.args, '-f', c.format, '-'],
    { encoding: 'buffer', maxBuffer: 64 * 1024 * 1024 },
  );
  return stdout;
}
