// /status-json.xsl as Icecast 2.4.4 produces it: its web/status-json.xsl runs the public stats
// XML through xml2json.xslt (docs/icecast-compatibility.md#public-json-status), and scrapers depend on the result's
// quirks, so they are reproduced on purpose:
// - `source` is an object for one source, an array for several, absent for none;
// - a level whose last element is a hidden field ends with `"dummy":null` (every source does,
//   since total_bytes_sent sorts near the end; so does icestats when there is no source);
// - text that XPath number() accepts becomes a number unless it has a leading zero ("0.5" stays
//   a string); "true"/"false" in any case become booleans; empty text becomes null.
// Unlike the XSLT, the output is always valid JSON (strings are escaped with JSON.stringify).
import { isPublicField, type IceStats, type StatField } from './icestats.ts';

const XPATH_NUMBER = /^\s*-?(\d+(\.\d*)?|\.\d+)\s*$/;
const JSON_NUMBER = /^-?(0|[1-9]\d*)(\.\d+)?$/;

/** One text value as xml2json.xslt types it. */
export function jsonValue(text: string): string {
  if (text === '') return 'null';
  if (XPATH_NUMBER.test(text) && !(text.startsWith('0') && text !== '0')) {
    const t = text.trim();
    return JSON_NUMBER.test(t) ? t : JSON.stringify(Number(t));
  }
  const lower = text.toLowerCase();
  if (lower === 'true' || lower === 'false') return lower;
  return JSON.stringify(text);
}

function members(level: 'global' | 'source', fields: readonly StatField[]): string[] {
  return fields.filter(([name]) => isPublicField(level, name)).map(([name, value]) => `${JSON.stringify(name)}:${jsonValue(value)}`);
}

function lastIsHidden(level: 'global' | 'source', fields: readonly StatField[]): boolean {
  const last = fields.at(-1);
  return last !== undefined && !isPublicField(level, last[0]);
}

function sourceObject(fields: readonly StatField[]): string {
  const parts = members('source', fields);
  if (lastIsHidden('source', fields)) parts.push('"dummy":null');
  return `{${parts.join(',')}}`;
}

/** `stats` must already be the public tree (hidden mounts removed). */
export function statusJson(stats: IceStats): string {
  const parts = members('global', stats.global);
  const sources = stats.sources.map((s) => sourceObject(s.fields));
  if (sources.length === 1) parts.push(`"source":${sources[0]}`);
  else if (sources.length > 1) parts.push(`"source":[${sources.join(',')}]`);
  else if (lastIsHidden('global', stats.global)) parts.push('"dummy":null');
  return `{"icestats":{${parts.join(',')}}}`;
}
