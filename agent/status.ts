// What `icegate push` reports (pure): the connection state machine, and the status as one JSON
// object or one terminal line.
//
//   connecting ──200──▶ live ──connection lost──▶ retrying ──timer──▶ connecting
//        │  └──network error / timeout──▶ retrying
//        └──401 / 403 / pin mismatch──▶ refused ──timer (not for a pin mismatch)──▶ connecting
import type { Levels } from './levels.ts';

export type PushState = 'connecting' | 'live' | 'retrying' | 'refused';

export type PushEvent =
  | { type: 'connect' }
  | { type: 'live' }
  | { type: 'failed'; reason: string }
  | { type: 'refused'; reason: string; final: boolean };

const ALLOWED: Record<PushEvent['type'], readonly PushState[]> = {
  connect: ['connecting', 'retrying', 'refused'],
  live: ['connecting'],
  failed: ['connecting', 'live'],
  refused: ['connecting'],
};

export interface StatusSnapshot {
  state: PushState;
  /** When the state was entered (ms). */
  since: number;
  /** Connection attempts after the first. */
  reconnects: number;
  attempts: number;
  /** Why the last connection failed or was refused; null while none did. */
  reason: string | null;
  /** A refusal that is never retried (pin mismatch). */
  final: boolean;
}

export class StatusMachine {
  #s: StatusSnapshot;

  constructor(now: number) {
    this.#s = { state: 'connecting', since: now, reconnects: 0, attempts: 0, reason: null, final: false };
  }

  get snapshot(): StatusSnapshot {
    return { ...this.#s };
  }

  /** Applies an event; returns false (and changes nothing) when it does not apply in this state. */
  apply(event: PushEvent, now: number): boolean {
    const s = this.#s;
    if (s.final || !ALLOWED[event.type].includes(s.state)) return false;
    switch (event.type) {
      case 'connect':
        if (s.attempts > 0) s.reconnects++;
        s.attempts++;
        this.#enter('connecting', now);
        break;
      case 'live':
        s.reason = null;
        this.#enter('live', now);
        break;
      case 'failed':
        s.reason = event.reason;
        this.#enter('retrying', now);
        break;
      case 'refused':
        s.reason = event.reason;
        s.final = event.final;
        this.#enter('refused', now);
        break;
    }
    return true;
  }

  #enter(state: PushState, now: number): void {
    this.#s.state = state;
    this.#s.since = now;
  }
}

export interface StatusReport {
  state: PushState;
  /** The loudest channel's peak over the report's period; null without audio. */
  peakDbfs: number | null;
  peakDbfsPerChannel: number[] | null;
  rmsDbfsPerChannel: number[] | null;
  silent: boolean;
  reconnects: number;
  /** Encoded kbit/s sent to the server over the last period. */
  kbps: number;
  /** Seconds live on the current connection; 0 when not live. */
  uptime: number;
  /** Bytes of audio dropped while not connected or while the network was too slow. */
  droppedBytes: number;
  reason: string | null;
  mount: string;
}

export function statusJson(r: StatusReport): string {
  return JSON.stringify(r);
}

const BAR = 20;

/** dBFS -60…0 as a bar of BAR characters. */
export function meterBar(dbfs: number): string {
  const filled = Math.max(0, Math.min(BAR, Math.round(((dbfs + 60) / 60) * BAR)));
  return '#'.repeat(filled) + '.'.repeat(BAR - filled);
}

export function formatDuration(seconds: number): string {
  const s = Math.floor(seconds);
  const two = (n: number): string => String(n).padStart(2, '0');
  return `${Math.floor(s / 3600)}:${two(Math.floor(s / 60) % 60)}:${two(s % 60)}`;
}

/** One terminal line, like `arecord --vumeter`: state, levels per channel, rate, uptime, reconnects. */
export function statusLine(r: StatusReport, levels: Levels | null): string {
  const names = levels?.peakDbfs.length === 1 ? ['M'] : ['L', 'R'];
  const meters = levels
    ? levels.peakDbfs.map((p, i) => `${names[i]} ${meterBar(p)} ${fmt(p)}/${fmt(levels.rmsDbfs[i] ?? p)}`).join('  ')
    : 'no audio';
  const parts = [r.state.padEnd(10), meters, `${String(r.kbps).padStart(3)} kbit/s`, `up ${formatDuration(r.uptime)}`, `reconnects ${r.reconnects}`];
  if (r.silent) parts.push('SILENT');
  if (r.state !== 'live' && r.reason) parts.push(r.reason);
  return parts.join('  ');
}

function fmt(dbfs: number): string {
  return dbfs.toFixed(1).padStart(6);
}
