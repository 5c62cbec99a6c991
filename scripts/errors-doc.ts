// docs/errors.md as a pure function of the error catalogues: sections in, Markdown out. The
// catalogues themselves are gathered in scripts/error-catalogues.ts; `npm run docs:errors` writes
// the file and test/errors/docs.test.ts fails when file and catalogues differ.

/** One table row; its first cell is a stable code, printed as inline code. */
export type DocRow = readonly [code: string, ...cells: string[]];

export interface DocSection {
  readonly title: string;
  /** Paragraphs printed under the title, before the table. */
  readonly intro: readonly string[];
  /** Column headers, e.g. code, HTTP status, body, when. Every row has one cell per column. */
  readonly columns: readonly string[];
  readonly rows: readonly DocRow[];
}

export interface ErrorsDocument {
  readonly title: string;
  readonly intro: readonly string[];
  readonly sections: readonly DocSection[];
}

/** One table cell: one line, blanks collapsed, pipes and tag openers escaped. */
export function cell(text: string): string {
  return text.replace(/\s+/g, ' ').trim().replace(/\|/g, '\\|').replace(/</g, '&lt;');
}

/** Inline code that survives any backticks inside the text (CommonMark: a longer fence). */
export function inlineCode(text: string): string {
  const longest = Math.max(0, ...(text.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = text.startsWith('`') || text.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${text}${pad}${fence}`;
}

export function sectionMarkdown(section: DocSection): string {
  const lines = [`## ${section.title}`, ''];
  for (const paragraph of section.intro) lines.push(paragraph, '');
  if (section.rows.length === 0) return lines.slice(0, -1).join('\n');
  lines.push(`| ${section.columns.map(cell).join(' | ')} |`, `|${' --- |'.repeat(section.columns.length)}`);
  for (const [code, ...rest] of section.rows) {
    if (rest.length + 1 !== section.columns.length) throw new Error(`${section.title}: the row of ${code} has ${rest.length + 1} cells for ${section.columns.length} columns`);
    lines.push(`| ${[inlineCode(code), ...rest.map(cell)].join(' | ')} |`);
  }
  return lines.join('\n');
}

export function errorsMarkdown(doc: ErrorsDocument): string {
  const head = [`# ${doc.title}`, ...doc.intro, ...doc.sections.map(sectionMarkdown)];
  return `${head.join('\n\n')}\n`;
}
