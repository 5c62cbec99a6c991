// A real terminal for the dashboard: a detached tmux server of its own (-L, a unique name per
// test, no user config), read back with capture-pane. Waits poll the screen with a deadline.
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

export function tmuxMissing(): boolean {
  return spawnSync('tmux', ['-V']).status !== 0;
}

const quote = (s: string) => `'${s.replaceAll("'", `'\\''`)}'`;

export class Tmux {
  private constructor(readonly server: string) {}

  /** Runs `icegate tui ARGS` in a width x height terminal; when it exits its status stays on screen. */
  static start(args: readonly string[], options: { width?: number; height?: number; env?: Record<string, string> } = {}): Tmux {
    const tmux = new Tmux(`icegate-tui-${randomBytes(6).toString('hex')}`);
    const env = Object.entries(options.env ?? {}).map(([k, v]) => `${k}=${quote(v)}`);
    const command = `cd ${quote(ROOT)} && env ${env.join(' ')} node bin/icegate.js tui ${args.map(quote).join(' ')}; echo "[tui exited $?]"; sleep 600`;
    tmux.#run('new-session', '-d', '-s', 'tui', '-x', String(options.width ?? 80), '-y', String(options.height ?? 24), command);
    return tmux;
  }

  #run(...args: string[]): string {
    return execFileSync('tmux', ['-L', this.server, '-f', '/dev/null', ...args], { encoding: 'utf8' });
  }

  /** The screen as text; with `escapes`, with its SGR sequences. */
  screen(escapes = false): string {
    // One line per row, each ending in a newline: drop the last, so split('\n') gives the rows.
    return this.#run('capture-pane', '-p', ...(escapes ? ['-e'] : []), '-t', 'tui').replace(/\n$/, '');
  }

  /** Resolves with the screen once `test` holds for it; the last screen is in the error otherwise. */
  async waitFor(test: string | RegExp | ((screen: string) => boolean), timeoutMs = 15_000): Promise<string> {
    const check = typeof test === 'string' ? (s: string) => s.includes(test) : test instanceof RegExp ? (s: string) => test.test(s) : test;
    const deadline = Date.now() + timeoutMs;
    let screen = '';
    for (;;) {
      screen = this.screen();
      if (check(screen)) return screen;
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${String(test)} on the screen:\n${screen}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** tmux key names: Tab, BTab, Down, Enter, Escape, y, ? … */
  keys(...keys: string[]): void {
    this.#run('send-keys', '-t', 'tui', ...keys);
  }

  /** Text typed as it is, character by character. */
  type(text: string): void {
    this.#run('send-keys', '-t', 'tui', '-l', text);
  }

  resize(width: number, height: number): void {
    this.#run('resize-window', '-t', 'tui', '-x', String(width), '-y', String(height));
  }

  kill(): void {
    spawnSync('tmux', ['-L', this.server, 'kill-server']);
  }
}

/** The title the program inside set for its pane (OSC 0/2), as tmux keeps it. */
export function paneTitle(tmux: Tmux): string {
  return execFileSync('tmux', ['-L', tmux.server, 'display-message', '-p', '-t', 'tui', '#{pane_title}'], { encoding: 'utf8' }).trim();
}
