// Real clients for system tests: the ffmpeg shipped by @ffmpeg-installer (so `npm install` brings
// it) as a source, and ffmpeg/ffprobe to decode what listeners received.
import { spawn, type ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
export const FFMPEG: string = require('@ffmpeg-installer/ffmpeg').path;
export const FFPROBE: string = require('@ffprobe-installer/ffprobe').path;

export type TestCodec = 'mp3' | 'aac' | 'opus' | 'vorbis';

/** ffmpeg output options per codec: [encoder args, muxer, content type]. */
export const CODECS: Record<TestCodec, { args: string[]; format: string; contentType: string }> = {
  mp3: { args: ['-c:a', 'libmp3lame', '-b:a', '128k'], format: 'mp3', contentType: 'audio/mpeg' },
  aac: { args: ['-c:a', 'aac', '-b:a', '128k'], format: 'adts', contentType: 'audio/aac' },
  opus: { args: ['-c:a', 'libopus', '-b:a', '96k'], format: 'ogg', contentType: 'audio/ogg' },
  vorbis: { args: ['-c:a', 'libvorbis', '-b:a', '128k'], format: 'ogg', contentType: 'audio/ogg' },
};

export interface SourceOptions {
  port: number;
  mount: string;
  codec: TestCodec;
  password: string;
  user?: string;
  /** Use the legacy SOURCE method (ffmpeg -legacy_icecast 1). */
  legacy?: boolean;
  /** Seconds of audio; default: endless (stop it yourself). */
  duration?: number;
  frequency?: number;
  /** Pink noise instead of a sine: compresses like music, so VBR encoders send their full rate. */
  noise?: boolean;
}

/** Push a sine tone in real time to an Icecast-compatible server with ffmpeg's icecast protocol. */
export function startSource(o: SourceOptions): ChildProcess {
  const c = CODECS[o.codec];
  const duration = o.duration ? `:duration=${o.duration}` : '';
  const sine = o.noise
    ? `anoisesrc=color=pink:amplitude=0.2:sample_rate=44100${duration}`
    : `sine=frequency=${o.frequency ?? 440}:sample_rate=44100${duration}`;
  const url = `icecast://${o.user ?? 'source'}:${o.password}@127.0.0.1:${o.port}${o.mount}`;
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', sine, '-ac', '2', ...c.args];
  args.push('-content_type', c.contentType, '-ice_name', 'Test Radio', '-ice_genre', 'Rock', '-ice_description', 'A test');
  if (o.legacy) args.push('-legacy_icecast', '1');
  args.push('-f', c.format, url);
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  child.stderr!.setEncoding('utf8');
  let err = '';
  child.stderr!.on('data', (d: string) => {
    if (err.length < 4000) err += d;
  });
  (child as ChildProcess & { errors: () => string }).errors = () => err;
  return child;
}

export function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    child.once('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

export interface DecodeResult {
  ok: boolean;
  errors: string;
  /** Decoded duration in seconds, from ffmpeg's progress report. */
  seconds: number;
}

/** Decode a captured stream fully; ok means ffmpeg exited 0 and printed no error. */
export function decode(data: Buffer, format?: string): Promise<DecodeResult> {
  return new Promise((resolve, reject) => {
    const args = ['-hide_banner', '-nostdin', '-v', 'error', '-progress', 'pipe:1'];
    if (format) args.push('-f', format);
    args.push('-i', 'pipe:0', '-f', 'null', '-');
    const p = spawn(FFMPEG, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let errors = '';
    p.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    p.stderr.setEncoding('utf8').on('data', (d: string) => (errors += d));
    p.on('error', reject);
    p.stdin.on('error', () => {});
    p.stdin.end(data);
    p.on('close', (code) => {
      const times = [...out.matchAll(/out_time_us=(\d+)/g)].map((m) => Number(m[1]));
      const seconds = times.length ? Math.max(...times) / 1e6 : 0;
      resolve({ ok: code === 0 && errors.trim() === '', errors: errors.trim(), seconds });
    });
  });
}
