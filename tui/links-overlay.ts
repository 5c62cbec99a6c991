// The Links pane's two overlays, as blocks the frame paints above the panes: the "new link" form,
// and a link shown with its URLs and the QR code of its listening page, drawn over the whole
// terminal so a phone can scan it. When the terminal is too small for the code, the overlay says
// what size it needs instead of drawing a code that cannot scan. Labels pass through sanitise;
// blessed tags are escaped by the screen, as for every line.
import type { LinkView } from '../contracts/links.ts';
import type { Tone } from './format.ts';
import { FIELDS, formLines, wrap, type LinkForm } from './links-form.ts';
import { playersWords, relativeWords } from './links-table.ts';
import type { Rect } from './layout.ts';
import { qrMatrix, renderQr } from './qr.ts';
import { fit, sanitise } from './sanitise.ts';

/** A line as the frame draws it (frame.ts Line); 'qr' lines are painted white on black. */
export interface OverlayLine {
  text: string;
  tone: Tone;
  emphasis: 'none' | 'focused-title' | 'qr';
}

export interface Overlay {
  id: string;
  rect: Rect;
  lines: OverlayLine[];
}

const plain = (text: string, width: number): OverlayLine => ({ text: fit(text, width), tone: 'plain', emphasis: 'none' });

/** `text` cut into lines of `width` characters (a URL has no spaces to wrap at). */
export function chunks(text: string, width: number): string[] {
  const out: string[] = [];
  for (let i = 0; i < text.length; i += Math.max(1, width)) out.push(text.slice(i, i + Math.max(1, width)));
  return out.length === 0 ? [''] : out;
}

function pad(lines: OverlayLine[], width: number, height: number): OverlayLine[] {
  while (lines.length < height) lines.push(plain('', width));
  return lines.slice(0, height);
}

/** The form, centred: a title row, then its fields and a line for its state. */
export function formOverlay(form: LinkForm, width: number, height: number): Overlay {
  const w = Math.max(1, Math.min(width - 2, 72));
  const body = formLines(form, w - 2);
  const h = Math.max(1, Math.min(height - 2, body.length + 2));
  const lines: OverlayLine[] = [{ text: fit(' New link: an invitation to listen', w), tone: 'plain', emphasis: 'focused-title' }];
  for (const text of body) lines.push({ text: fit(` ${text}`, w), tone: form.error !== null && body.indexOf(text) >= FIELDS.length + 1 ? 'bad' : 'plain', emphasis: 'none' });
  const rect = { top: Math.max(0, Math.floor((height - h) / 2)), left: Math.max(0, Math.floor((width - w) / 2)), width: w, height: h };
  return { id: 'link-form', rect, lines: pad(lines, w, h) };
}

/** A link over the whole terminal: what it is, its page URL, the QR code of it, the stream URL. */
export function linkOverlay(link: LinkView, now: string, width: number, height: number): Overlay {
  const w = Math.max(1, width);
  const state = link.revoked ? 'REVOKED' : link.expired ? 'EXPIRED' : `expires ${relativeWords(link.expiresAt, now)}`;
  const title = ` Link "${sanitise(link.label, 80)}" to ${sanitise(link.mount, 60)}: ${state}, ${playersWords(link)} playing now  (any key closes)`;
  const lines: OverlayLine[] = [{ text: fit(title, w), tone: 'plain', emphasis: 'focused-title' }];
  const url = (words: string, value: string) => chunks(`${words}${sanitise(value, 4096)}`, w).map((t) => plain(t, w));
  const page = url('Listening page, for a browser or a phone: ', link.pageUrl);
  const stream = url('Stream for a player app: ', link.url);
  const qr = renderQr(qrMatrix(link.pageUrl));
  const qrWidth = qr[0]?.length ?? 0;
  if (lines.length + page.length + qr.length <= height && qrWidth <= w) {
    lines.push(...page);
    const left = Math.floor((w - qrWidth) / 2);
    for (const row of qr) lines.push({ text: `${' '.repeat(left)}${row}`.padEnd(w, ' '), tone: 'plain', emphasis: 'qr' });
    if (lines.length + stream.length <= height) lines.push(...stream);
  } else {
    // Too small: what size it needs comes first, so even a short terminal says it.
    const need = `${Math.max(qrWidth, 40)}x${lines.length + page.length + qr.length}`;
    lines.push(...wrap(`The QR code needs a terminal of at least ${need} (this one is ${width}x${height}): make the window bigger to show it.`, w).map((t) => plain(t, w)));
    lines.push(...page, ...stream);
  }
  return { id: 'link', rect: { top: 0, left: 0, width: w, height: Math.max(1, height) }, lines: pad(lines, w, Math.max(1, height)) };
}
