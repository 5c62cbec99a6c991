// Comments and documents cite only what a reader of the repository can open: an RFC section, an
// upstream issue (owner/repo#N), a file of the repository, or a section of docs/. Two rules:
// - no file names a document the repository does not contain (notes kept outside it);
// - every docs/<file>.md citation, and every relative Markdown link, names a file that exists
//   and, with #anchor, a heading of that file (GitHub's slugs).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join, normalize, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const SELF = relative(ROOT, fileURLToPath(import.meta.url)).split('\\').join('/');

/** Files a reader gets with the repository: tracked, or new and not ignored. */
function repositoryFiles(): string[] {
  const out = execFileSync('git', ['ls-files', '--cached', '--others', '--exclude-standard', '-z'], { cwd: ROOT });
  return [...new Set(out.toString('utf8').split('\0'))]
    .filter((f) => f !== '' && !f.startsWith('node_modules/') && !f.startsWith('dist/') && f !== 'package-lock.json')
    .filter((f) => /\.(ts|js|mjs|cjs|yaml|yml|md|html|css|json|conf|local|service|sh)$/.test(f))
    .filter((f) => f !== SELF && existsSync(join(ROOT, f)));
}

interface Line {
  readonly file: string;
  readonly line: number;
  readonly text: string;
}

function lines(files: readonly string[]): Line[] {
  return files.flatMap((file) =>
    readFileSync(join(ROOT, file), 'utf8')
      .split(/\r?\n/)
      .map((text, i) => ({ file, line: i + 1, text })),
  );
}

const where = (l: Line, what: string): string => `${l.file}:${l.line}: ${what}\n    ${l.text.trim()}`;

