// The one escaping function of every XML (and HTML) output: text and attribute values alike.
// XML 1.0 §2.2 allows only Char ::= #x9 | #xA | #xD | [#x20-#xD7FF] | [#xE000-#xFFFD] |
// [#x10000-#x10FFFF]; anything else, even as a character reference, makes the document not
// well-formed, and a title with U+FFFE would break every consumer of /admin/stats until it
// changed. So: control characters (C0, DEL, C1; CR, LF and tab too, which would only confuse
// readers of a one-line value) become a space, the non-characters U+FFFE and U+FFFF are dropped,
// a lone surrogate becomes U+FFFD, and the five markup characters become entities.

const CONTROL = /[\x00-\x1f\x7f-\x9f]/g;
const NON_CHARACTER = /[\uFFFE\uFFFF]/g;
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const ENTITIES: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function escapeXml(text: string): string {
  return text
    .replace(CONTROL, ' ')
    .replace(NON_CHARACTER, '')
    .replace(LONE_SURROGATE, '\uFFFD')
    .replace(/[&<>"']/g, (c) => ENTITIES[c]!);
}
