/**
 * Byte-level helpers of the tokenizer: the byte classes of the separator scan, the whitespace table,
 * segment tag bytes, ISO 8859-1 views of buffers and the UTF-8 check.
 */
import type { Charset } from './charset';
import type { Separators } from './types';

// byte classes (the class of a separator byte doubles as its mark type: C_COMP/C_ELEM/C_REP)
export const C_DATA = 0;
export const C_COMP = 1;
export const C_ELEM = 2;
export const C_REP = 3;
export const C_SEG = 4;
export const C_REL = 5;
export const C_HIGH = 6;
export const C_BAD = 7;

export const U = 0x55, N = 0x4e, A = 0x41, B = 0x42, I = 0x49;

/** Fills the byte class table and the between-segments whitespace table for a separator set and charset. */
export function buildTables(s: Separators, charset: Charset, cls: Uint8Array, ws: Uint8Array): void {
  const allowed = charset.allowed;
  for (let b = 0; b < 256; b++) {
    let c = C_DATA;
    if (b >= 0x80) c = allowed ? C_BAD : C_HIGH;
    else if (b < 0x20 || b === 0x7f) c = C_BAD;
    else if (allowed && !allowed[b]) c = C_BAD;
    cls[b] = c;
  }
  cls[s.component] = C_COMP;
  cls[s.element] = C_ELEM;
  if (s.repetition >= 0) cls[s.repetition] = C_REP;
  if (s.release >= 0) cls[s.release] = C_REL;
  cls[s.segment] = C_SEG;
  ws.fill(0);
  for (const b of [0x20, 0x09, 0x0a, 0x0d, 0x0c, 0x0b, 0x00]) ws[b] = 1;
  for (const b of [s.component, s.element, s.release, s.repetition, s.segment]) if (b >= 0) ws[b] = 0;
}

/** A byte that may appear in a segment tag (upper case letter or digit). */
export function isTagByte(b: number): boolean {
  return (b >= 0x41 && b <= 0x5a) || (b >= 0x30 && b <= 0x39);
}

/** True when the 3-character tag is made of tag bytes. */
export function isTag(tag: string): boolean {
  return tag.length === 3 && isTagByte(tag.charCodeAt(0)) && isTagByte(tag.charCodeAt(1)) && isTagByte(tag.charCodeAt(2));
}

/** A fresh (flat, unshared) ISO 8859-1 string of buf[s, e). */
export const latin1Slice: (buf: Buffer, s: number, e: number) => string =
  typeof (Buffer.prototype as unknown as { latin1Slice?: unknown }).latin1Slice === 'function'
    ? (buf, s, e) => (buf as unknown as { latin1Slice(s: number, e: number): string }).latin1Slice(s, e)
    : (buf, s, e) => buf.toString('latin1', s, e);

let isUtf8Impl: ((b: Uint8Array) => boolean) | undefined;

/** Whether the bytes are well-formed UTF-8. */
export function isUtf8(b: Uint8Array): boolean {
  if (!isUtf8Impl) {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const mod = require('node:buffer') as { isUtf8?: (b: Uint8Array) => boolean };
    const fatal = new TextDecoder('utf-8', { fatal: true });
    isUtf8Impl = mod.isUtf8 ?? ((x: Uint8Array) => { try { fatal.decode(x); return true; } catch { return false; } });
  }
  return isUtf8Impl(b);
}

/**
 * The separators a UNA at b[i] (9 bytes available) declares, and whether they are unusable (a separator
 * used twice, or a tag byte, space or byte ≥ 0x80 as a separator).
 */
export function unaSeparators(b: Uint8Array, i: number, ignoreRepetition: boolean): { seps: Separators; bad: boolean } {
  const seps: Separators = {
    component: b[i + 3],
    element: b[i + 4],
    decimal: b[i + 5],
    release: b[i + 6] === 0x20 ? -1 : b[i + 6],
    repetition: b[i + 7] === 0x20 ? -1 : b[i + 7],
    segment: b[i + 8],
  };
  if (seps.repetition >= 0 && ignoreRepetition) seps.repetition = -1;
  const used = [seps.component, seps.element, seps.release, seps.repetition, seps.segment].filter((x) => x >= 0);
  const bad = new Set(used).size !== used.length || used.some((x) => isTagByte(x) || x === 0x20 || x >= 0x80);
  return { seps, bad };
}

/** Whether b[i …] (avail bytes) looks like the start of an interchange or of a segment. */
export function looksLikeStart(b: Uint8Array, i: number, avail: number, s: Separators): boolean {
  if (avail < 3) return false;
  if (b[i] === U && b[i + 1] === N && (b[i + 2] === A || b[i + 2] === B)) return true;
  if (b[i] === U && b[i + 1] === I && b[i + 2] === B) return true;
  if (avail < 4) return false;
  if (!isTagByte(b[i]) || !isTagByte(b[i + 1]) || !isTagByte(b[i + 2])) return false;
  const n = b[i + 3];
  return n === s.element || n === s.segment || n === s.component;
}

/**
 * The first byte of class C_BAD in the segment b[s, e) (a released one too), with its 1-based element and
 * component (element 0: in the tag); null when there is none.
 */
export function findBadByte(b: Uint8Array, cls: Uint8Array, rel: number, s: number, e: number): { at: number; element: number; component: number } | null {
  let element = 0;
  let component = 1;
  for (let i = s; i < e; i++) {
    const x = b[i];
    if (x === rel) {
      i++;
      if (i < e && cls[b[i]] === C_BAD) return { at: i, element, component };
      continue;
    }
    const c = cls[x];
    if (c === C_ELEM) { element++; component = 1; }
    else if (c === C_COMP) component++;
    else if (c === C_BAD) return { at: i, element, component };
  }
  return null;
}

/** How a byte outside the repertoire is described in a finding. */
export function describeByte(byte: number): string {
  return byte < 0x20 || byte === 0x7f ? `control character 0x${byte.toString(16).padStart(2, '0')}` : byte >= 0x80 ? `byte 0x${byte.toString(16)}` : `character ${JSON.stringify(String.fromCharCode(byte))}`;
}

/**
 * In text that is not an interchange: the index from `j` on of the next UNA/UNB/UIB or segment-looking
 * line start (a value with j + 3 > len when none is complete yet).
 */
export function nextStart(b: Uint8Array, j: number, len: number, s: Separators): number {
  for (; j + 3 <= len; j++) {
    if (b[j] === U && b[j + 1] === N && (b[j + 2] === A || b[j + 2] === B)) break;
    if (b[j] === U && b[j + 1] === I && b[j + 2] === B) break;
    if ((b[j - 1] === 0x0a || b[j - 1] === 0x0d) && looksLikeStart(b, j, len - j, s)) break;
  }
  return j;
}

/**
 * Index of the first segment terminator in b[i, len) not preceded by a release character; len when there
 * is none, len + 1 when a release character is the last byte.
 */
export function findTerminator(b: Uint8Array, cls: Uint8Array, i: number, len: number): number {
  for (; i < len; i++) {
    const c = cls[b[i]];
    if (c === C_REL) {
      if (i + 1 >= len) return len + 1;
      i++;
      continue;
    }
    if (c === C_SEG) return i;
  }
  return len;
}
