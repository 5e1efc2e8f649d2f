/**
 * What a PAXLST can carry, checked before one is written for an authority: every text value must fit the
 * repertoire of the interchange's syntax identifier. A name the repertoire cannot hold is refused at its
 * path, never sent blank or cut (an authority would get a pilgrim without a name); accents and lower case
 * are not a problem (written without them, as in a passport's machine-readable zone).
 *
 * The input may not have been checked yet (the filing route lists these problems beside core's): values
 * of the wrong type are core's to report and are skipped here.
 */
import type { Violation } from '../../../core/errors';
import { charsetFor } from '..';
import { unwritableChars } from './fit';

type Obj = Record<string, unknown>;

const NAMES = ['surname', 'givenName', 'middleName'] as const;
const ARABIC_NAMES = ['surnameArabic', 'givenNameArabic'] as const;

function obj(v: unknown): Obj | null {
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? (v as Obj) : null;
}

function list(v: unknown): Obj[] {
  return Array.isArray(v) ? v.map(obj).map((x) => x ?? {}) : [];
}

/** True when the repertoire of `syntaxId` carries Arabic script (then the Arabic names are written too). */
export function carriesArabic(syntaxId: string): boolean {
  const enc = charsetFor(syntaxId).encoding;
  return enc === 'utf8' || enc === 'iso-8859-6';
}

/**
 * Every value of the manifest a PAXLST in `syntaxId` for `to` could not carry as given, with its path in the
 * manifest. Empty when the PAXLST can be written.
 */
export function paxlstProblems(raw: unknown, o: { syntaxId: string; to?: string }): Violation[] {
  const out: Violation[] = [];
  const m = obj(raw);
  if (!m) return out;
  const to = o.to ?? 'the authority';
  const cs = charsetFor(o.syntaxId);
  const repertoire = `${o.syntaxId}${cs.restriction ? `, ${cs.restriction}` : ''}`;
  const text = (holder: Obj, key: string, path: string, advice: string) => {
    const v = holder[key];
    if (typeof v !== 'string') return;
    const lost = unwritableChars(v, o.syntaxId);
    if (lost.length === 0) return;
    out.push({
      code: 'GW_BAD_INPUT', path: `${path}/${key}`,
      message: `${key} ${JSON.stringify(v)} cannot be sent to ${to}: its manifests are written in ${repertoire}, which has no ${lost.map((c) => JSON.stringify(c)).join(', ')}${advice}`,
    });
  };
  const latinName = '; send the name in Latin letters as printed in the passport\'s machine-readable zone (the Arabic spelling goes in surnameArabic and givenNameArabic)';
  text(m, 'reference', '', '');
  const party = obj(m.reportingParty);
  if (party) for (const k of ['name', 'phone']) text(party, k, '/reportingParty', '');
  const arabic = carriesArabic(o.syntaxId);
  list(m.travellers).forEach((t, i) => {
    const p = `/travellers/${i}`;
    for (const k of NAMES) text(t, k, p, latinName);
    if (arabic) for (const k of ARABIC_NAMES) text(t, k, p, '');
    list(t.documents).forEach((d, j) => {
      for (const k of ['type', 'number']) text(d, k, `${p}/documents/${j}`, '');
    });
  });
  return out;
}
