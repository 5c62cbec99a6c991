// An ffmpeg source over TLS. The npm ffmpeg (4.1) has no TLS for icecast://, so it pushes with
// its https:// output: PUT, no chunking (Icecast 2.4 cannot read a chunked source body), Basic
// credentials sent with the first request (docs/icecast-compatibility.md#source-clients).
import { spawn, type ChildProcess } from 'node:child_process';
import { FFMPEG } from './ffmpeg.ts';

export interface TlsSourceOptions {
  port: number;
  mount: string;
  password: string;
  user?: string;
  /** Pink noise instead of a sine: compresses like music. */
  noise?: boolean;
}

/** 128 kbit/s MP3 in real time, endless; stop it with stopProcess. `errors()` returns what ffmpeg printed. */
export function startTlsSource(o: TlsSourceOptions): ChildProcess & { errors(): string } {
  const input = o.noise ? 'anoisesrc=color=pink:amplitude=0.2:sample_rate=44100' : 'sine=frequency=440:sample_rate=44100';
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error', '-re', '-f', 'lavfi', '-i', input, '-ac', '2'];
  args.push('-c:a', 'libmp3lame', '-b:a', '128k', '-f', 'mp3', '-method', 'PUT', '-chunked_post', '0', '-content_type', 'audio/mpeg');
  args.push('-auth_type', 'basic', '-tls_verify', '0', `https://${o.user ?? 'source'}:${o.password}@127.0.0.1:${o.port}${o.mount}`);
  const child = spawn(FFMPEG, args, { stdio: ['ignore', 'ignore', 'pipe'] });
  let said = '';
  child.stderr!.setEncoding('utf8').on('data', (d: string) => {
    if (said.length < 4000) said += d;
  });
  return Object.assign(child, { errors: () => said });
}
