import test from 'ava';
import { readFileSync } from 'node:fs';
import { withErrorsTable } from '../../relay/errors-doc.ts';
import { RELAY_ERROR_CODES } from '../../stream/errors.ts';

const readme = readFileSync(new URL('../../README.md', import.meta.url), 'utf8');

test('the README documents every relay error code exactly as the catalogue has it', (t) => {
  t.is(readme, withErrorsTable(readme), 'run `npm run docs:errors` after changing stream/errors.ts');
  for (const code of RELAY_ERROR_CODES) t.true(readme.includes(`\`${code}\``), code);
});
