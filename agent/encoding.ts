// What the agent captures and how it encodes it: the --input spec and the codec settings, parsed
// and checked before ffmpeg is started (pure).

export type Input =
  | { kind: 'tone'; frequency: number }
  | { kind: 'file'; path: string }
  | { kind: 'alsa'; device: string }
  | { kind: 'pulse'; source: string };

export type Codec = 'mp3' | 'aac' | 'opus';

export interface Encoding {
  codec: Codec;
  /** kbit/s. */
  bitrate: number;
  channels: 1 | 2;
  sampleRate: number;
}

export class InputError extends Error {
  override name = 'InputError';
}

export const INPUT_SYNTAX = 'tone, tone:HZ, file:PATH, alsa:DEVICE (e.g. alsa:hw:2,0, alsa:default) or pulse:SOURCE';

export function parseInput(spec: string): Input {
  const colon = spec.indexOf(':');
  const kind = colon < 0 ? spec : spec.slice(0, colon);
  const arg = colon < 0 ? '' : spec.slice(colon + 1);
  switch (kind) {
    case 'tone': {
      if (arg === '') return { kind: 'tone', frequency: 440 };
      const hz = Number(arg);
      if (!/^\d+$/.test(arg) || hz < 20 || hz > 20000) throw new InputError(`--input tone:HZ needs a frequency 20-20000, got "${arg}"`);
      return { kind: 'tone', frequency: hz };
    }
    case 'file':
      if (arg === '') throw new InputError('--input file:PATH needs a path');
      return { kind: 'file', path: arg };
    case 'alsa':
      if (arg === '') throw new InputError('--input alsa:DEVICE needs a device, e.g. alsa:hw:2,0 or alsa:default (see --list-inputs)');
      return { kind: 'alsa', device: arg };
    case 'pulse':
      if (arg === '') throw new InputError('--input pulse:SOURCE needs a source name (see --list-inputs)');
      return { kind: 'pulse', source: arg };
    default:
      throw new InputError(`--input "${spec}" is not one of ${INPUT_SYNTAX}`);
  }
}

export function formatInput(input: Input): string {
  switch (input.kind) {
    case 'tone':
      return `tone:${input.frequency}`;
    case 'file':
      return `file:${input.path}`;
    case 'alsa':
      return `alsa:${input.device}`;
    case 'pulse':
      return `pulse:${input.source}`;
  }
}

/** Sample rates libopus encodes (RFC 6716 §2: 8, 12, 16, 24 and 48 kHz). */
const OPUS_RATES = [8000, 12000, 16000, 24000, 48000];
/** Rates the MPEG-1/2/2.5 layer III and AAC encoders accept. */
const MPEG_RATES = [8000, 11025, 12000, 16000, 22050, 24000, 32000, 44100, 48000];

export interface EncodingFlags {
  codec?: string | undefined;
  bitrate?: string | number | undefined;
  channels?: string | number | undefined;
  sampleRate?: string | number | undefined;
}

export function parseEncoding(flags: EncodingFlags): Encoding {
  const codec = flags.codec ?? 'mp3';
  if (codec !== 'mp3' && codec !== 'aac' && codec !== 'opus') throw new InputError(`--codec must be mp3, aac or opus, got "${codec}"`);
  const bitrate = whole(flags.bitrate, 'bitrate', 128);
  if (bitrate < 8 || bitrate > 320) throw new InputError(`--bitrate is in kbit/s, 8-320, got ${bitrate}`);
  const channels = whole(flags.channels, 'channels', 2);
  if (channels !== 1 && channels !== 2) throw new InputError(`--channels must be 1 or 2, got ${channels}`);
  const sampleRate = whole(flags.sampleRate, 'sample-rate', codec === 'opus' ? 48000 : 44100);
  const rates = codec === 'opus' ? OPUS_RATES : MPEG_RATES;
  if (!rates.includes(sampleRate)) throw new InputError(`--sample-rate for ${codec} must be one of ${rates.join(', ')}, got ${sampleRate}`);
  return { codec, bitrate, channels, sampleRate };
}

function whole(value: string | number | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isSafeInteger(n) || !/^\d+$/.test(String(value))) throw new InputError(`--${name} must be a whole number, got "${value}"`);
  return n;
}

export const CONTENT_TYPES: Record<Codec, string> = { mp3: 'audio/mpeg', aac: 'audio/aac', opus: 'audio/ogg' };
