// `npm run docs:errors`: write docs/errors.md from the error catalogues.
import { writeFileSync } from 'node:fs';
import { ERRORS_DOCUMENT } from './error-catalogues.ts';
import { errorsMarkdown } from './errors-doc.ts';

export const ERRORS_DOC_FILE = new URL('../docs/errors.md', import.meta.url);

if (import.meta.url === `file://${process.argv[1]}`) writeFileSync(ERRORS_DOC_FILE, errorsMarkdown(ERRORS_DOCUMENT));
