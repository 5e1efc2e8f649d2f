/**
 * Hostile-input XML for OpenTravel: bounded size and depth, no DTDs or entities (only the five predefined
 * XML entities and character references are decoded, by us), namespace prefixes stripped, codes kept as
 * strings, repeating elements always arrays. Plus a tiny escaping string builder for what we send.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import { GatewayError } from '../../core/errors';

/** The OpenTravel namespace every RS we emit declares. */
export const OTA_NS = 'http://www.opentravel.org/OTA/2003/05';

/** A parsed element: attributes as `@Name`, text as `#text`, children by local name. */
export type XNode = { [key: string]: unknown };

export interface ParseLimits {
  /** Largest body accepted. 10 MB follows Channex's per-call limit; Expedia's 5,000-update batches fit. */
  maxBytes: number;
  /** Deepest element nesting. OTA messages nest about 12 levels; 64 leaves room for SOAP and extensions. */
  maxDepth: number;
}

export const DEFAULT_LIMITS: Readonly<ParseLimits> = Object.freeze({ maxBytes: 10 * 1024 * 1024, maxDepth: 64 });

/**
 * Elements that repeat somewhere in the messages we read: always parsed as arrays so that one record and
 * many records take the same path.
 */
const REPEATING = new Set([
  'AvailStatusMessage', 'LengthOfStay', 'RestrictionStatus', 'RateAmountMessage', 'Rate', 'BaseByGuestAmt',
  'AdditionalGuestAmount', 'Inventory', 'InvCount', 'Source', 'RoomStay', 'RoomStayCandidate', 'GuestCount',
  'Criterion', 'HotelRef', 'RoomType', 'RatePlan', 'RoomRate', 'HotelReservation', 'ResGuest', 'HotelReservationID',
  'UniqueID', 'Error', 'Warning', 'Profile', 'ProfileInfo', 'PersonName', 'GivenName', 'Customer', 'Document',
  'AvailRequestSegment', 'Service', 'GroundService', 'Passenger', 'PlanForQuoteRQ', 'PlanForBookRQ',
  'CoveredTraveler', 'CoveredPerson', 'Guarantee', 'GuaranteeAccepted', 'Telephone', 'Email', 'Comment',
  'RatePlanCandidate', 'Location', 'ResGuestRPH', 'Fees', 'Fee', 'Tax',
]);

