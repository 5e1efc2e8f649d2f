/**
 * PAXLST → canonical travellers per second, end to end (`translateEdifact`: tokenize, envelope and
 * structure checks, translation), next to the bare parse (`parseInterchanges`, same options) of the same
 * bytes in the same process. The input is a generated interchange of pilgrim manifests: 10 PAXLST
 * messages of 10,000 travellers each by default (the D.21A structure allows 99,999 per message).
 *
 *   npm run bench -- edifact-e2e [travellers=100000] [perMessage=10000]
 *
 * Last line: `edifact-e2e ratio=<translate MB/s ÷ parse MB/s> travellers=<n>/s parse=<MB/s>`.
 */
import { parseInterchanges } from '../adapters/edifact';
import { manifestToPaxlst, translateEdifact, translateMessage } from '../adapters/edifact/messages';
import type { Manifest } from '../core/model';

const SURNAMES = ['SANTOSO', 'WULANDARI', 'RAHMAN', 'HASYIM', 'AL-HARBI', 'ABDELRAHMAN', 'KHAN', 'YILMAZ', "O'NEILL", 'DIALLO'];
const GIVEN = ['BUDI', 'SITI', 'AHMAD', 'FATIMA', 'MOHAMED', 'AISYAH', 'OMAR', 'HALA', 'YUSUF', 'NUR'];
const NATS = ['IDN', 'PAK', 'EGY', 'TUR', 'MYS', 'BGD', 'NGA', 'JOR'];

function manifest(n: number, offset: number): Manifest {
  const travellers: Manifest['travellers'] = [];
  for (let i = 0; i < n; i++) {
    const k = offset + i;
    const nat = NATS[k % NATS.length];
    travellers.push({
      surname: SURNAMES[k % SURNAMES.length], givenName: GIVEN[(k * 7) % GIVEN.length], middleName: k % 3 === 0 ? 'ALI' : null,
      gender: k % 2 ? 'F' : 'M', birthDate: `${1940 + (k % 60)}-${String(1 + (k % 12)).padStart(2, '0')}-${String(1 + (k % 28)).padStart(2, '0')}`,
      nationality: nat, residence: nat, embarkation: 'CGK', debarkation: 'JED', recordLocator: `P${(k % 1_000_000).toString(36).toUpperCase().padStart(5, '0')}`,
      documents: [{ type: 'P', number: `X${String(k).padStart(8, '0')}`, issuingCountry: nat, expiry: `${2026 + (k % 9)}-06-30` }],
    });
  }
  const flight = { carrier: 'SV', flightNumber: '817', origin: 'CGK', destination: 'JED', departureDate: '2025-03-10', departureTime: '08:35', arrivalDate: '2025-03-10', arrivalTime: '14:20' };
  return {
    kind: 'passengers', reference: `SV817-${offset}`, reportingParty: { name: 'SAUDIA API DESK', phone: '966 12 686 0000' },
    flight, legs: [flight],
    travellers,
  };
}

/** One interchange holding several PAXLST messages (the serializer writes one message per call, so join bodies). */
function generate(total: number, perMessage: number): Buffer {
  const parts: string[] = [];
  let messages = 0;
  for (let off = 0; off < total; off += perMessage) {
    const one = manifestToPaxlst(manifest(Math.min(perMessage, total - off), off), { recipient: { id: 'SAUAPIS', qualifier: 'ZZZ' }, controlRef: '1', messageRef: String(++messages), group: false, prepared: new Date('2025-03-01T00:00:00Z') }).toString('latin1');
    parts.push(one.slice(one.indexOf("UNH+"), one.lastIndexOf("UNZ+")));
  }
  return Buffer.from(`UNA:+.? 'UNB+UNOA:4+MAQAM:ZZZ+SAUAPIS:ZZZ+20250301:0000+1'${parts.join('')}UNZ+${messages}+1'`, 'latin1');
}

function time(fn: () => void): number {
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

export async function run(args: string[]): Promise<void> {
  const total = Number(args[0] ?? 100_000);
  const perMessage = Number(args[1] ?? 10_000);
  console.log(`generating ${total} travellers in messages of ${perMessage} …`);
  const bytes = generate(total, perMessage);
  const mb = bytes.length / 1e6;
  console.log(`input ${mb.toFixed(1)} MB`);
  let travellers = 0;
  const translateOnce = () => {
    const r = translateEdifact(bytes);
    travellers = 0;
    for (const m of r.canonical as Manifest[]) travellers += m.travellers.length;
    if (r.findings.some((f) => f.severity === 'error')) throw new Error(`errors: ${JSON.stringify(r.findings.slice(0, 3))}`);
  };
  let segments = 0;
  const parseOnce = () => {
    const r = parseInterchanges(bytes);
    segments = r.interchanges.reduce((n, i) => n + i.messages.reduce((k, m) => k + m.segmentCount, 0), 0);
  };
  parseOnce(); translateOnce(); // warm-up
  // Alternate the two so that load from other processes on the machine hits both alike; keep the best.
  let tParse = Infinity;
  let tTrans = Infinity;
  for (let i = 0; i < 4; i++) {
    tParse = Math.min(tParse, time(parseOnce));
    tTrans = Math.min(tTrans, time(translateOnce));
    console.log(`round ${i + 1}: parse ${tParse.toFixed(3)} s, translate ${tTrans.toFixed(3)} s (best so far)`);
  }
  if (travellers !== total) throw new Error(`translated ${travellers} travellers, expected ${total}`);
  // The translators alone, over messages already parsed: what the mapping adds to the parse.
  const parsed = parseInterchanges(bytes);
  const ich = parsed.interchanges[0];
  const now = new Date();
  let tMap = Infinity;
  for (let i = 0; i < 3; i++) tMap = Math.min(tMap, time(() => { for (const m of ich.messages) translateMessage(m, ich, now); }));
  console.log(`parse:     ${tParse.toFixed(3)} s, ${segments} segments, ${(mb / tParse).toFixed(1)} MB/s`);
  console.log(`translate: ${tTrans.toFixed(3)} s end to end, ${(mb / tTrans).toFixed(1)} MB/s, ${Math.round(travellers / tTrans)} travellers/s`);
  console.log(`mapping alone (parsed messages → manifests): ${tMap.toFixed(3)} s, ${Math.round(travellers / tMap)} travellers/s`);
  console.log(`edifact-e2e ratio=${(tParse / tTrans).toFixed(2)} travellers=${Math.round(travellers / tTrans)}/s parse=${(mb / tParse).toFixed(1)}`);
}
