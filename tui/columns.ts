// Table columns that fit a width: the way `pm2 ls` degrades (full → condensed → mini), columns
// are dropped in priority order until the rest fit, then flexible columns share what is left.
import { fit } from './sanitise.ts';

export interface Column<R> {
  header: string;
  /** Cells at the natural size; flexible columns may grow past it. */
  width: number;
  /** Dropped first when space runs out: higher numbers go first, 0 never goes. */
  drop: number;
  align?: 'left' | 'right';
  /** Grows into spare width. */
  flex?: boolean;
  cell(row: R): string;
}

export interface Fitted<R> extends Column<R> {
  /** The final width. */
  size: number;
}

const GAP = 1;

/** The columns to show in `width` cells, with their final sizes; never wider than `width`. */
export function fitColumns<R>(columns: readonly Column<R>[], width: number): Fitted<R>[] {
  let kept = [...columns];
  const total = (cols: readonly Column<R>[]) => cols.reduce((sum, c) => sum + c.width, 0) + GAP * Math.max(0, cols.length - 1);
  while (total(kept) > width) {
    const worst = kept.reduce((a, b) => (b.drop > a.drop ? b : a));
    if (worst.drop === 0) break;
    kept = kept.filter((c) => c !== worst);
  }
  const spare = width - total(kept);
  const flexible = kept.filter((c) => c.flex === true);
  const fitted = kept.map((c) => ({ ...c, size: c.width }));
  if (spare > 0 && flexible.length > 0) {
    const share = Math.floor(spare / flexible.length);
    let rest = spare - share * flexible.length;
    for (const c of fitted) {
      if (c.flex !== true) continue;
      c.size += share + (rest > 0 ? 1 : 0);
      rest = Math.max(0, rest - 1);
    }
  } else if (spare < 0) {
    // Only undroppable columns are left and still too wide: shrink from the last one.
    let over = -spare;
    for (let i = fitted.length - 1; i >= 0 && over > 0; i -= 1) {
      const c = fitted[i]!;
      const cut = Math.min(over, c.size - 1);
      c.size -= cut;
      over -= cut;
    }
  }
  return fitted;
}

export function headerLine<R>(columns: readonly Fitted<R>[]): string {
  return columns.map((c) => fit(c.header, c.size, c.align)).join(' '.repeat(GAP));
}

export function rowLine<R>(columns: readonly Fitted<R>[], row: R): string {
  return columns.map((c) => fit(c.cell(row), c.size, c.align)).join(' '.repeat(GAP));
}