// Documents outside the repository, in every spelling the old comments used.
const OUTSIDE: ReadonlyArray<readonly [string, RegExp]> = [
  ['a research/ folder', /\bresearch\//i],
  ['a "research §" section', /\bresearch\b[^§\n]{0,40}§/i],
  ['DESIGN.md', /\bDESIGN\.md\b/i],
  ['gateway.md', /(?<![\w-])gateway\.md\b/i],
  ['icecast.md', /(?<![\w-])icecast\.md\b/i],
  ['aesthetics.md', /(?<![\w-])aesthetics(?:\.md\b|\s*§)/i],
  ['supervisor-tui.md', /(?<![\w-])supervisor-tui(?:\.md\b|\s*§)/i],
  ['hls-players.md', /(?<![\w-])hls-players(?:\.md\b|\s*§)/i],
  ['next.md', /(?<![\w/-])next\.md\b/i],
  ['architecture-now.md', /(?<![\w-])architecture-now\.md\b/i],
  ['"the design card"', /\bdesign card\b/i],
];

/** GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens, repeats numbered. */
export function slugs(markdown: string): Set<string> {
  const seen = new Map<string, number>();
  const out = new Set<string>();
  let fence: string | null = null;
  for (const raw of markdown.split(/\r?\n/)) {
    const f = /^\s*(`{3,}|~{3,})/.exec(raw);
    if (f) {
      if (fence === null) fence = f[1]![0]!;
      else if (f[1]![0] === fence) fence = null;
      continue;
    }
    if (fence !== null) continue;
    const h = /^#{1,6}\s+(.*?)\s*#*\s*$/.exec(raw);
    if (!h) continue;
    const base = slug(h[1]!);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    out.add(n === 0 ? base : `${base}-${n}`);
  }
  return out;
}

export function slug(heading: string): string {
  return heading
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, '$1')
    .replace(/<[^>]+>/g, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s_-]/gu, '')
    .replace(/\s/g, '-');
}

const slugCase = test.macro({
  exec(t, heading: string, expected: string) {
    t.is(slug(heading), expected);
  },
  title: (_ = '', heading: string) => `slug: ${JSON.stringify(heading)}`,
});

test(slugCase, 'Port roles', 'port-roles');
test(slugCase, '100-continue and the success reply', '100-continue-and-the-success-reply');
test(slugCase, 'Icecast 2.5 differences', 'icecast-25-differences');
test(slugCase, '`status-json.xsl` quirks', 'status-jsonxsl-quirks');
test(slugCase, 'Logs for [fail2ban](https://www.fail2ban.org/)', 'logs-for-fail2ban');

test('slugs: repeated headings are numbered and fenced lines are not headings', (t) => {
  const md = ['# A', '## Notes', '```sh', '# not a heading', '```', '## Notes'].join('\n');
  t.deepEqual([...slugs(md)], ['a', 'notes', 'notes-1']);
});

const FILES = repositoryFiles();
const LINES = lines(FILES);

test('the scan sees the sources and the documents', (t) => {
  for (const f of ['README.md', 'gateway.yaml', 'stream/request-head.ts', 'docs/icecast-compatibility.md']) {
    t.true(FILES.includes(f), `${f} is scanned`);
  }
});

for (const [name, pattern] of OUTSIDE) {
  test(`no file cites ${name}, which the repository does not contain`, (t) => {
    const found = LINES.filter((l) => pattern.test(l.text)).map((l) => where(l, `cites ${name}`));
    t.deepEqual(found, [], `\n${found.join('\n')}\n  Cite the RFC section, the upstream issue (owner/repo#N) or a docs/ section instead.`);
  });
}

const anchorCache = new Map<string, Set<string>>();
function anchorsOf(file: string): Set<string> {
  let a = anchorCache.get(file);
  if (!a) {
    a = slugs(readFileSync(join(ROOT, file), 'utf8'));
    anchorCache.set(file, a);
  }
  return a;
}

/** What is wrong with a citation of `target` (a repository path) and `anchor`, or null. */
function checkTarget(target: string, anchor: string | undefined): string | null {
  if (!existsSync(join(ROOT, target))) return `${target} does not exist`;
  if (anchor === undefined || anchor === '') return null;
  if (!target.endsWith('.md')) return null;
  return anchorsOf(target).has(anchor) ? null : `${target} has no heading with the anchor #${anchor}`;
}

interface Citation {
  readonly at: Line;
  readonly target: string;
  readonly anchor: string | undefined;
}

function citations(): Citation[] {
  const out: Citation[] = [];
  for (const at of LINES) {
    // docs/<file>.md[#anchor] anywhere: comments, YAML, Markdown, code.
    for (const m of at.text.matchAll(/(?<![\w./-])docs\/([\w./-]+?\.md)(?:#([\w-]+))?/g)) {
      out.push({ at, target: normalize(`docs/${m[1]}`).split('\\').join('/'), anchor: m[2] });
    }
    if (!at.file.endsWith('.md')) continue;
    // Relative Markdown links of a document: [text](other.md#anchor), [text](#anchor).
    for (const m of at.text.matchAll(/\]\(([^)\s]*)\)/g)) {
      const href = m[1]!;
      if (/^[a-z][a-z0-9+.-]*:/i.test(href) || href.startsWith('/')) continue;
      const [path = '', anchor] = href.split('#');
      if (path !== '' && !path.endsWith('.md')) continue;
      const target = path === '' ? at.file : normalize(join(dirname(at.file), path)).split('\\').join('/');
      out.push({ at, target, anchor });
    }
  }
  return out;
}

const CITATIONS = citations();

test('the docs this repository cites are found as citations', (t) => {
  const cited = new Set(CITATIONS.map((c) => c.target));
  for (const f of ['docs/icecast-compatibility.md', 'docs/gateway-security.md', 'docs/hls.md', 'docs/supervision.md']) {
    t.true(cited.has(f), `${f} is cited somewhere`);
  }
});

test('every docs/ citation and relative Markdown link names an existing file and heading', (t) => {
  const broken = CITATIONS.flatMap((c) => {
    const problem = checkTarget(c.target, c.anchor);
    return problem === null ? [] : [where(c.at, problem)];
  });
  t.deepEqual(broken, [], `\n${broken.join('\n')}`);
});
