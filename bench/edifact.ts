/**
 * EDIFACT parse throughput, ours against the npm `edifact` Parser, same bytes, same run, like for like:
 * both sides read every segment and cut every component as a string, and keep all of it. Ours is
 * `parseInterchanges` with structure validation off (the envelope model is built too): its segments are
 * kept on a tape (adapters/edifact/tape.ts: every component a string, the nesting as indexes); the peer
 * collects `{ name, elements: string[][] }` through its Parser callbacks as its README shows. Before timing,
 * every component of every segment is compared between the two. Then, to show where the time goes: ours
 * also building and keeping every segment as `{ tag, elements: string[][] }` (`ours-nested`, the peer's
 * shape), each side building without keeping its output, the peer's tokenizer alone (component strings
 * produced and dropped), and a bare separator scan. Then a 1 GB PAXLST interchange generated on the fly
 * (never stored) is streamed through the `maqam edifact parse` path (JSON written to a counting sink) in a
 * child process, whose peak RSS is printed.
 *
 *   npm run bench -- edifact [--mb 10] [--rounds 3] [--runs 3] [--gb 1]      (--gb 0 skips the streaming run)
 * Each side is measured in fresh child processes, alternating, on the same deterministic bytes (checked by
 * hash): a warm-up parse, then `runs` timed parses, each after a full garbage collection. Both sides keep
 * one parser alive across that collection (ours in adapters/edifact/parser.ts, the peer's here), so that
 * V8 keeps the hidden classes their optimised code was made for; see `mapKeeper` there.
 * Last line: edifact ratio=<ours/peer> ours=<MB/s> peer=<MB/s> rss1g=<MB>
 */
import { rng as prng } from '../test/support/rng';
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import os from 'node:os';
import path from 'node:path';
import v8 from 'node:v8';
import vm from 'node:vm';
import { parseToJson } from '../adapters/edifact/cli';
import { parseInterchanges } from '../adapters/edifact/parser';
import type { Segment } from '../adapters/edifact/types';

function arg(args: string[], name: string, dflt: number): number {
  const i = args.indexOf(`--${name}`);
  return i >= 0 ? Number(args[i + 1]) : dflt;
}

const SURNAMES = ['ALHARBI', 'ALQAHTANI', 'KHAN', 'RAHMAN', "O?'CONNOR", 'YILMAZ', 'HASSAN', 'SANTOSO', 'BELLO', 'DIALLO'];
const GIVEN = ['AHMED', 'FATIMA', 'MUHAMMAD', 'AISHA', 'IBRAHIM', 'MARYAM', 'YUSUF', 'KHADIJA'];
const NAT = ['SAU', 'PAK', 'IDN', 'TUR', 'NGA', 'EGY', 'IND', 'MYS', 'GBR'];


/** One PAXLST message (D:05B, IATA) with `travellers` travellers, as text. */
export function paxlstMessage(ref: number, travellers: number, rnd: () => number): string {
  const pick = <T>(a: T[]) => a[Math.floor(rnd() * a.length)];
  const segs: string[] = [
    `UNH+${ref}+PAXLST:D:05B:UN:IATA+SV${ref}/2601021200'`,
    `BGM+745'`,
    `RFF+TN:BA${ref}:::1'`,
    `NAD+MS+++MAQAM OPERATIONS'`,
    `COM+966122345678:TE+966122345679:FX'`,
    `TDT+20+SV${100 + (ref % 900)}+++SV'`,
    `LOC+125+JED'`,
    `DTM+189:2601021200:201'`,
    `LOC+87+MED'`,
    `DTM+232:2601021330:201'`,
  ];
  for (let t = 0; t < travellers; t++) {
    const n = pick(NAT);
    segs.push(
      `NAD+FL+++${pick(SURNAMES)}:${pick(GIVEN)}:${pick(GIVEN)}+12 KING FAHD ROAD+MAKKAH+++SAU'`,
      `ATT+2++${rnd() < 0.5 ? 'M' : 'F'}'`,
      `DTM+329:${String(50 + Math.floor(rnd() * 49)).padStart(2, '0')}0${1 + Math.floor(rnd() * 9)}1${Math.floor(rnd() * 9)}'`,
      `LOC+178+JED'`,
      `LOC+179+MED'`,
      `NAT+2+${n}'`,
      `RFF+AVF:${Math.floor(rnd() * 1e6).toString(36).toUpperCase()}'`,
      `DOC+P:110:111+${n[0]}${Math.floor(rnd() * 1e8)}'`,
      `DTM+36:3${Math.floor(rnd() * 10)}1231'`,
      `LOC+91+${n}'`,
    );
  }
  segs.push(`CNT+42:${travellers}'`);
  segs.push(`UNT+${segs.length + 1}+${ref}'`);
  return segs.join('');
}

