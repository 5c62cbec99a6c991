// What the holds did, for the gateway's status (IPC) and the dashboard: sources and players held
// now and in total, the time spent held, the audio the bounded hold buffers dropped, and the
// takeovers the relay told the gateway's sources of.

export interface HoldFigures {
  /** Sources held right now (their relay connection broke). */
  sourcesHeld: number;
  /** Holds of sources, ever. */
  sourceHolds: number;
  /** Holds that ended with the source back on a relay. */
  sourcesResumed: number;
  /** Sources let go: hold time over, or the new relay refused them. */
  sourcesReleased: number;
  /** Players held right now (the edge's pull of their mount broke). */
  playersHeld: number;
  /** Holds of players, ever (one per player per break). */
  playerHolds: number;
  /** Total time sources spent held, ms. */
  sourceHoldMs: number;
  /** Total time players spent held, ms (the gaps they heard). */
  playerHoldMs: number;
  /** Longest single hold of a source or a player's mount, ms. */
  longestHoldMs: number;
  /** Bytes of audio dropped by full hold buffers (oldest first). */
  bytesDropped: number;
  /** Sources of this gateway the relay ended because a new connection took their mount over. */
  takeovers: number;
  /** The last takeover: its mount and when (ms since the epoch); null before the first. */
  lastTakeover: { mount: string; at: number } | null;
}

export class HoldStats {
  readonly figures: HoldFigures = {
    sourcesHeld: 0,
    sourceHolds: 0,
    sourcesResumed: 0,
    sourcesReleased: 0,
    playersHeld: 0,
    playerHolds: 0,
    sourceHoldMs: 0,
    playerHoldMs: 0,
    longestHoldMs: 0,
    bytesDropped: 0,
    takeovers: 0,
    lastTakeover: null,
  };

  sourceHeld(): void {
    this.figures.sourcesHeld++;
    this.figures.sourceHolds++;
  }

  sourceDone(heldMs: number, outcome: 'resumed' | 'released' | 'left'): void {
    const f = this.figures;
    f.sourcesHeld--;
    f.sourceHoldMs += heldMs;
    f.longestHoldMs = Math.max(f.longestHoldMs, heldMs);
    if (outcome === 'resumed') f.sourcesResumed++;
    if (outcome === 'released') f.sourcesReleased++;
  }

  playersHeldNow(n: number): void {
    this.figures.playersHeld += n;
    this.figures.playerHolds += n;
  }

  playersDone(n: number, heldMs: number): void {
    const f = this.figures;
    f.playersHeld -= n;
    f.playerHoldMs += n * heldMs;
    f.longestHoldMs = Math.max(f.longestHoldMs, heldMs);
  }

  takenOver(mount: string, at: number): void {
    this.figures.takeovers++;
    this.figures.lastTakeover = { mount, at };
  }

  dropped(bytes: number): void {
    this.figures.bytesDropped += bytes;
  }

  snapshot(): HoldFigures {
    return { ...this.figures };
  }
}
