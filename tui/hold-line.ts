// One line of the health pane for the gateway's holds across relay restarts and the takeovers
// (contracts/control-api.ts HoldView): shown once there is something to say, so a calm server
// spends no row on it. Pure.
import type { HoldView } from '../contracts/control-api.ts';
import { formatBytes, formatClock, type Tone } from './format.ts';
import { sanitise, truncate } from './sanitise.ts';

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

export function holdLine(hold: HoldView | null | undefined, width: number): { text: string; tone: Tone } | null {
  if (!hold) return null;
  const now = hold.sourcesHeld + hold.playersHeld;
  if (now === 0 && hold.sourceHolds + hold.playerHolds + hold.takeovers + hold.bytesDropped === 0) return null;
  const parts = [
    now > 0 ? `HELD NOW ${plural(hold.sourcesHeld, 'source')}, ${plural(hold.playersHeld, 'player')}` : 'held now: none',
    `holds ${hold.sourceHolds} src (${hold.sourcesResumed} back, ${hold.sourcesReleased} let go) ${hold.playerHolds} players, longest ${hold.longestHoldSeconds.toFixed(1)} s`,
    `dropped ${formatBytes(hold.bytesDropped)}`,
    `takeovers ${hold.takeovers}${hold.lastTakeover ? ` (last ${sanitise(hold.lastTakeover.mount, 40)} ${formatClock(hold.lastTakeover.at)})` : ''}`,
  ];
  return { text: truncate(parts.join('; '), width), tone: now > 0 ? 'warn' : 'plain' };
}
