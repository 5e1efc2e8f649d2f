/**
 * Character repertoires per UNB syntax identifier (S001/0001). The tokenizer works on bytes (every
 * separator is an ASCII byte in every repertoire we read, and no multi-byte UTF-8 sequence contains a byte
 * below 0x80), and decodes component bytes with the interchange's charset. Never assumes UTF-8.
 */

export type Encoding = 'ascii' | 'latin1' | 'utf8' | string; // other strings: a TextDecoder label

export interface Charset {
  /** The syntax identifier as received (UNOA, UNOC, IATA …). */
  id: string;
  encoding: Encoding;
  /** Allowed single bytes (1 = allowed) for restricted repertoires (UNOA/UNOB/IATA/IATB); null = any. */
  allowed: Uint8Array | null;
  /** Human description of the restriction, for findings. */
  restriction?: string;
  /** False when the identifier is not one we know (decoded as ISO 8859-1 then, with a finding). */
  known: boolean;
}

// ISO 9735 level A: upper case letters, digits, space and . , - ( ) / = ' + : ? ! " % & * ; < >
const LEVEL_A = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 .,-()/=\'+:?!"%&*;<>';

function table(chars: string): Uint8Array {
  const t = new Uint8Array(256);
  for (let i = 0; i < chars.length; i++) t[chars.charCodeAt(i)] = 1;
  return t;
}

const A_TABLE = table(LEVEL_A);
// Level B: the printable ISO 646 basic code table (ASCII 0x20–0x7E).
const B_TABLE = (() => {
  const t = new Uint8Array(256);
  for (let i = 0x20; i < 0x7f; i++) t[i] = 1;
  return t;
})();

const ISO_8859: Record<string, string> = {
  UNOD: 'iso-8859-2',
  UNOE: 'iso-8859-5',
  UNOF: 'iso-8859-7',
  UNOG: 'iso-8859-3',
  UNOH: 'iso-8859-4',
  UNOI: 'iso-8859-6',
  UNOJ: 'iso-8859-8',
  UNOK: 'iso-8859-9',
  UNOL: 'iso-8859-15',
};

const cache = new Map<string, Charset>();

/** The charset of a syntax identifier (case-insensitive); unknown identifiers give `known: false`. */
export function charsetFor(syntaxId: string): Charset {
  const id = syntaxId.toUpperCase();
  const hit = cache.get(id);
  if (hit) return hit;
  let cs: Charset;
  if (id === 'UNOA' || id === 'IATA') cs = { id, encoding: 'ascii', allowed: A_TABLE, restriction: 'level A (upper case letters, digits and . , - ( ) / = \' + : ? ! " % & * ; < > space)', known: true };
  else if (id === 'UNOB' || id === 'IATB') cs = { id, encoding: 'ascii', allowed: B_TABLE, restriction: 'level B (printable ASCII)', known: true };
  else if (id === 'UNOC') cs = { id, encoding: 'latin1', allowed: null, known: true };
  else if (ISO_8859[id]) cs = { id, encoding: ISO_8859[id], allowed: null, known: true };
  else if (id === 'UNOW' || id === 'UNOY') cs = { id, encoding: 'utf8', allowed: null, known: true };
  else cs = { id, encoding: 'latin1', allowed: null, known: false };
  cache.set(id, cs);
  return cs;
}

/** Default before any UNB is read: UNOB-like reading (bytes ≥ 0x80 decoded as ISO 8859-1), no checks. */
export const INITIAL_CHARSET: Charset = { id: '', encoding: 'latin1', allowed: null, known: true };

const decoders = new Map<string, TextDecoder>();

/** Decodes bytes with a charset's encoding. */
export function decodeBytes(bytes: Uint8Array, encoding: Encoding): string {
  if (encoding === 'ascii' || encoding === 'latin1') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('latin1');
  if (encoding === 'utf8') return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
  let d = decoders.get(encoding);
  if (!d) decoders.set(encoding, (d = new TextDecoder(encoding)));
  return d.decode(bytes);
}

const encoders = new Map<string, Map<number, number>>();

/** Encodes a string to bytes in a charset's encoding; characters it cannot represent throw. */
export function encodeString(s: string, encoding: Encoding): Buffer {
  if (encoding === 'utf8') return Buffer.from(s, 'utf8');
  let ascii = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ascii = false; break; }
  if (ascii) return Buffer.from(s, 'latin1');
  if (encoding === 'ascii') throw new Error(`character ${JSON.stringify(firstNonAscii(s))} cannot be written in a 7-bit repertoire`);
  if (encoding === 'latin1') {
    for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0xff) throw new Error(`character ${JSON.stringify(s[i])} is not in ISO 8859-1`);
    return Buffer.from(s, 'latin1');
  }
  let map = encoders.get(encoding);
  if (!map) {
    map = new Map();
    const d = new TextDecoder(encoding);
    for (let b = 0x80; b < 0x100; b++) {
      const ch = d.decode(Uint8Array.of(b));
      if (ch !== '\ufffd') map.set(ch.charCodeAt(0), b);
    }
    encoders.set(encoding, map);
  }
  const out = Buffer.allocUnsafe(s.length);
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) out[i] = c;
    else {
      const b = map.get(c);
      if (b === undefined) throw new Error(`character ${JSON.stringify(s[i])} is not in ${encoding}`);
      out[i] = b;
    }
  }
  return out;
}

function firstNonAscii(s: string): string {
  for (const ch of s) if (ch.charCodeAt(0) > 0x7f) return ch;
  return '';
}

/** The encoding to write for a syntax identifier (unknown → UTF-8 is never assumed: ISO 8859-1). */
export function encodingFor(syntaxId: string): Encoding {
  return charsetFor(syntaxId).encoding;
}

/** Replaces the characters an encoding cannot represent with '.', so that echoed values never break a reply. */
export function sanitizeFor(s: string, encoding: Encoding): string {
  if (encoding === 'utf8') return s;
  let ok = true;
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) { ok = false; break; }
  if (ok) return s;
  let out = '';
  for (const ch of s) {
    try {
      encodeString(ch, encoding);
      out += ch;
    } catch {
      out += '.';
    }
  }
  return out;
}

/**
 * `s` made writable in the repertoire of `syntaxId`, for values a reply echoes from what it answers: in a
 * restricted repertoire (UNOA, UNOB, IATA …) a lower-case letter it lacks is upper-cased and any other
 * character it lacks becomes `.`; otherwise as `sanitizeFor`.
 */
export function fitRepertoire(s: string, syntaxId: string): string {
  const cs = charsetFor(syntaxId);
  const allowed = cs.allowed;
  if (!allowed) return sanitizeFor(s, cs.encoding);
  let ok = true;
  for (let i = 0; i < s.length && ok; i++) {
    const c = s.charCodeAt(i);
    ok = c < 256 && allowed[c] === 1;
  }
  if (ok) return s;
  let out = '';
  for (const ch of s) {
    const c = ch.charCodeAt(0);
    if (ch.length === 1 && c < 256 && allowed[c] === 1) out += ch;
    else {
      const u = ch.toUpperCase();
      out += u.length === 1 && u.charCodeAt(0) < 256 && allowed[u.charCodeAt(0)] === 1 ? u : '.';
    }
  }
  return out;
}