const ENTITY = /&(?:#x([0-9a-fA-F]{1,6})|#([0-9]{1,7})|(lt|gt|amp|quot|apos));/g;
const NAMED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

/** Decodes the predefined entities and character references; anything else stays literal text. */
function decode(v: string): string {
  if (v.indexOf('&') < 0) return v;
  return v.replace(ENTITY, (m, hex: string | undefined, dec: string | undefined, name: string | undefined) => {
    if (name) return NAMED[name];
    const cp = hex ? parseInt(hex, 16) : Number(dec);
    return cp > 0 && cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
  });
}

function makeParser(maxDepth: number): XMLParser {
  return new XMLParser({
    ignoreAttributes: false,
    attributeNamePrefix: '@',
    removeNSPrefix: true,
    parseTagValue: false,
    parseAttributeValue: false,
    processEntities: false,
    htmlEntities: false,
    ignoreDeclaration: true,
    ignorePiTags: true,
    trimValues: true,
    maxNestedTags: maxDepth,
    // No callback reads the path: building its string for every tag and attribute cost ~20% of a parse.
    jPath: false,
    isArray: (name: string, _jpath: unknown, _leaf: boolean, isAttribute: boolean) => !isAttribute && REPEATING.has(name),
    tagValueProcessor: (_n: string, v: string) => decode(v),
    attributeValueProcessor: (_n: string, v: string) => decode(v),
  });
}

const parsers = new Map<number, XMLParser>();

/** The document element of a parsed message. */
export interface ParsedDoc {
  /** Local name of the document element (prefix stripped). */
  root: string;
  /** Namespace URI declared for the document element, or '' when none. */
  ns: string;
  node: XNode;
}

function syntax(message: string): GatewayError {
  return new GatewayError('GW_SYNTAX', message);
}

/** Deepest element nesting, scanning tags only (quotes and comments respected) so it costs one pass. */
function depthOf(xml: string, limit: number): number {
  let depth = 0;
  let max = 0;
  let i = xml.indexOf('<');
  while (i >= 0 && i < xml.length) {
    const c = xml.charCodeAt(i + 1);
    if (c === 47 /* / */) depth--;
    else if (c === 33 /* ! */ || c === 63 /* ? */) {
      const end = xml.startsWith('<!--', i) ? xml.indexOf('-->', i) : xml.startsWith('<![CDATA[', i) ? xml.indexOf(']]>', i) : xml.indexOf('>', i);
      if (end < 0) break;
      i = xml.indexOf('<', end);
      continue;
    } else {
      let j = i + 1;
      let quote = 0;
      for (; j < xml.length; j++) {
        const d = xml.charCodeAt(j);
        if (quote) {
          if (d === quote) quote = 0;
        } else if (d === 34 || d === 39) quote = d;
        else if (d === 62 /* > */) break;
      }
      if (xml.charCodeAt(j - 1) !== 47) {
        depth++;
        if (depth > max) max = depth;
        if (max > limit) return max;
      }
      i = j;
    }
    i = xml.indexOf('<', i + 1);
  }
  return max;
}

/**
 * Parses one untrusted message. Throws `GatewayError` (GW_PAYLOAD_TOO_LARGE, GW_SYNTAX) and nothing else.
 * `wantRoot` narrows to a child of a SOAP Body automatically when the document is a SOAP envelope.
 */
export function parseXml(input: string | Buffer, limits: ParseLimits = DEFAULT_LIMITS): ParsedDoc {
  const bytes = typeof input === 'string' ? Buffer.byteLength(input) : input.length;
  if (bytes > limits.maxBytes) throw new GatewayError('GW_PAYLOAD_TOO_LARGE', `The message is ${bytes} bytes; at most ${limits.maxBytes} are accepted`);
  const xml = typeof input === 'string' ? input : input.toString('utf8');
  if (/<!DOCTYPE/i.test(xml) || /<!ENTITY/i.test(xml)) throw syntax('DTDs and entity declarations are not accepted');
  const depth = depthOf(xml, limits.maxDepth);
  if (depth > limits.maxDepth) throw syntax(`The message nests deeper than ${limits.maxDepth} elements`);
  if (!xml.trim()) throw syntax('The message is empty: an OpenTravel XML document is expected');
  const valid = XMLValidator.validate(xml);
  if (valid !== true) throw syntax(`Malformed XML at line ${valid.err.line}${valid.err.col === undefined ? '' : `, column ${valid.err.col}`}: ${valid.err.msg}`);
  let parser = parsers.get(limits.maxDepth);
  if (!parser) parsers.set(limits.maxDepth, (parser = makeParser(limits.maxDepth)));
  let doc: XNode;
  try {
    doc = parser.parse(xml) as XNode;
  } catch (e) {
    throw syntax(`Malformed XML: ${(e as Error).message}`);
  }
  const roots = Object.keys(doc).filter((k) => !k.startsWith('?') && !k.startsWith('#'));
  // two document elements of one name come back as an array under that name
  const count = roots.reduce((n, k) => n + (Array.isArray(doc[k]) ? (doc[k] as unknown[]).length : 1), 0);
  if (count !== 1) throw syntax(`Expected one document element, found ${count}`);
  const root = roots[0];
  const node = asNode(doc[root]);
  const m = /^<(?:([\w.-]+):)?([\w.-]+)[^>]*>/.exec(xml.slice(xml.search(/<[A-Za-z_]/)));
  const prefix = m?.[1];
  const nsDecl = new RegExp(`xmlns${prefix ? ':' + prefix : ''}\\s*=\\s*["']([^"']*)["']`).exec(m?.[0] ?? '');
  return { root, ns: nsDecl?.[1] ?? '', node };
}

/** Normalises a parsed value (string for text-only or empty elements) into a node. */
export function asNode(v: unknown): XNode {
  if (v === undefined || v === null || v === '') return {};
  if (typeof v === 'string') return { '#text': v };
  if (Array.isArray(v)) return asNode(v[0]);
  return v as XNode;
}

/** Every child element called `name`. */
export function kids(n: XNode | undefined, name: string): XNode[] {
  const v = n?.[name];
  if (v === undefined) return [];
  return Array.isArray(v) ? v.map(asNode) : [asNode(v)];
}

/** The first child element called `name`, if any. */
export function kid(n: XNode | undefined, name: string): XNode | undefined {
  const v = n?.[name];
  if (v === undefined) return undefined;
  return asNode(Array.isArray(v) ? v[0] : v);
}

/** Follows a path of first children. */
export function path(n: XNode | undefined, ...names: string[]): XNode | undefined {
  let cur = n;
  for (const name of names) cur = kid(cur, name);
  return cur;
}

/** An attribute value, or undefined when absent or blank. */
export function at(n: XNode | undefined, name: string): string | undefined {
  const v = n?.['@' + name];
  if (typeof v !== 'string') return undefined;
  const t = v.trim();
  return t === '' ? undefined : t;
}

/** The element's text content. */
export function text(n: XNode | undefined): string {
  const v = n?.['#text'];
  return typeof v === 'string' ? v : '';
}

// ---- building what we send ----

const ESC: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&apos;' };

export function esc(v: string): string {
  return /[&<>"']/.test(v) ? v.replace(/[&<>"']/g, (c) => ESC[c]) : v;
}

/** Attribute values: undefined/null/false-y strings are left out so optional attributes stay optional. */
export type Attrs = Record<string, string | number | boolean | null | undefined>;

/** One element as a string. Children are already-built strings; `text` content is escaped. */
export function el(name: string, attrs: Attrs | null, ...children: (string | null | undefined | false)[]): string {
  let s = '<' + name;
  if (attrs) {
    for (const k in attrs) {
      const v = attrs[k];
      if (v === undefined || v === null || v === '') continue;
      s += ' ' + k + '="' + esc(String(v)) + '"';
    }
  }
  let body = '';
  for (const c of children) if (c) body += c;
  return body === '' ? s + '/>' : s + '>' + body + '</' + name + '>';
}

/** Escapes character data (quotes need no escaping outside attributes). */
export function escText(v: string): string {
  return /[&<>]/.test(v) ? v.replace(/[&<>]/g, (c) => ESC[c]) : v;
}

/** An element holding only text. */
export function textEl(name: string, attrs: Attrs | null, value: string | null | undefined): string {
  if (value === null || value === undefined || value === '') return el(name, attrs);
  return el(name, attrs, escText(value));
}
