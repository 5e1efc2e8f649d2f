/**
 * Insurance plans in OpenTravel form: OTA_InsuranceQuoteRQ / OTA_InsuranceBookRQ → per-pilgrim lines of
 * insurance products, and a canonical offer / booked line → the PlanForQuoteRS / PlanForBookRS elements of
 * the 2015B RS documents. Pure reading and rendering: no store, no gateway calls.
 *
 * Where the codes go: `PlanID` is the partner's service code (mappings/ota/<partner>.json `services`),
 * every `CoveredTraveler` is one pilgrim (one unit), the cover starts on `InsCoverageDetail@EffectiveDate`
 * (or the first `CoveredTrip@Start`); the sender's own id is `PlanForBookRQ/UniqueID` (`Type="14"`).
 */
import type { BookingItem, IsoDate, Product, Traveller } from '../../core/model';
import { alpha3Of, countryProblem } from './countries';
import { gwIssue } from './envelope';
import { addDays, datePart, isIsoDate } from './dates';
import type { CodeResolver } from './mapping';
import { at, el, kid, kids, text, textEl, type XNode } from './xml';

/** One plan asked for: which product, from when, for how many pilgrims. */
export interface InsurancePlanRequest {
  planCode: string;
  productId: string;
  start: IsoDate;
  pilgrims: number;
  travellers: Traveller[];
  tag: string;
}

function coveredPerson(ct: XNode, tag: string): Traveller | undefined {
  const cp = kid(ct, 'CoveredPerson');
  const surname = text(kid(cp, 'Surname')).trim();
  if (!surname) return undefined;
  const givenName = kids(cp, 'GivenName').map(text).join(' ').trim();
  const t: Traveller = { surname, givenName: givenName || surname, type: 'ADT' };
  const birth = at(cp, 'BirthDate');
  if (isIsoDate(birth)) t.birthDate = birth;
  const doc = kids(ct, 'Document')[0];
  const docId = at(doc, 'DocID');
  // OTA DOC codes: 2 passport, 1 visa.
  // OTA writes the country ISO 3166 alpha-2; the canonical model keeps alpha-3.
  const country = at(doc, 'DocIssueCountry');
  const issuingCountry = country === undefined ? null : alpha3Of(country);
  if (issuingCountry === undefined) throw gwIssue('GW_BAD_INPUT', countryProblem('DocIssueCountry', country!), `${tag}/Document/@DocIssueCountry`);
  if (docId) t.documents = [{ type: at(doc, 'DocType') === '1' ? 'V' : 'P', number: docId, issuingCountry }];
  return t;
}

/** Reads every PlanForQuoteRQ / PlanForBookRQ of a message. */
export async function readPlans(root: XNode, rq: 'OTA_InsuranceQuoteRQ' | 'OTA_InsuranceBookRQ', resolver: CodeResolver): Promise<InsurancePlanRequest[]> {
  const el = rq === 'OTA_InsuranceQuoteRQ' ? 'PlanForQuoteRQ' : 'PlanForBookRQ';
  const list = kids(root, el);
  if (list.length === 0) throw gwIssue('GW_BAD_INPUT', `${el} is missing`, `/${rq}/${el}`);
  if (list.length > 20) throw gwIssue('GW_BAD_INPUT', `At most 20 ${el} per message`, `/${rq}/${el}[21]`);
  const out: InsurancePlanRequest[] = [];
  for (let i = 0; i < list.length; i++) {
    const p = list[i];
    const tag = `/${rq}/${el}[${i + 1}]`;
    const planCode = at(p, 'PlanID');
    const productId = await resolver.service(planCode, `${tag}/@PlanID`);
    const detail = kid(p, 'InsCoverageDetail');
    const raw = at(detail, 'EffectiveDate') ?? at(kids(kid(detail, 'CoveredTrips'), 'CoveredTrip')[0], 'Start');
    const start = datePart(raw);
    if (!isIsoDate(start)) throw gwIssue(raw ? 'GW_BAD_DATES' : 'GW_BAD_INPUT', raw ? `Cover start '${raw}' is not a date` : 'InsCoverageDetail@EffectiveDate is missing', `${tag}/InsCoverageDetail/@EffectiveDate`);
    const covered = kids(kid(p, 'CoveredTravelers'), 'CoveredTraveler');
    if (covered.length === 0) throw gwIssue('GW_BAD_INPUT', 'CoveredTravelers/CoveredTraveler is missing: the plan is priced per pilgrim', `${tag}/CoveredTravelers`);
    if (covered.length > 999) throw gwIssue('GW_BAD_INPUT', `${covered.length} covered travellers is more than one plan may cover`, `${tag}/CoveredTravelers`);
    const people = covered.map((c, j) => coveredPerson(c, `${tag}/CoveredTravelers/CoveredTraveler[${j + 1}]`));
    const travellers = people.filter((t): t is Traveller => t !== undefined);
    if (rq === 'OTA_InsuranceBookRQ' && travellers.length !== covered.length) {
      const n = people.findIndex((t) => !t) + 1;
      throw gwIssue('GW_BAD_INPUT', 'Every covered traveller of a policy needs a Surname', `${tag}/CoveredTravelers/CoveredTraveler[${n}]/CoveredPerson/Surname`);
    }
    out.push({ planCode: planCode!, productId, start, pilgrims: covered.length, travellers, tag });
  }
  return out;
}

