// docs/errors.md is generated from the catalogues (scripts/error-catalogues.ts) by a pure function
// (scripts/errors-doc.ts): the generator's rules as a table, then the file against the catalogues.
import test from 'ava';
import { readFileSync } from 'node:fs';
import { CATALOGUES, ERRORS_DOCUMENT } from '../../scripts/error-catalogues.ts';
import { cell, errorsMarkdown, inlineCode, sectionMarkdown, type DocSection } from '../../scripts/errors-doc.ts';

const read = (path: string): string => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');

const cells: [string, string][] = [
  ['plain text', 'plain text'],
  ['  two\r\nlines \n', 'two lines'],
  ['a | b', 'a \\| b'],
  ['<b>404</b>', '&lt;b>404&lt;/b>'],
  ['500 - Internal Server Error\n---\n', '500 - Internal Server Error ---'],
];
for (const [input, expected] of cells) {
  test(`cell(${JSON.stringify(input)})`, (t) => t.is(cell(input), expected));
}

const codes: [string, string][] = [
  ['GW_BANNED', '`GW_BANNED`'],
  ['no-source', '`no-source`'],
  ['a`b', '``a`b``'],
  ['`x', '`` `x ``'],
];
for (const [input, expected] of codes) {
  test(`inlineCode(${JSON.stringify(input)})`, (t) => t.is(inlineCode(input), expected));
}

const section: DocSection = {
  title: 'Widget',
  intro: ['Catalogue: `widget/errors.ts`.'],
  columns: ['code', 'HTTP status', 'message', 'when'],
  rows: [
    ['W_ONE', '403 Forbidden', 'No | way', 'Always.'],
    ['w-two', '503 Service Unavailable', 'Later', 'When\nbusy.'],
  ],
};

const sections: [string, DocSection, string][] = [
  [
    'a catalogue becomes a titled table, one row per code, in catalogue order',
    section,
    [
      '## Widget',
      '',
      'Catalogue: `widget/errors.ts`.',
      '',
      '| code | HTTP status | message | when |',
      '| --- | --- | --- | --- |',
      '| `W_ONE` | 403 Forbidden | No \\| way | Always. |',
      '| `w-two` | 503 Service Unavailable | Later | When busy. |',
    ].join('\n'),
  ],
  ['a section without rows has no table', { ...section, rows: [] }, '## Widget\n\nCatalogue: `widget/errors.ts`.'],
  ['columns are free: an exit-status table', { title: 'Exits', intro: [], columns: ['exit status', 'meaning'], rows: [['2', 'usage']] }, '## Exits\n\n| exit status | meaning |\n| --- | --- |\n| `2` | usage |'],
];
for (const [title, input, expected] of sections) {
  test(`sectionMarkdown: ${title}`, (t) => t.is(sectionMarkdown(input), expected));
}

test('sectionMarkdown refuses a row whose cells do not match the columns', (t) => {
  t.throws(() => sectionMarkdown({ ...section, rows: [['W_SHORT', '400 Bad Request']] }), { message: /W_SHORT has 2 cells for 4 columns/ });
});

test('errorsMarkdown: title, intro paragraphs, sections, one final newline', (t) => {
  t.is(
    errorsMarkdown({ title: 'Errors', intro: ['First.', 'Second.'], sections: [{ ...section, intro: [], rows: [section.rows[0]!] }] }),
    '# Errors\n\nFirst.\n\nSecond.\n\n## Widget\n\n| code | HTTP status | message | when |\n| --- | --- | --- | --- |\n| `W_ONE` | 403 Forbidden | No \\| way | Always. |\n',
  );
});

test('docs/errors.md is what the catalogues generate', (t) => {
  t.is(read('docs/errors.md'), errorsMarkdown(ERRORS_DOCUMENT), 'docs/errors.md differs from the error catalogues: run `npm run docs:errors`');
});

test('docs/errors.md has one row per catalogued code, each code once', (t) => {
  const doc = read('docs/errors.md');
  for (const { file, codes: list } of CATALOGUES) {
    t.true(list.length > 0, file);
    for (const code of list) t.is(doc.split(`| \`${code}\` |`).length - 1, 1, `${code} (${file})`);
  }
});

test('the README points to docs/errors.md instead of carrying a table', (t) => {
  const readme = read('README.md');
  t.true(readme.includes('](docs/errors.md)'));
  for (const { codes: list } of CATALOGUES) {
    for (const code of list) t.false(readme.includes(`| \`${code}\` |`), `README still has a table row for ${code}`);
  }
});
