// Which ffmpeg the agent runs: --ffmpeg PATH, else the one `npm install` brings
// (@ffmpeg-installer/ffmpeg), else `ffmpeg` on PATH; and what that ffmpeg can capture from.
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { parseCapabilities, type Capabilities } from './ffmpeg-args.ts';

export const HOW_TO_GET_FFMPEG =
  'install one with your package manager (e.g. "apt-get install ffmpeg") and pass --ffmpeg /usr/bin/ffmpeg, or run "npm install" in the icegate directory, which brings @ffmpeg-installer/ffmpeg';

export function bundledFfmpeg(): string {
  try {
    const require = createRequire(import.meta.url);
    return (require('@ffmpeg-installer/ffmpeg') as { path: string }).path;
  } catch {
    return 'ffmpeg';
  }
}

export class FfmpegMissing extends Error {
  override name = 'FfmpegMissing';
  constructor(path: string) {
    super(`ffmpeg was not found at ${JSON.stringify(path)}: ${HOW_TO_GET_FFMPEG}`);
  }
}

function run(file: string, args: string[]): Promise<{ stdout: string; stderr: string; missing: boolean }> {
  return new Promise((resolve) => {
    execFile(file, args, { timeout: 10_000, maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      resolve({ stdout, stderr, missing: (error as NodeJS.ErrnoException | null)?.code === 'ENOENT' });
    });
  });
}

/** Runs `ffmpeg -devices`; throws FfmpegMissing when there is no such program. */
export async function probeFfmpeg(path: string): Promise<Capabilities> {
  const r = await run(path, ['-hide_banner', '-devices']);
  if (r.missing) throw new FfmpegMissing(path);
  return parseCapabilities(r.stdout + r.stderr);
}

export { run as runProgram };
