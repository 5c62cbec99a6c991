// `icegate push --config FILE`: the same settings as the flags, in YAML, for an always-on studio
// box (docs/push.md, docs/icegate-push.service). Flags given on the command line win.
import { createRequire } from 'node:module';

// yaml is loaded only when there is a config file to read: an agent run by flags alone does not
// carry it (its footprint budget, docs/push.md).
const require = createRequire(import.meta.url);

export interface PushSettings {
  link?: string;
  input?: string;
  codec?: string;
  bitrate?: string;
  channels?: string;
  sampleRate?: string;
  ffmpeg?: string;
  status?: string;
  silenceThreshold?: string;
  silenceAfter?: string;
  onSilence?: string;
  name?: string;
}

const KEYS: Record<keyof PushSettings, 'string' | 'number'> = {
  link: 'string',
  input: 'string',
  codec: 'string',
  bitrate: 'number',
  channels: 'number',
  sampleRate: 'number',
  ffmpeg: 'string',
  status: 'string',
  silenceThreshold: 'number',
  silenceAfter: 'number',
  onSilence: 'string',
  name: 'string',
};

export class PushConfigError extends Error {
  override name = 'PushConfigError';
}

/** Parses the file's text; throws PushConfigError naming the file and the key. */
export function parsePushConfig(text: string, file: string): PushSettings {
  let value: unknown;
  try {
    const { parse } = require('yaml') as typeof import('yaml');
    value = parse(text, { uniqueKeys: true, prettyErrors: false }) ?? {};
  } catch (error) {
    throw new PushConfigError(`${file}: invalid YAML: ${(error as Error).message.split('\n')[0]}`);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new PushConfigError(`${file}: must be a mapping of settings (link: …, input: …)`);
  const settings: PushSettings = {};
  for (const [key, v] of Object.entries(value)) {
    const type = KEYS[key as keyof PushSettings];
    if (type === undefined) throw new PushConfigError(`${file}: ${key}: unknown key (known: ${Object.keys(KEYS).join(', ')})`);
    if (v === null) continue;
    if (type === 'number' ? typeof v !== 'number' : typeof v !== 'string') throw new PushConfigError(`${file}: ${key}: must be a ${type}`);
    settings[key as keyof PushSettings] = String(v);
  }
  return settings;
}
