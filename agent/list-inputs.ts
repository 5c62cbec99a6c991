// --list-inputs: the capture devices this machine has, in the names --input takes. ALSA cards
// from /proc/asound/pcm (the same list `arecord -l` prints); PulseAudio (and PipeWire's Pulse
// server) sources from `pactl list short sources`.
import { readFile } from 'node:fs/promises';
import { runProgram } from './ffmpeg-binary.ts';

export interface InputChoice {
  /** As --input takes it, e.g. alsa:hw:1,0 or pulse:studio.monitor. */
  name: string;
  description: string;
}

/** Parses /proc/asound/pcm: "01-00: USB Audio : USB Audio : playback 1 : capture 1" (pure). */
export function parseAlsaPcm(text: string): InputChoice[] {
  const choices: InputChoice[] = [];
  for (const line of text.split('\n')) {
    const m = /^(\d+)-(\d+):\s*([^:]*?)\s*:\s*([^:]*?)\s*:(.*)$/.exec(line);
    if (m === null || !/capture/.test(m[5]!)) continue;
    choices.push({ name: `alsa:hw:${Number(m[1])},${Number(m[2])}`, description: `${m[3]}${m[4] && m[4] !== m[3] ? ` (${m[4]})` : ''}` });
  }
  return choices;
}

/** Parses `pactl list short sources`: "1\tstudio.monitor\tmodule-null-sink.c\ts16le 2ch 44100Hz\tIDLE" (pure). */
export function parsePactlSources(text: string): InputChoice[] {
  return text
    .split('\n')
    .map((line) => line.split('\t'))
    .filter((f) => f.length >= 2 && f[1] !== '')
    .map((f) => ({ name: `pulse:${f[1]}`, description: `${f[1]!.endsWith('.monitor') ? 'what plays on ' + f[1]!.slice(0, -'.monitor'.length) : 'capture'}${f[3] ? `, ${f[3]}` : ''}` }));
}

export async function listInputs(): Promise<{ choices: InputChoice[]; notes: string[] }> {
  const choices: InputChoice[] = [{ name: 'tone', description: 'a 440 Hz test tone (tone:HZ for another pitch)' }, { name: 'file:PATH', description: 'an audio file, played in a loop' }];
  const notes: string[] = [];
  try {
    const alsa = parseAlsaPcm(await readFile('/proc/asound/pcm', 'utf8'));
    if (alsa.length > 0) choices.push({ name: 'alsa:default', description: "ALSA's default capture device" }, ...alsa);
    else notes.push('ALSA: no capture device in /proc/asound/pcm');
  } catch {
    notes.push('ALSA: no sound cards (/proc/asound/pcm is missing)');
  }
  const pactl = await runProgram('pactl', ['list', 'short', 'sources']);
  if (pactl.missing) notes.push('PulseAudio/PipeWire: pactl is not installed (Debian: pulseaudio-utils)');
  else {
    const pulse = parsePactlSources(pactl.stdout);
    if (pulse.length > 0) choices.push(...pulse);
    else notes.push(`PulseAudio/PipeWire: no source${pactl.stderr.trim() ? ` (${pactl.stderr.trim().split('\n')[0]})` : ''}`);
  }
  return { choices, notes };
}

export function formatInputList(list: { choices: InputChoice[]; notes: string[] }): string[] {
  const width = Math.max(...list.choices.map((c) => c.name.length));
  return [...list.choices.map((c) => `  ${c.name.padEnd(width)}  ${c.description}`), ...list.notes.map((n) => `  (${n})`)];
}
