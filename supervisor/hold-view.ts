// The gateway's hold figures (its IPC snapshot's `hold`, gateway/hold/stats.ts) as the control
// API shows them (contracts/control-api.ts HoldView). The report comes from another process and
// may be from an older gateway: anything that does not match is shown as nothing. Pure.
import { z } from 'zod';
import type { HoldView } from '../contracts/control-api.ts';

const count = z.number().int().min(0);
const ms = z.number().min(0);
const figures = z.object({
  sourcesHeld: count,
  playersHeld: count,
  sourceHolds: count,
  playerHolds: count,
  sourcesResumed: count,
  sourcesReleased: count,
  sourceHoldMs: ms,
  playerHoldMs: ms,
  longestHoldMs: ms,
  bytesDropped: count,
  takeovers: count.default(0),
  lastTakeover: z.object({ mount: z.string().max(1024), at: z.number() }).nullable().default(null),
});

const seconds = (n: number): number => Math.round(n / 100) / 10;

export function holdView(report: unknown): HoldView | null {
  const r = figures.safeParse(report);
  if (!r.success) return null;
  const f = r.data;
  return {
    sourcesHeld: f.sourcesHeld,
    playersHeld: f.playersHeld,
    sourceHolds: f.sourceHolds,
    playerHolds: f.playerHolds,
    sourcesResumed: f.sourcesResumed,
    sourcesReleased: f.sourcesReleased,
    sourceHoldSeconds: seconds(f.sourceHoldMs),
    playerHoldSeconds: seconds(f.playerHoldMs),
    longestHoldSeconds: seconds(f.longestHoldMs),
    bytesDropped: f.bytesDropped,
    takeovers: f.takeovers,
    lastTakeover: f.lastTakeover && { mount: f.lastTakeover.mount, at: new Date(f.lastTakeover.at).toISOString() },
  };
}
