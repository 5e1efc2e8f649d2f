/**
 * Text made to fit the repertoire of an outgoing interchange's syntax identifier (UNOA is upper-case Latin
 * only, UNOI ISO 8859-6 …), and what cannot be made to fit.
 */
import { charsetFor, encodeString } from '..';
import type { Charset } from '../charset';

/**
 * Makes free text fit the answer's repertoire, so that a core message with `×` or an Arabic name never
 * makes an UNOA answer unwritable: accents are stripped, UNOA text is upper-cased, `_` (not in level A)
 * becomes `-` (so `GW_SOLD_OUT` reads `GW-SOLD-OUT`), and what still cannot be written becomes a space.
 * A PAXLST never relies on the last step: `paxlstProblems` refuses the values it would change that way.
 */
export function fitText(v: string, syntaxId: string): string {
  const cs = charsetFor(syntaxId);
  if (writesAsIs(v, cs)) return v;
  let out = '';
  for (const ch of folded(v, cs)) out += fits(ch, cs) ? ch : ' ';
  return out.replace(/ {2,}/g, ' ').trim();
}

/**
 * The characters of `v` that the repertoire of `syntaxId` cannot hold even upper-cased and without accents
 * (what `fitText` would blank), each once; none when `v` can be written.
 */
export function unwritableChars(v: string, syntaxId: string): string[] {
  const cs = charsetFor(syntaxId);
  if (writesAsIs(v, cs)) return [];
  const lost = new Set<string>();
  for (const ch of v) if (![...folded(ch, cs)].every((x) => fits(x, cs))) lost.add(ch);
  return [...lost];
}

function writesAsIs(v: string, cs: Charset): boolean {
  for (let i = 0; i < v.length; i++) {
    const c = v.charCodeAt(i);
    if (!(cs.allowed ? c < 256 && cs.allowed[c] === 1 : cs.encoding === 'utf8' || c < 0x80)) return false;
  }
  return true;
}

/** `v` without accents, and in a restricted repertoire upper-cased and with `-` for a `_` it lacks. */
function folded(v: string, cs: Charset): string {
  let t = v.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/\u00d7/g, 'X');
  if (cs.allowed && cs.allowed['a'.charCodeAt(0)] !== 1) t = t.toUpperCase();
  if (cs.allowed && cs.allowed['_'.charCodeAt(0)] !== 1) t = t.replace(/_/g, '-');
  return t;
}

function fits(ch: string, cs: Charset): boolean {
  const c = ch.charCodeAt(0);
  if (cs.allowed) return ch.length === 1 && c < 256 && cs.allowed[c] === 1;
  if (cs.encoding === 'utf8') return true;
  try { encodeString(ch, cs.encoding); return true; } catch { return false; }
}
