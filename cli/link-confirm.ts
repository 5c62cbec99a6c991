// The y/N question `icegate link revoke` asks on a terminal: one line read with echo, as typed.
// Without a terminal there is nobody to ask, and the caller says to use --yes instead.
import { createInterface } from 'node:readline';
import type { Readable, Writable } from 'node:stream';

export interface Terminal {
  readonly input: Readable & { isTTY?: boolean };
  readonly output: Writable;
}

/** The line typed after `question`, or null when the input is not a terminal. */
export function confirmLine(term: Terminal, question: string): Promise<string | null> {
  if (term.input.isTTY !== true) return Promise.resolve(null);
  const rl = createInterface({ input: term.input, output: term.output, terminal: false });
  term.output.write(question);
  return new Promise((resolve) => {
    let answered = false;
    rl.once('line', (line) => {
      answered = true;
      rl.close();
      resolve(line);
    });
    // Ctrl-D (end of input) is a "no".
    rl.once('close', () => {
      if (!answered) resolve('');
    });
  });
}
