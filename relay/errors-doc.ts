// The README's error table, rendered from the catalogue so the two cannot drift apart
// (test/relay/errors-doc.test.ts compares them; `npm run docs:errors` rewrites the README).
import { RELAY_ERRORS, RELAY_ERROR_CODES } from '../stream/errors.ts';
import { REASON_PHRASES } from '../stream/responses.ts';

export const ERRORS_START = '<!-- errors:start -->';
export const ERRORS_END = '<!-- errors:end -->';

export function errorsTable(): string {
  const rows = RELAY_ERROR_CODES.map((code) => {
    const e = RELAY_ERRORS[code];
    const body = e.message.replace(/\r?\n/g, ' ').trim().replace(/\|/g, '\\|');
    return `| \`${code}\` | ${e.status} ${REASON_PHRASES[e.status] ?? ''} | ${body} | ${e.when.replace(/\|/g, '\\|')} |`;
  });
  return ['| code | status | body | when |', '| --- | --- | --- | --- |', ...rows].join('\n');
}

/** README text with the section between the markers replaced by the current table. */
export function withErrorsTable(readme: string): string {
  const start = readme.indexOf(ERRORS_START);
  const end = readme.indexOf(ERRORS_END);
  if (start < 0 || end < start) throw new Error('README.md has no errors:start/errors:end markers');
  return `${readme.slice(0, start + ERRORS_START.length)}\n${errorsTable()}\n${readme.slice(end)}`;
}
