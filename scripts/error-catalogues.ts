// Every error catalogue of icegate, in the order docs/errors.md documents them. A new catalogue
// (a `*_ERRORS` table in some errors.ts) is added here; test/errors/coverage.test.ts fails until
// it is. New codes in a listed catalogue need nothing: the rows are read from the table itself.
import { STATUS_CODES } from 'node:http';
import { formatConfigError } from '../config/errors.ts';
import { GW_ERRORS } from '../policies/errors.ts';
import { RELAY_ERRORS, type RelayErrorEntry } from '../stream/errors.ts';
import { REASON_PHRASES } from '../stream/responses.ts';
import { CONTROL_ERRORS } from '../supervisor/errors.ts';
import type { DocRow, DocSection, ErrorsDocument } from './errors-doc.ts';

export interface Catalogue {
  /** The file that holds the table, relative to the repository root. */
  readonly file: string;
  /** The exported table's name in that file. */
  readonly table: string;
  readonly codes: readonly string[];
  readonly section: DocSection;
}

interface Entry {
  readonly status: number;
  readonly message: string;
  readonly when: string;
}

const rowsOf = <E extends Entry>(table: Readonly<Record<string, E>>, outcome: (e: E) => string): DocRow[] =>
  Object.entries(table).map(([code, e]) => [code, outcome(e), e.message, e.when] as const);

const httpStatus = (status: number, phrase = STATUS_CODES[status]): string => `${status} ${phrase ?? ''}`.trim();

function relayOutcome(e: RelayErrorEntry): string {
  const status = httpStatus(e.status, REASON_PHRASES[e.status]);
  if (e.challenge === 'source') return `${status}, Basic challenge and Allow with PUT and SOURCE`;
  if (e.challenge === 'basic') return `${status}, Basic challenge`;
  return e.body === 'html' ? `${status}, HTML page` : status;
}

export const CATALOGUES: readonly Catalogue[] = [
  {
    file: 'stream/errors.ts',
    table: 'RELAY_ERRORS',
    codes: Object.keys(RELAY_ERRORS),
    section: {
      title: 'Relay core',
      intro: [
        'Catalogue: `stream/errors.ts`; the bytes are written by `stream/responses.ts`.',
        "The relay answers sources, listeners and the admin API the way Icecast 2.4.4 does: an HTTP/1.0 status line with Icecast's reason phrase and Icecast's body text, byte for byte, lower-case quirks included, because encoders, players and scrapers match those strings. The code itself is not on the wire; it names the refusal in the relay's logs, tests and this table. \"HTML page\" bodies are sent inside Icecast's error page (`<b>STATUS - body</b>`). The relay's own protocol errors (bad request, header timeout, header too large, internal) may append a detail after the body.",
      ],
      columns: ['code', 'response', 'body', 'when'],
      rows: rowsOf<RelayErrorEntry>(RELAY_ERRORS, relayOutcome),
    },
  },
  {
    file: 'policies/errors.ts',
    table: 'GW_ERRORS',
    codes: Object.keys(GW_ERRORS),
    section: {
      title: 'Security gateway',
      intro: [
        'Catalogue: `policies/errors.ts`; the responses are written by `gateway/ports/respond.ts`.',
        'Every refusal of the gateway is an HTTP/1.1 response with `Connection: close` and a plain-text body made of the fixed message, the code and a short reference, e.g. `Authentication failed (GW_AUTH_FAILED, ref 3f9a0c21)`. The same code and reference are in the gateway\'s `event=deny` log line, so a listener\'s complaint can be matched to the log. Messages never quote the request. 429s carry `Retry-After`, 405s carry `Allow`.',
      ],
      columns: ['code', 'HTTP status', 'message', 'when'],
      rows: rowsOf(GW_ERRORS, (e) => httpStatus(e.status)),
    },
  },
  {
    file: 'supervisor/errors.ts',
    table: 'CONTROL_ERRORS',
    codes: Object.keys(CONTROL_ERRORS),
    section: {
      title: 'Control API (supervisor)',
      intro: [
        'Catalogue: `supervisor/errors.ts`; types in `contracts/control-api.ts`.',
        'The control API on the supervisor\'s unix socket answers a refusal with the status below and `{"ok": false, "error": {"code": …, "message": …}}`. The message is the one below, followed by `: ` and a detail (the component, mount or reason) when there is one. The dashboard and `icegate stop / reload / status` show the message; `already-started` is what a second `icegate start` prints before it exits 1.',
      ],
      columns: ['code', 'HTTP status', 'message', 'when'],
      rows: rowsOf(CONTROL_ERRORS, (e) => httpStatus(e.status)),
    },
  },
];

const CONFIG_EXAMPLE = formatConfigError({ file: 'gateway.yaml', line: 12, keyPath: 'relay.limits.queueSize', message: 'must be a number' });

/** Configuration problems carry no code: they name the file, the line and the key path instead. */
export const CONFIG_SECTION: DocSection = {
  title: 'Configuration and the command line',
  intro: [
    'Problem format: `config/errors.ts`; exit statuses: `cli/main.ts`.',
    `A configuration problem has no code: it names the file, the line, the key path and the rule that was broken, e.g. \`${CONFIG_EXAMPLE}\`. \`icegate check\` prints every problem; \`icegate start\`, \`relay\` and \`gateway\` print them and do not start; a reload with an invalid file is refused with \`invalid-config\` and the running configuration is kept.`,
  ],
  columns: ['exit status', 'meaning', 'when'],
  rows: [
    ['0', 'success', 'The command did what was asked (`icegate check`: the configuration is valid).'],
    ['1', 'failure', 'An invalid configuration, a refused action, a control socket that does not answer, or an unexpected error (printed with its stack).'],
    ['2', 'usage error', 'An unknown command or option, or a missing argument; the command\'s usage is printed.'],
  ],
};

export const ERRORS_DOCUMENT: ErrorsDocument = {
  title: 'Errors',
  intro: [
    'Every refusal icegate sends has a stable code from one of the catalogues below. This file is generated from those catalogues by `npm run docs:errors`; a test fails when the two differ, so edit the catalogue, not this file. Every code is provoked by at least one test.',
  ],
  sections: [...CATALOGUES.map((c) => c.section), CONFIG_SECTION],
};
