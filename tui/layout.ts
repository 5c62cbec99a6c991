// Where each pane goes for a terminal of width × height: a pure function, so every size can be
// tested without a terminal. Three arrangements (lazydocker arrangement.go, glances' 80×24 target):
//   large     (≥ 100×40): every pane at once;
//   standard  (≥ 80×24):  mounts, health, and one detail pane (listeners, security or log);
//   compact   (smaller):  mounts and one other pane;
// and below MIN_WIDTH × MIN_HEIGHT a single "terminal too small" message instead of garbage.
// Every pane's first row is its title; panes have no borders (line-drawing characters turn into
// "qqqq" over a misconfigured SSH session: chjj/blessed#41).

export type PaneId = 'mounts' | 'health' | 'listeners' | 'security' | 'log' | 'links' | 'users';

/** Tab order. */
export const PANES: readonly PaneId[] = ['mounts', 'health', 'listeners', 'security', 'log', 'links', 'users'];

export interface Rect {
  top: number;
  left: number;
  width: number;
  height: number;
}

export type Arrangement = 'large' | 'standard' | 'compact';

export type Layout =
  | { kind: 'too-small'; message: string }
  | { kind: 'panes'; arrangement: Arrangement; header: Rect; footer: Rect; panes: Partial<Record<PaneId, Rect>> };

export const MIN_WIDTH = 40;
export const MIN_HEIGHT = 10;
const HEADER_ROWS = 2;
const FOOTER_ROWS = 1;
/** Health: title, relay, gateway, one more component or the certificate, one spare. */
const HEALTH_ROWS = 5;

/**
 * @param slot the pane shown where only one of the secondary panes fits: the focused one, or the
 *             last one focused when the mounts pane has focus.
 */
export function layout(width: number, height: number, slot: Exclude<PaneId, 'mounts'>): Layout {
  if (width < MIN_WIDTH || height < MIN_HEIGHT) {
    return { kind: 'too-small', message: `terminal too small\n${width}x${height}, need ${MIN_WIDTH}x${MIN_HEIGHT}` };
  }
  const header = { top: 0, left: 0, width, height: HEADER_ROWS };
  const footer = { top: height - FOOTER_ROWS, left: 0, width, height: FOOTER_ROWS };
  const bodyTop = HEADER_ROWS;
  const body = height - HEADER_ROWS - FOOTER_ROWS;
  const row = (top: number, rows: number, left = 0, w = width): Rect => ({ top, left, width: w, height: rows });

  if (width >= 100 && height >= 40) {
    const mounts = Math.floor(body * 0.3);
    const rest = body - mounts - HEALTH_ROWS;
    const listeners = Math.floor(rest / 2);
    const lower = rest - listeners;
    let top = bodyTop;
    const panes: Partial<Record<PaneId, Rect>> = {};
    panes.mounts = row(top, mounts);
    top += mounts;
    panes.health = row(top, HEALTH_ROWS);
    top += HEALTH_ROWS;
    // The Links pane (key l) and the Users pane (key p) take the listeners' place while in the slot.
    panes[slot === 'links' || slot === 'users' ? slot : 'listeners'] = row(top, listeners);
    top += listeners;
    if (width >= 120) {
      const left = Math.floor(width / 2);
      panes.security = row(top, lower, 0, left);
      panes.log = row(top, lower, left, width - left);
    } else {
      const security = Math.floor(lower / 2);
      panes.security = row(top, security);
      panes.log = row(top + security, lower - security);
    }
    return { kind: 'panes', arrangement: 'large', header, footer, panes };
  }

  if (width >= 80 && height >= 24) {
    const mounts = 1 + Math.max(3, Math.floor((body - HEALTH_ROWS) * 0.35));
    const detail = body - mounts - HEALTH_ROWS;
    const shown = slot === 'health' ? 'listeners' : slot;
    return {
      kind: 'panes',
      arrangement: 'standard',
      header,
      footer,
      panes: { mounts: row(bodyTop, mounts), health: row(bodyTop + mounts, HEALTH_ROWS), [shown]: row(bodyTop + mounts + HEALTH_ROWS, detail) },
    };
  }

  const mounts = 1 + Math.max(2, Math.floor((body - 2) / 3));
  return {
    kind: 'panes',
    arrangement: 'compact',
    header,
    footer,
    panes: { mounts: row(bodyTop, mounts), [slot]: row(bodyTop + mounts, body - mounts) },
  };
}