/** The sender's own id of an OTA_InsuranceBookRQ (the first `UniqueID Type="14"`, or any UniqueID). */
export function senderRef(root: XNode): string | undefined {
  const ids = kids(root, 'PlanForBookRQ').flatMap((p) => kids(p, 'UniqueID'));
  return at(ids.find((u) => at(u, 'Type') === '14') ?? ids[0], 'ID');
}

/** Days of cover a plan gives (product detail `coverageDays`), used for the policy's expiry. */
function coverEnd(p: Product, start: IsoDate): IsoDate | undefined {
  const days = Number(p.details?.coverageDays);
  return Number.isInteger(days) && days > 0 ? addDays(start, days - 1) : undefined;
}

function provider(p: Product): string {
  return textEl('ProviderCompany', { Code: p.providerId.slice(0, 32) }, p.providerId);
}

/** One PlanForQuoteRS: the plan, its cover period, the premium for every pilgrim and per pilgrim. */
export function planQuoteEl(code: string, p: Product, start: IsoDate, total: { amount: string; currency: string }, perPilgrim: string): string {
  return el('PlanForQuoteRS', { PlanID: code.slice(0, 16), Name: p.name.slice(0, 64), Type: 'Umrah' },
    el('QuoteDetail', { EffectiveDate: start, ExpireDate: coverEnd(p, start) }, provider(p)),
    el('PlanCost', { Amount: total.amount, CurrencyCode: total.currency },
      el('BasePremium', { Amount: perPilgrim, CurrencyCode: total.currency })),
  );
}

/** One PlanForBookRS: the policy number is the hub locator (UIT 10), the sender's id its reference. */
export function planBookEl(code: string, p: Product, it: BookingItem, locator: string, externalRef: string | null, travellers: Traveller[], orderDate: IsoDate): string {
  const person = (t: Traveller) => el('CoveredTraveler', null,
    el('CoveredPerson', { Relation: 'Traveler', BirthDate: t.birthDate ?? undefined },
      textEl('GivenName', null, t.givenName.slice(0, 64)), textEl('Surname', null, t.surname.slice(0, 64))));
  return el('PlanForBookRS', { PlanID: code.slice(0, 16), Name: p.name.slice(0, 64), Type: 'Umrah' },
    el('PolicyDetail', { OrderDate: orderDate, EffectiveDate: it.start, ExpireDate: coverEnd(p, it.start) },
      el('PolicyNumber', { Type: '10', ID: locator, ID_Context: 'MAQAM' }),
      externalRef ? el('RefNumber', { Type: '14', ID: externalRef.slice(0, 32) }) : ''),
    travellers.length ? el('CoveredTravelers', null, ...travellers.map(person)) : '',
    el('PlanCost', { Amount: it.price.amount, CurrencyCode: it.price.currency }),
  );
}
