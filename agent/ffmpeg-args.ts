// The ffmpeg command line for one input and encoding (pure). ffmpeg writes two outputs:
// the encoded stream on stdout (pipe:1), and a low-rate 16-bit PCM copy on fd 3 that the agent
// meters (agent/levels.ts). When the ffmpeg at hand cannot open PulseAudio sources (the static
// npm build has ALSA but no pulse device), `parec` (pulseaudio-utils) records and pipes raw PCM
// into ffmpeg's stdin instead.
import { CONTENT_TYPES, type Encoding, type Input } from './encoding.ts';

/** The PCM the meter reads: 4 kHz is plenty for peak/RMS of speech and music levels. */
export const METER_RATE = 4000;
/**
 * Meter PCM comes in blocks of this many samples (a quarter of a second): one pipe read per
 * window instead of one per encoder frame (~43 a second), which was most of the agent's CPU.
 */
export const METER_BLOCK = METER_RATE / 4;

export interface Capabilities {
  /** ffmpeg lists the pulse input device (`ffmpeg -devices`). */
  pulse: boolean;
}

export interface CaptureCommand {
  command: string;
  args: string[];
}

export interface EncoderPlan {
  ffmpegArgs: string[];
  /** A recorder whose stdout feeds ffmpeg's stdin, or null. */
  capture: CaptureCommand | null;
  contentType: string;
}

const ENCODERS: Record<Encoding['codec'], { args: string[]; format: string; extra: string[] }> = {
  mp3: { args: ['-c:a', 'libmp3lame'], format: 'mp3', extra: [] },
  aac: { args: ['-c:a', 'aac'], format: 'adts', extra: [] },
  // Short Ogg pages (0.2 s) keep the stream's latency low; the default waits a second per page.
  opus: { args: ['-c:a', 'libopus', '-application', 'audio'], format: 'ogg', extra: ['-page_duration', '200000'] },
};

export function encoderPlan(input: Input, encoding: Encoding, caps: Capabilities): EncoderPlan {
  const args = ['-hide_banner', '-nostdin', '-loglevel', 'error'];
  let capture: CaptureCommand | null = null;
  switch (input.kind) {
    case 'tone':
      args.push('-re', '-f', 'lavfi', '-i', `sine=frequency=${input.frequency}:sample_rate=${encoding.sampleRate}`);
      break;
    case 'file':
      // -stream_loop -1 plays the file over and over; -re paces it as a live source.
      args.push('-re', '-stream_loop', '-1', '-i', input.path);
      break;
    case 'alsa':
      args.push('-f', 'alsa', '-i', input.device);
      break;
    case 'pulse':
      if (caps.pulse) {
        args.push('-f', 'pulse', '-name', 'icegate push', '-i', input.source);
      } else {
        const rate = String(encoding.sampleRate);
        const channels = String(encoding.channels);
        capture = {
          command: 'parec',
          args: [`--device=${input.source}`, '--format=s16le', `--rate=${rate}`, `--channels=${channels}`, '--raw', '--latency-msec=100', '--client-name=icegate push'],
        };
        args.push('-f', 's16le', '-ar', rate, '-ac', channels, '-i', 'pipe:0');
      }
      break;
  }
  const e = ENCODERS[encoding.codec];
  args.push('-map', '0:a:0', '-ac', String(encoding.channels), '-ar', String(encoding.sampleRate));
  args.push(...e.args, '-b:a', `${encoding.bitrate}k`, ...e.extra, '-flush_packets', '1', '-f', e.format, 'pipe:1');
  args.push('-map', '0:a:0', '-ac', String(encoding.channels), '-af', `aresample=${METER_RATE},asetnsamples=n=${METER_BLOCK}:p=0`, '-c:a', 'pcm_s16le', '-flush_packets', '1', '-f', 's16le', 'pipe:3');
  return { ffmpegArgs: args, capture, contentType: CONTENT_TYPES[encoding.codec] };
}

/** Parses `ffmpeg -devices` output: does it have a pulse input ("D" in the first column)? */
export function parseCapabilities(devicesOutput: string): Capabilities {
  return { pulse: /^\s*D[E.\s]\s+pulse\b/m.test(devicesOutput) };
}
