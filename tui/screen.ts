// The only file that touches blessed (the library is frozen since 2016: keep its surface small,
// docs/supervision.md#the-dashboard). It paints a Frame into one box per block and passes keys and
// resizes out. Choices (docs/supervision.md#the-dashboard): smartCSR for cheap redraws; fullUnicode
// off (the dashboard only draws one-cell characters, see sanitise.ts); no borders (ACS line
// drawing breaks over PuTTY and mis-set TERM); no mouse by default; NO_COLOR and TERM=dumb mean
// no colour, only bold and inverse video.
import blessed from 'blessed';
import type { Tone } from './format.ts';
import type { Emphasis, Frame, Line } from './frame.ts';

export interface ScreenOptions {
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WritableStream;
  /** terminfo name; default $TERM. */
  terminal?: string;
  color: boolean;
}

/** no-color.org: "when present and not an empty string", plus TERM=dumb. */
export function colorWanted(env: NodeJS.ProcessEnv): boolean {
  return !env.NO_COLOR && env.TERM !== 'dumb';
}

const TONE_TAG: Record<Tone, string | null> = { good: 'green-fg', warn: 'yellow-fg', bad: 'red-fg', plain: null };
const EMPHASIS_TAGS: Record<Emphasis, readonly string[]> = {
  none: [],
  title: ['bold'],
  'focused-title': ['bold', 'inverse'],
  columns: ['bold'],
  selected: ['inverse'],
  dim: [],
  qr: [],
};

export class TuiScreen {
  readonly #screen: blessed.Widgets.Screen;
  readonly #boxes = new Map<string, blessed.Widgets.BoxElement>();
  readonly #color: boolean;
  #painted = '';

  constructor(options: ScreenOptions, onKey: (name: string, ch: string | undefined) => void, onResize: (width: number, height: number) => void) {
    this.#color = options.color;
    // @types/blessed swaps the types of input and output (Writable / Readable), hence the cast.
    const streams = { input: options.input, output: options.output } as unknown as Pick<blessed.Widgets.IScreenOptions, 'input' | 'output'>;
    this.#screen = blessed.screen({
      smartCSR: true,
      fullUnicode: false,
      autoPadding: false,
      warnings: false,
      title: 'icegate',
      ...(options.input === undefined ? {} : { input: streams.input }),
      ...(options.output === undefined ? {} : { output: streams.output }),
      ...(options.terminal === undefined ? {} : { terminal: options.terminal }),
    });
    this.#screen.on('keypress', (ch: string | undefined, key: { full?: string } | undefined) => onKey(key?.full ?? ch ?? '', ch));
    this.#screen.on('resize', () => onResize(this.width, this.height));
  }

  get width(): number {
    return Number(this.#screen.width);
  }

  get height(): number {
    return Number(this.#screen.height);
  }

  /** Paints the frame; does nothing when it equals the last one painted. */
  paint(frame: Frame): void {
    const serialised = JSON.stringify(frame);
    if (serialised === this.#painted) return;
    this.#painted = serialised;
    const blocks = frame.kind === 'too-small' ? [{ id: 'too-small', rect: { top: 0, left: 0, width: this.width, height: this.height }, lines: frame.message.split('\n').map((text) => ({ text, tone: 'bad' as Tone, emphasis: 'none' as Emphasis })) }] : frame.blocks;
    const shown = new Set(blocks.map((b) => b.id));
    for (const [id, box] of this.#boxes) if (!shown.has(id)) box.hide();
    for (const block of blocks) {
      const box = this.#box(block.id);
      box.top = block.rect.top;
      box.left = block.rect.left;
      box.width = block.rect.width;
      box.height = block.rect.height;
      box.setContent(block.lines.map((l) => this.#tagged(l)).join('\n'));
      box.show();
      // The overlays (help, the links' form and QR code) must stay above the panes.
      if (block.id === 'help' || block.id === 'link-form' || block.id === 'link') box.setFront();
    }
    this.#screen.render();
  }

  /** What the screen holds, one string per row (blessed's cell buffer, without attributes). */
  text(): string[] {
    const lines = (this.#screen as unknown as { lines: [unknown, string][][] }).lines;
    return lines.map((row) => row.map((cell) => cell[1]).join(''));
  }

  destroy(): void {
    this.#screen.destroy();
  }

  #box(id: string): blessed.Widgets.BoxElement {
    let box = this.#boxes.get(id);
    if (box === undefined) {
      box = blessed.box({ parent: this.#screen, tags: true, wrap: false, top: 0, left: 0, width: 1, height: 1 });
      this.#boxes.set(id, box);
    }
    return box;
  }

  #tagged(line: Line): string {
    const tags = [...EMPHASIS_TAGS[line.emphasis]];
    const tone = this.#color ? TONE_TAG[line.tone] : null;
    if (tone !== null) tags.push(tone);
    // A QR code scans only dark on light: pinned, whatever the terminal's own colours (tui/qr.ts).
    if (line.emphasis === 'qr' && this.#color) tags.push('white-fg', 'black-bg');
    const text = blessed.escape(line.text);
    return tags.length === 0 ? text : `${tags.map((t) => `{${t}}`).join('')}${text}{/}`;
  }
}
