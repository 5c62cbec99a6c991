// Reading a password for `icegate passwd`: typed twice without echo on a terminal, or the first
// line of stdin when it is not one (scripts: `printf '%s\n' "$PW" | icegate passwd …`). Never an
// argument, which `ps` and the shell history would show.
import type { Readable, Writable } from 'node:stream';

export class PasswordInputError extends Error {}

export interface Terminal {
  readonly input: Readable & { isTTY?: boolean; setRawMode?(mode: boolean): unknown };
  readonly output: Writable;
}

export async function readNewPassword(term: Terminal): Promise<string> {
  if (term.input.isTTY !== true || !term.input.setRawMode) return firstLine(term.input);
  const first = await prompt(term, 'New password: ');
  const second = await prompt(term, 'Re-type new password: ');
  if (first !== second) throw new PasswordInputError('the passwords do not match');
  return first;
}

/** stdin up to the first line break; at most 4 KiB are read. */
async function firstLine(input: Readable): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
    if (text.includes('\n') || text.length > 4096) break;
  }
  const line = text.split(/\r?\n/)[0] ?? '';
  if (text.length > 4096 && !text.includes('\n')) throw new PasswordInputError('the password line is too long');
  return line;
}

/** One line typed in raw mode, echoing nothing; Ctrl-C or Ctrl-D abandons it. */
function prompt(term: Terminal, label: string): Promise<string> {
  const { input, output } = term;
  output.write(label);
  input.setRawMode!(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let typed = '';
    const finish = (error: Error | null): void => {
      input.off('data', onData);
      input.setRawMode!(false);
      input.pause();
      output.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const onData = (data: Buffer | string): void => {
      for (const ch of typeof data === 'string' ? data : data.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return finish(null);
        if (ch === '\u0003' || ch === '\u0004') return finish(new PasswordInputError('cancelled'));
        if (ch === '\u007f' || ch === '\b') typed = [...typed].slice(0, -1).join('');
        else if (ch >= ' ') typed += ch;
      }
    };
    input.on('data', onData);
  });
}
