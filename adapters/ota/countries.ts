/**
 * Country codes between OpenTravel (ISO 3166 alpha-2, the schema's ISO3166 type) and the canonical model
 * (ISO 3166 alpha-3), through the table in mappings/countries.json (data, generated from ISO 3166-1).
 */
import table from '../../mappings/countries.json';

const toAlpha3: ReadonlyMap<string, string> = new Map(Object.entries(table.alpha2).map(([a2, c]) => [a2, c.alpha3]));
const toAlpha2: ReadonlyMap<string, string> = new Map(Object.entries(table.alpha2).map(([a2, c]) => [c.alpha3, a2]));

/** The alpha-3 code of an OTA alpha-2 code (either case), or undefined when ISO 3166 assigns none. */
export function alpha3Of(alpha2: string): string | undefined {
  return /^[a-zA-Z]{2}$/.test(alpha2) ? toAlpha3.get(alpha2.toUpperCase()) : undefined;
}

/**
 * The alpha-2 code of a canonical alpha-3 code, or undefined for codes ISO 3166 does not assign (ICAO
 * document codes such as `D` or `XXA`, which PAXLST carries): OTA has no way to say those.
 */
export function alpha2Of(alpha3: string | null | undefined): string | undefined {
  return alpha3 ? toAlpha2.get(alpha3) : undefined;
}

/** Why an OTA country code is refused, naming the attribute. */
export function countryProblem(attr: string, code: string): string {
  const a2 = /^[a-zA-Z]{3}$/.test(code) ? toAlpha2.get(code.toUpperCase()) : undefined;
  return a2
    ? `${attr} '${code}' is an ISO 3166 alpha-3 code; OpenTravel takes alpha-2 ('${a2}')`
    : `${attr} '${code}' is not an ISO 3166 alpha-2 country code`;
}
