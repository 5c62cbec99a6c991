// Rewrite the error table in README.md from stream/errors.ts.
import { readFileSync, writeFileSync } from 'node:fs';
import { withErrorsTable } from '../relay/errors-doc.ts';

const file = new URL('../README.md', import.meta.url);
writeFileSync(file, withErrorsTable(readFileSync(file, 'utf8')));
