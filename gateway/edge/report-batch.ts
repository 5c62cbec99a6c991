// What the edge has not told the relay yet, coalesced per listener: a listener that came and went
// between two reports is never mentioned, an update replaces the previous one, and an update of a
// listener not reported yet folds into its addition. The backlog is bounded: past `maxChanges`
// the batch gives up on deltas and the next report is a full one (every listener connected now),
// which is bounded by the listeners themselves. Pure: no clock, no socket.
import type { EdgeListener, EdgeReport, EdgeUpdate } from '../../contracts/edge.ts';

type Change = { kind: 'added'; listener: EdgeListener } | { kind: 'removed' } | { kind: 'updated'; update: EdgeUpdate };

/** 10 000 pending changes are a few hundred kilobytes; beyond that a full report is cheaper. */
export const MAX_PENDING_CHANGES = 10_000;

export class ReportBatch {
  readonly #max: number;
  /** The first report of every channel is a full one. */
  #full = true;
  readonly #changes = new Map<number, Change>();

  constructor(maxChanges = MAX_PENDING_CHANGES) {
    this.#max = maxChanges;
  }

  /** Something to send. */
  get pending(): boolean {
    return this.#full || this.#changes.size > 0;
  }

  /** Changes waiting (for tests and the bound). */
  get size(): number {
    return this.#changes.size;
  }

  added(listener: EdgeListener): void {
    this.#set(listener.id, { kind: 'added', listener });
  }

  removed(id: number): void {
    // Never reported: nothing to take back.
    if (this.#changes.get(id)?.kind === 'added') this.#changes.delete(id);
    else this.#set(id, { kind: 'removed' });
  }

  updated(update: EdgeUpdate): void {
    const previous = this.#changes.get(update.id);
    if (previous?.kind === 'removed') return;
    if (previous?.kind === 'added') previous.listener = { ...previous.listener, mount: update.mount, bytesSent: update.bytesSent };
    else this.#set(update.id, { kind: 'updated', update });
  }

  /** The relay's view is unknown (a new channel, a lost report): send everything next time. */
  resync(): void {
    this.#full = true;
    this.#changes.clear();
  }

  /** The next report, or null when there is nothing to say; `everyone` lists the listeners now (for a full report). */
  take(everyone: () => EdgeListener[]): EdgeReport | null {
    if (this.#full) {
      this.#full = false;
      this.#changes.clear();
      return { full: true, added: everyone(), removed: [], updated: [] };
    }
    if (this.#changes.size === 0) return null;
    const report: EdgeReport = { full: false, added: [], removed: [], updated: [] };
    for (const [id, change] of this.#changes) {
      if (change.kind === 'added') report.added.push(change.listener);
      else if (change.kind === 'removed') report.removed.push(id);
      else report.updated.push(change.update);
    }
    this.#changes.clear();
    return report;
  }

  #set(id: number, change: Change): void {
    if (this.#full) return;
    this.#changes.set(id, change);
    if (this.#changes.size > this.#max) this.resync();
  }
}
