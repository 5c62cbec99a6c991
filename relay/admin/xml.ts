// The admin API's XML, built as a small tree and serialised in one place, the way Icecast's
// libxml2 xmlDocDumpMemory writes it (docs/icecast-compatibility.md#admin-commands): `<?xml version="1.0"?>`, a
// newline, the root element on one line without indentation, a final newline. An element with no
// children is self-closing (`<source mount="/m"/>`); one with an empty text child is not
// (`<fallback></fallback>`). Values come from sources, listeners and query strings, so every
// text and attribute is escaped by the one escaping function of every XML output (stream/xml.ts).
import { escapeXml } from '../../stream/xml.ts';

export { escapeXml };

export type XmlChild = XmlElement | string;

export interface XmlElement {
  readonly name: string;
  readonly attributes: Readonly<Record<string, string>>;
  readonly children: readonly XmlChild[];
}

/** XML 1.0 Name, restricted to ASCII: element names must never come straight from input. */
const NAME = /^[A-Za-z_][A-Za-z0-9._-]*$/;

export function isXmlName(name: string): boolean {
  return NAME.test(name);
}


export function element(name: string, attributes: Record<string, string> = {}, children: readonly XmlChild[] = []): XmlElement {
  if (!isXmlName(name)) throw new Error(`invalid XML element name ${JSON.stringify(name)}`);
  for (const a of Object.keys(attributes)) {
    if (!isXmlName(a)) throw new Error(`invalid XML attribute name ${JSON.stringify(a)}`);
  }
  return { name, attributes, children };
}

/** `<name>value</name>`, also when value is empty. */
export function textElement(name: string, value: string | number): XmlElement {
  return element(name, {}, [String(value)]);
}

export function renderElement(e: XmlElement): string {
  let out = `<${e.name}`;
  for (const [k, v] of Object.entries(e.attributes)) out += ` ${k}="${escapeXml(v)}"`;
  if (e.children.length === 0) return `${out}/>`;
  out += '>';
  for (const c of e.children) out += typeof c === 'string' ? escapeXml(c) : renderElement(c);
  return `${out}</${e.name}>`;
}

export function xmlDocument(root: XmlElement): string {
  return `<?xml version="1.0"?>\n${renderElement(root)}\n`;
}

/** Icecast's reply to an action: `<iceresponse><message>…</message><return>1|0</return></iceresponse>`. */
export function iceResponse(message: string, ok: boolean): string {
  return xmlDocument(element('iceresponse', {}, [textElement('message', message), textElement('return', ok ? 1 : 0)]));
}
