// The listener-user form as an overlay the frame paints above the panes, centred like the "new
// link" form (links-overlay.ts). Passwords are drawn as asterisks by users-form.ts.
import { fit } from './sanitise.ts';
import type { Overlay, OverlayLine } from './links-overlay.ts';
import { USER_FIELDS, userFormLines, type UserForm } from './users-form.ts';

export function userFormOverlay(form: UserForm, width: number, height: number): Overlay {
  const w = Math.max(1, Math.min(width - 2, 72));
  const body = userFormLines(form, w - 2);
  const h = Math.max(1, Math.min(height - 2, body.length + 2));
  const lines: OverlayLine[] = [{ text: fit(" Listener user: a name and password for an htpasswd mount", w), tone: 'plain', emphasis: 'focused-title' }];
  body.forEach((text, i) => lines.push({ text: fit(` ${text}`, w), tone: form.error !== null && i > USER_FIELDS.length ? 'bad' : 'plain', emphasis: 'none' }));
  while (lines.length < h) lines.push({ text: fit('', w), tone: 'plain', emphasis: 'none' });
  const rect = { top: Math.max(0, Math.floor((height - h) / 2)), left: Math.max(0, Math.floor((width - w) / 2)), width: w, height: h };
  return { id: 'user-form', rect, lines: lines.slice(0, h) };
}
