// One key on the footer's prompt line (a filter, a title, a ban), as a value: Esc cancels, Enter
// submits, Backspace and Ctrl-U edit, a printable character is added (at most 200). Pure.
export type PromptStep = { kind: 'cancel' } | { kind: 'submit' } | { kind: 'edit'; value: string } | { kind: 'none' };

export const PROMPT_MAX = 200;

export function promptKey(value: string, name: string, ch: string | undefined): PromptStep {
  if (name === 'escape') return { kind: 'cancel' };
  if (name === 'enter') return { kind: 'submit' };
  if (name === 'backspace') return { kind: 'edit', value: value.slice(0, -1) };
  if (name === 'C-u') return { kind: 'edit', value: '' };
  if (ch !== undefined && ch.length === 1 && ch >= ' ' && ch !== '\x7f') return { kind: 'edit', value: (value + ch).slice(0, PROMPT_MAX) };
  return { kind: 'none' };
}