export function unb(ref: string): string {
  return `UNA:+.? 'UNB+UNOC:4+NAJMAIR:ZZZ+MAQAM:ZZZ+20260102:1200+${ref}'`;
}

/** A PAXLST interchange of about `bytes` bytes. */
export function paxlstInterchange(bytes: number, seed = 1): Buffer {
  const rnd = prng(seed);
  const parts = [unb('BENCH1')];
  let size = parts[0].length;
  let n = 0;
  while (size < bytes) {
    const m = paxlstMessage(++n, 500, rnd);
    parts.push(m);
    size += m.length;
  }
  parts.push(`UNZ+${n}+BENCH1'`);
  return Buffer.from(parts.join(''), 'latin1');
}

interface PeerSegment {
  name: string;
  elements: string[][];
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const PeerParser = require('edifact/parser.js') as new () => {
  encoding(level: string): void;
  write(s: string): void;
  end(): void;
  onopensegment(name: string): void;
  onelement(): void;
  oncomponent(data: string): void;
  onclosesegment(): void;
};

/** The last peer parser, kept alive across the full collection before each timed parse (as ours keeps one). */
let lastPeer: unknown;

function peerParse(bytes: Buffer, keep = true): PeerSegment[] {
  const p = new PeerParser();
  p.encoding('UNOC');
  const result: PeerSegment[] = [];
  let elements: string[][] = [];
  let components: string[] = [];
  // direct callbacks (the fast path its README recommends over events)
  p.onopensegment = (name: string) => {
    elements = [];
    if (keep) result.push({ name, elements });
  };
  p.onelement = () => {
    components = [];
    elements.push(components);
  };
  p.oncomponent = (data: string) => {
    components.push(data);
  };
  p.onclosesegment = () => undefined;
  p.write(bytes.toString('latin1'));
  p.end();
  lastPeer = p;
  return result;
}

/** The peer's tokenizer and parser alone: every component string produced and handed over, nothing built. */
function peerStrings(bytes: Buffer): number {
  const p = new PeerParser();
  p.encoding('UNOC');
  let n = 0;
  p.onopensegment = () => undefined;
  p.onelement = () => undefined;
  p.oncomponent = (data: string) => {
    n += data.length;
  };
  p.onclosesegment = () => undefined;
  p.write(bytes.toString('latin1'));
  p.end();
  return n;
}

function oursParse(bytes: Buffer, keep = true): number {
  const r = parseInterchanges(bytes, { validate: false, keepSegments: keep });
  let n = 0;
  for (const ich of r.interchanges) for (const m of ich.messages) n += m.segmentCount;
  return n + r.interchanges.length * 2;
}

/** Ours, then every segment built again as `{ tag, elements: string[][] }` from the tape and kept. */
function oursNested(bytes: Buffer): Segment[] {
  const r = parseInterchanges(bytes, { validate: false, keepSegments: true });
  const out: Segment[] = [];
  for (const ich of r.interchanges) {
    if (ich.header) out.push({ tag: ich.header.tag, elements: ich.header.elements, position: ich.header.position, offset: ich.header.offset });
    for (const m of ich.messages) {
      const t = m.tape!;
      for (let i = m.tapeStart!, end = i + m.segmentCount; i < end; i++) out.push({ tag: t.tag(i), elements: t.elements(i), position: t.positions[i], offset: t.offsets[i] });
    }
    if (ich.trailer) out.push({ tag: ich.trailer.tag, elements: ich.trailer.elements, position: ich.trailer.position, offset: ich.trailer.offset });
  }
  return out;
}

/** Throws unless both sides read the same segments with the same components (the UNA excluded). */
function compareOutputs(bytes: Buffer): number {
  const peer = peerParse(bytes).filter((s) => s.name !== 'UNA');
  const ours = oursNested(bytes);
  if (peer.length !== ours.length) throw new Error(`segment counts differ: ours ${ours.length}, peer ${peer.length}`);
  for (let i = 0; i < ours.length; i++) {
    const a = JSON.stringify([ours[i].tag, ours[i].elements]);
    const b = JSON.stringify([peer[i].name, peer[i].elements]);
    if (a !== b) throw new Error(`segment ${i + 1} differs: ours ${a}, peer ${b}`);
  }
  return ours.length;
}

// a full collection before each timed run, so neither parser pays for the other's garbage
v8.setFlagsFromString('--expose-gc');
const collect = vm.runInNewContext('gc') as () => void;

function time(fn: () => unknown): number {
  collect();
  const t = process.hrtime.bigint();
  fn();
  return Number(process.hrtime.bigint() - t) / 1e9;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** The 1 GB streaming run (in a child process so its peak RSS is its own). */
async function streamGb(gb: number): Promise<{ mbps: number; rssMb: number; bytes: number; out: number }> {
  const total = Math.round(gb * 1024 * 1024 * 1024);
  const rnd = prng(7);
  async function* source(): AsyncGenerator<Uint8Array> {
    let sent = 0;
    let n = 0;
    const head = Buffer.from(unb('BIG1'), 'latin1');
    sent += head.length;
    yield head;
    // a few message bodies generated and encoded once, each message then sent as its own UNH reference, the
    // body's bytes and its UNT: neither generation nor the harness's own garbage may dominate time or RSS
    const bodies: { middle: Buffer; count: string }[] = [];
    for (let i = 0; i < 8; i++) {
      const m = paxlstMessage(1, 2000, rnd);
      const unt = /UNT\+(\d+)\+1'$/.exec(m)!;
      bodies.push({ middle: Buffer.from(m.slice('UNH+1+'.length, unt.index), 'latin1'), count: unt[1] });
    }
    while (sent < total) {
      n++;
      const { middle, count } = bodies[n % bodies.length];
      const head = Buffer.from(`UNH+${n}+`, 'latin1');
      const tail = Buffer.from(`UNT+${count}+${n}'`, 'latin1');
      yield head;
      for (let o = 0; o < middle.length; o += 256 * 1024) yield middle.subarray(o, Math.min(middle.length, o + 256 * 1024));
      yield tail;
      sent += head.length + middle.length + tail.length;
    }
    yield Buffer.from(`UNZ+${n}+BIG1'`, 'latin1');
  }
  let out = 0;
  const sink = { write: (s: string | Uint8Array) => { out += s.length; return true; } };
  const t = process.hrtime.bigint();
  const r = await parseToJson(source(), { stdout: sink, stderr: process.stderr }, { validate: true });
  const secs = Number(process.hrtime.bigint() - t) / 1e9;
  const rssMb = process.resourceUsage().maxRSS / 1024;
  return { mbps: r.bytes / 1024 / 1024 / secs, rssMb, bytes: r.bytes, out };
}

/** A bare separator scan: counts the four service characters, allocates nothing (the floor of any parser). */
function scan(bytes: Buffer): number {
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const c = bytes[i];
    if (c === 0x27 || c === 0x2b || c === 0x3a || c === 0x3f) n++;
  }
  return n;
}

/**
 * What each measured side runs. `-drop` sides build every segment, element and component as above but keep
 * none of them (garbage at once): the difference to the keeping side is what holding the output costs.
 */
const SIDES: Record<string, (bytes: Buffer) => () => unknown> = {
  ours: (b) => () => oursParse(b),
  peer: (b) => () => peerParse(b),
  'ours-nested': (b) => () => oursNested(b),
  'ours-drop': (b) => () => oursParse(b, false),
  'peer-drop': (b) => () => peerParse(b, false),
  'peer-strings': (b) => () => peerStrings(b),
  scan: (b) => () => scan(b),
};

/** One side measured in its own process: a warm-up, then `runs` timed parses; prints JSON. */
function side(which: string, mb: number, runs: number): void {
  const bytes = paxlstInterchange(mb * 1024 * 1024);
  const fn = SIDES[which](bytes);
  fn(); // warm-up (JIT)
  const times: number[] = [];
  for (let i = 0; i < runs; i++) times.push(time(fn));
  const sha = crypto.createHash('sha256').update(bytes).digest('hex').slice(0, 16);
  console.log(JSON.stringify({ side: which, mbps: bytes.length / 1024 / 1024 / median(times), sha }));
}

/** Runs this module with `args` in a child process; resolves to its last output line. */
function child(args: string[]): Promise<string> {
  const script = path.join(__dirname, 'edifact.js');
  const c = spawn(process.execPath, ['-e', `require(${JSON.stringify(script)}).run(${JSON.stringify(args)}).catch(e => { console.error(e); process.exit(1); })`], { stdio: ['ignore', 'pipe', 'inherit'] });
  let text = '';
  c.stdout.on('data', (d: Buffer) => (text += d.toString()));
  return new Promise((res, rej) => c.on('close', (code) => (code === 0 ? res(text.trim().split('\n').pop() ?? '') : rej(new Error(`bench child ${args.join(' ')} failed (${code})`)))));
}

export async function run(args: string[]): Promise<void> {
  if (args[0] === '--child-gb') {
    console.log(JSON.stringify(await streamGb(Number(args[1]))));
    return;
  }
  if (args[0] === '--side') {
    side(args[1], Number(args[2]), Number(args[3]));
    return;
  }
  const mb = arg(args, 'mb', 10);
  const runs = arg(args, 'runs', 3);
  const rounds = arg(args, 'rounds', 3);
  const gb = arg(args, 'gb', 1);
  const load0 = os.loadavg()[0];
  const bytes = paxlstInterchange(mb * 1024 * 1024);
  // both read the same segments with the same components
  const segs = compareOutputs(bytes);
  console.log(`PAXLST ${(bytes.length / 1024 / 1024).toFixed(1)} MB, ${segs} segments, every component the same on both sides`);
  // each side in fresh processes, alternating (neither pays for the other's heap), on the same bytes
  const ours: number[] = [];
  const peer: number[] = [];
  const shas = new Set<string>();
  for (let i = 0; i < rounds; i++) {
    for (const which of i % 2 ? ['peer', 'ours'] : ['ours', 'peer']) {
      const r = JSON.parse(await child(['--side', which, String(mb), String(runs)])) as { mbps: number; sha: string };
      (which === 'ours' ? ours : peer).push(r.mbps);
      shas.add(r.sha);
    }
  }
  if (shas.size !== 1) throw new Error('the two sides did not parse the same bytes');
  const oursMbps = median(ours);
  const peerMbps = median(peer);
  // where the time goes, each side once more: building without keeping, and the bare scan
  const diag: Record<string, number> = {};
  for (const which of ['ours-nested', 'ours-drop', 'peer-drop', 'peer-strings', 'scan']) {
    diag[which] = (JSON.parse(await child(['--side', which, String(mb), String(runs)])) as { mbps: number }).mbps;
  }
  // the ratio moves with the machine's load: print it
  console.log(`load average (1 min) ${load0.toFixed(2)} before, ${os.loadavg()[0].toFixed(2)} after the parse runs on ${os.cpus().length} cores`);
  console.log(`ours ${oursMbps.toFixed(1)} MB/s, npm edifact ${peerMbps.toFixed(1)} MB/s (medians over ${rounds} processes per side × ${runs} timed parses after a warm-up; every segment read and every component cut as a string and kept on both sides)`);
  const ms = (mbps: number) => ((bytes.length / 1024 / 1024 / mbps) * 1000).toFixed(0);
  console.log(`per ${(bytes.length / 1024 / 1024).toFixed(1)} MB: ours ${ms(oursMbps)} ms (${ms(diag['ours-drop'])} ms keeping nothing); peer ${ms(peerMbps)} ms (${ms(diag['peer-drop'])} ms keeping nothing, ${ms(diag['peer-strings'])} ms for its tokenizer alone); bare separator scan ${ms(diag.scan)} ms`);
  console.log(`ours also building every segment as { tag, elements: string[][] } (the peer's shape) and keeping them: ${ms(diag['ours-nested'])} ms, ratio ${(diag['ours-nested'] / peerMbps).toFixed(2)}`);
  let rss = 0;
  if (gb > 0) {
    const r = JSON.parse(await child(['--child-gb', String(gb)])) as { mbps: number; rssMb: number; bytes: number; out: number };
    rss = r.rssMb;
    console.log(`streamed ${(r.bytes / 1024 / 1024 / 1024).toFixed(2)} GB through edifact parse (structure validation on, JSON out ${(r.out / 1024 / 1024 / 1024).toFixed(2)} GB) at ${r.mbps.toFixed(1)} MB/s, peak RSS ${r.rssMb.toFixed(0)} MB`);
  }
  console.log(`edifact ratio=${(oursMbps / peerMbps).toFixed(2)} ours=${oursMbps.toFixed(1)} peer=${peerMbps.toFixed(1)} rss1g=${rss.toFixed(0)}`);
}
