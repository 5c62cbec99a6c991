// The dashboard's "new link" form as a value: four fields, the one being typed into, and the
// error of the last attempt. formKey is the whole key handling (pure); the dashboard sends the
// request it yields and puts the form back with the refusal when the control API says no.
import type { LinkCreateRequest, LinkView } from '../contracts/links.ts';
import { linkRequest, refusalWords, type FieldId, type LinkFields } from './links-input.ts';
import { sanitise } from './sanitise.ts';

export const FIELDS: readonly { id: FieldId; label: string; hint: string }[] = [
  { id: 'label', label: 'Label', hint: 'who it is for, e.g. Grandma Rose' },
  { id: 'mount', label: 'Mount', hint: 'the stream it opens' },
  { id: 'lifetime', label: 'Lifetime', hint: '30m, 24h, 7d' },
  { id: 'players', label: 'Players at once', hint: 'empty = no limit' },
];

export const DEFAULT_LIFETIME = '7d';
/** Longest text a field takes (a label is at most 80 characters; the API says so again). */
const FIELD_MAX = 120;

export interface LinkForm {
  readonly fields: LinkFields;
  readonly focus: FieldId;
  readonly error: string | null;
  /** Sent, waiting for the answer: keys other than Esc do nothing. */
  readonly busy: boolean;
}

export function newLinkForm(mount: string | null): LinkForm {
  return { fields: { label: '', mount: mount ?? '', lifetime: DEFAULT_LIFETIME, players: '' }, focus: 'label', error: null, busy: false };
}

export type FormStep = { kind: 'edit'; form: LinkForm } | { kind: 'cancel' } | { kind: 'submit'; form: LinkForm; request: LinkCreateRequest };

function move(form: LinkForm, step: number): LinkForm {
  const i = FIELDS.findIndex((f) => f.id === form.focus);
  return { ...form, focus: FIELDS[(i + step + FIELDS.length) % FIELDS.length]!.id };
}

/** One key, by blessed's name and the character typed. */
export function formKey(form: LinkForm, name: string, ch: string | undefined): FormStep {
  if (name === 'escape') return { kind: 'cancel' };
  if (form.busy) return { kind: 'edit', form };
  if (name === 'tab' || name === 'down') return { kind: 'edit', form: move(form, 1) };
  if (name === 'S-tab' || name === 'up') return { kind: 'edit', form: move(form, -1) };
  if (name === 'enter') {
    const parsed = linkRequest(form.fields);
    if (!parsed.ok) return { kind: 'edit', form: { ...form, focus: parsed.field, error: parsed.error } };
    return { kind: 'submit', form: { ...form, error: null, busy: true }, request: parsed.request };
  }
  const value = form.fields[form.focus];
  let next: string;
  if (name === 'backspace') next = value.slice(0, -1);
  else if (name === 'C-u') next = '';
  else if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f') next = (value + ch).slice(0, FIELD_MAX);
  else return { kind: 'edit', form };
  return { kind: 'edit', form: { ...form, fields: { ...form.fields, [form.focus]: next }, error: null } };
}

/** The form as lines of at most `width` characters: one per field, the focused one marked. */
export function formLines(form: LinkForm, width: number): string[] {
  const labelWidth = Math.max(...FIELDS.map((f) => f.label.length));
  const lines = FIELDS.map((f) => {
    const focused = f.id === form.focus;
    const value = sanitise(form.fields[f.id], FIELD_MAX);
    const room = Math.max(1, width - labelWidth - 5);
    // The end of a long value stays in view while it is typed.
    const shown = value.length + 1 > room ? value.slice(value.length + 1 - room) : value;
    const text = `${focused ? '>' : ' '} ${f.label.padEnd(labelWidth)}: ${shown}${focused && !form.busy ? '_' : ''}`;
    return focused && value === '' ? `${text}  (${f.hint})` : text;
  });
  lines.push('');
  if (form.busy) lines.push('making the link...');
  else if (form.error !== null) lines.push(...wrap(`! ${sanitise(form.error, 300)}`, width));
  else lines.push('Enter makes the link, Tab next field, Esc cancels');
  return lines;
}

/** Words in lines of at most `width` characters; a longer word is cut. */
export function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (const word of text.split(' ')) {
    const next = current === '' ? word : `${current} ${word}`;
    if (next.length <= width) current = next;
    else {
      if (current !== '') lines.push(current);
      current = word.slice(0, Math.max(1, width));
    }
  }
  if (current !== '') lines.push(current);
  return lines;
}

/** What the control API answered to a sent form: the link to show, or the form with why not. */
export function formAnswer(
  form: LinkForm,
  outcome: { ok: true; link: LinkView } | { ok: false; error: { code: string; message: string } },
): { kind: 'link-shown'; link: LinkView } | { kind: 'link-form'; form: LinkForm } {
  if (outcome.ok) return { kind: 'link-shown', link: outcome.link };
  const why = refusalWords(outcome.error.code);
  const focus: FieldId = outcome.error.code === 'unknown-mount' || outcome.error.code === 'mount-not-token' ? 'mount' : form.focus;
  return { kind: 'link-form', form: { ...form, busy: false, focus, error: `${outcome.error.message}${why === null ? '' : ` (${why})`}` } };
}
