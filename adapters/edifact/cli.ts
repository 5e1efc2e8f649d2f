/**
 * `maqam edifact …` commands (wired into the maqam CLI by adapters/cli):
 *
 *   maqam edifact parse FILE [--partner ID] [--no-validate] [--max-segment BYTES]
 *       segment tree as JSON, streamed (constant memory whatever the file size):
 *       {"interchanges":[{…header…,"messages":[{…header…,"segments":[…],"findings":[…]}],"findings":[…]}],"findings":[…]}
 *   maqam edifact ack FILE [--partner ID] [--control-ref REF] [--version 3|4]
 *       the CONTRL POST /edifact would send back for each interchange of FILE (same form and listing, one
 *       segment a line), shown even when the ack policy would send none: syntax, envelope and (when the
 *       caller gives `checkMessages`) translation checks; no duplicate check, nothing stored, so a message
 *       core would refuse shows as accepted
 *
 * Exit codes: 0 done (findings may exist), 1 the file could not be read or holds no interchange, 2 usage.
 */
import fs from 'node:fs';
import { buildContrl } from './contrl';
import { checkEnvelope, contrlOptionsFor, peekSender, wantsContrl } from './envelope';
import type { Group, Interchange, Message } from './interchange';
import { EdifactParser, parseInterchanges, type ParseOptions } from './parser';
import { loadPartnerProfiles, parseOptionsFor, type PartnerDirectory, type PartnerProfile } from './partners';
import { SegmentView, type SegmentTape } from './tape';
import type { Finding, Segment } from './types';

export interface CliIo {
  stdout: { write(s: string | Uint8Array): unknown; once?: (ev: 'drain', cb: () => void) => unknown };
  stderr: { write(s: string): unknown };
}

const USAGE = `usage: maqam edifact parse FILE [--partner ID] [--no-validate] [--max-segment BYTES]
       maqam edifact ack FILE [--partner ID] [--control-ref REF] [--version 3|4]`;

interface Args {
  cmd: string;
  file?: string;
  partner?: string;
  validate: boolean;
  maxSegment?: number;
  controlRef?: string;
  version?: 3 | 4;
}

function parseArgs(args: string[]): Args | string {
  const a: Args = { cmd: args[0] ?? '', validate: true };
  for (let i = 1; i < args.length; i++) {
    const x = args[i];
    const val = () => {
      const v = args[++i];
      if (v === undefined) throw new Error(`${x} needs a value`);
      return v;
    };
    try {
      if (x === '--partner') a.partner = val();
      else if (x === '--no-validate') a.validate = false;
      else if (x === '--max-segment') a.maxSegment = Number(val());
      else if (x === '--control-ref') a.controlRef = val();
      else if (x === '--version') {
        const v = val();
        if (v !== '3' && v !== '4') return '--version must be 3 or 4';
        a.version = Number(v) as 3 | 4;
      } else if (x.startsWith('--')) return `unknown option ${x}`;
      else if (!a.file) a.file = x;
      else return `unexpected argument ${x}`;
    } catch (e) {
      return (e as Error).message;
    }
  }
  if (a.cmd !== 'parse' && a.cmd !== 'ack') return a.cmd ? `unknown command ${a.cmd}` : 'missing command';
  if (!a.file) return 'missing FILE';
  if (a.maxSegment !== undefined && !(a.maxSegment > 0)) return '--max-segment must be a positive number';
  return a;
}

/**
 * Output handed to stdout with back-pressure. Small writes (one per segment) are joined and encoded 64 KB
 * at a time into an exact-size buffer that goes to the stream at once (one native call per 64 KB, and no
 * buffer of ours that the stream may still hold is ever reused); `flush` waits for 'drain' when the stream
 * said it was full.
 */
export class Out {
  private text = '';
  private written = 0;
  private full = false;
  constructor(private readonly io: CliIo) {}
  write(s: string): void {
    this.text += s;
    if (this.text.length >= 1 << 16) this.spill();
  }
  private spill(): void {
    if (!this.text) return;
    const chunk = Buffer.from(this.text, 'utf8');
    this.text = '';
    this.written += chunk.length;
    if (this.io.stdout.write(chunk) === false) this.full = true;
  }
  /** Output produced since the last flush. */
  get pending(): number {
    return this.written + this.text.length;
  }
  async flush(): Promise<void> {
    this.spill();
    this.written = 0;
    const full = this.full;
    this.full = false;
    const stdout = this.io.stdout;
    if (full && stdout.once) await new Promise<void>((res) => stdout.once!('drain', () => res()));
  }
}

function headerJson(ich: Interchange): string {
  const h = {
    syntax: ich.syntax,
    una: ich.una ? String.fromCharCode(ich.una.component, ich.una.element, ich.una.decimal, ich.una.release < 0 ? 32 : ich.una.release, ich.una.repetition < 0 ? 32 : ich.una.repetition, ich.una.segment) : null,
    sender: ich.sender,
    recipient: ich.recipient,
    date: ich.date,
    time: ich.time,
    controlRef: ich.controlRef,
    ackRequested: ich.ackRequested,
    test: ich.test,
    interactive: ich.interactive,
    offset: ich.offset,
  };
  return JSON.stringify(h).slice(0, -1);
}

const NEEDS_ESCAPE = /["\\\u0000-\u001f]/;

/** A JSON string literal (fast path for the common values that need no escaping). */
function jsonStr(v: string): string {
  return NEEDS_ESCAPE.test(v) ? JSON.stringify(v) : '"' + v + '"';
}

function elementsJson(els: string[][]): string {
  let out = '[';
  for (let e = 0; e < els.length; e++) {
    if (e) out += ',';
    const comps = els[e];
    out += '[';
    for (let c = 0; c < comps.length; c++) out += (c ? ',' : '') + jsonStr(comps[c]);
    out += ']';
  }
  return out + ']';
}

/** A parsed segment's elements as JSON, read off its tape (no nested arrays built). */
function tapeElementsJson(t: SegmentTape, i: number): string {
  let out = '[';
  const n = t.elementsOf(i);
  for (let e = 0; e < n; e++) {
    out += e ? ',[' : '[';
    const k = t.componentsOf(i, e);
    for (let c = 0; c < k; c++) out += (c ? ',' : '') + jsonStr(t.value(i, e, c));
    out += ']';
  }
  return out + ']';
}

/** One segment as JSON (hand-written: this runs for every segment of multi-GB files). */
function segJson(s: Segment): string {
  let out = '{"tag":' + jsonStr(s.tag) + ',"position":' + s.position + ',"offset":' + s.offset + ',"elements":' + (s instanceof SegmentView ? tapeElementsJson(s.tape, s.index) : elementsJson(s.elements));
  if (s.repetitions) out += ',"repetitions":' + JSON.stringify(s.repetitions);
  return out + '}';
}

function groupJson(g: Group): string {
  return JSON.stringify({ ref: g.ref, functionalId: g.functionalId, sender: g.sender, recipient: g.recipient, messageCount: g.messageCount, rejected: g.rejected, findings: g.findings });
}

function resolvePartner(dir: PartnerDirectory, a: Args, head: Uint8Array): PartnerProfile | null {
  if (a.partner) {
    const p = dir.get(a.partner);
    if (!p) throw new Error(`unknown partner ${a.partner}`);
    return p;
  }
  const s = peekSender(head);
  return s ? dir.bySender(s) ?? null : null;
}

/** The first 4 KB of a file (enough to detect its format and its UNB sender). */
export async function readHead(file: string): Promise<Buffer> {
  const fh = await fs.promises.open(file, 'r');
  try {
    const b = Buffer.alloc(4096);
    const { bytesRead } = await fh.read(b, 0, b.length, 0);
    return b.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

/**
 * Streams a source through the parser and writes the segment tree as JSON to `io.stdout` (respecting
 * back-pressure): the `maqam edifact parse` path, also used by bench/edifact for the 1 GB run.
 */
export async function parseToJson(source: AsyncIterable<Uint8Array>, io: CliIo, opts: ParseOptions): Promise<{ interchanges: number; bytes: number }> {
  const out = new Out(io);
  let interchanges = 0;
  let firstIch = true;
  let firstMsg = true;
  let firstSeg = true;
  let inMessage = false;
  const groupsOf = new Map<Interchange, Group[]>();
  out.write('{"interchanges":[');
  const parser = new EdifactParser(
    {
      interchangeStart: (ich) => {
        interchanges++;
        out.write((firstIch ? '\n' : ',\n') + headerJson(ich) + ',"messages":[');
        firstIch = false;
        firstMsg = true;
        groupsOf.set(ich, []);
      },
      groupEnd: (g, ich) => groupsOf.get(ich)?.push(g),
      messageStart: (m: Message) => {
        out.write((firstMsg ? '\n' : ',\n') + JSON.stringify({ ref: m.ref, type: m.type, version: m.version, release: m.release, agency: m.agency, association: m.association, groupRef: m.groupRef, position: m.position }).slice(0, -1) + ',"segments":[');
        firstMsg = false;
        firstSeg = true;
        inMessage = true;
      },
      segment: (s, _ich, m) => {
        if (!m) return;
        out.write((firstSeg ? '\n' : ',\n') + segJson(s));
        firstSeg = false;
      },
      messageEnd: (m: Message) => {
        out.write(`\n],"segmentCount":${m.segmentCount},"rejected":${m.rejected},"findings":${JSON.stringify(m.findings)}}`);
        inMessage = false;
      },
      interchangeEnd: (ich) => {
        const groups = groupsOf.get(ich) ?? [];
        groupsOf.delete(ich);
        out.write(`\n],"groups":[${groups.map(groupJson).join(',')}],"header":${ich.header ? segJson(ich.header) : 'null'},"trailer":${ich.trailer ? segJson(ich.trailer) : 'null'},"rejected":${ich.rejected},"findings":${JSON.stringify(ich.findings)}}`);
      },
    },
    { ...opts, keepSegments: false, keepMessages: false },
  );
  void inMessage;
  for await (const chunk of source) {
    parser.push(chunk);
    if (out.pending > 0) await out.flush();
  }
  const findings: Finding[] = parser.end();
  out.write(`\n],"findings":${JSON.stringify(findings)}}\n`);
  await out.flush();
  return { interchanges, bytes: parser.bytesRead };
}

export interface CliOptions {
  /** How often `parse` (and `maqam translate`) reports its progress on stderr (a run that ends sooner prints none). */
  progressEveryMs?: number;
  /**
   * For `ack`: the checks `POST /edifact` makes before its CONTRL that need no database (the message
   * translators', given by adapters/cli: the engine knows no translator); what it marks rejected the CONTRL shows.
   */
  checkMessages?: (ich: Interchange) => void;
}

/**
 * The chunks of `source`, reporting on stderr every `everyMs` how much of `total` bytes was read and at
 * what rate; the last report says 100% and the elapsed time, and only a run that reported before ends so.
 */
async function* withProgress(source: AsyncIterable<Buffer>, total: number, everyMs: number, stderr: CliIo['stderr'], who: string): AsyncGenerator<Buffer> {
  const t0 = Date.now();
  let next = t0 + everyMs;
  let read = 0;
  let reported = false;
  const mb = (n: number) => (n / 1024 / 1024).toFixed(n < 10 * 1024 * 1024 ? 1 : 0);
  const line = (now: number) => {
    const secs = Math.max(0.001, (now - t0) / 1000);
    const pct = total > 0 ? ` (${Math.floor((read / total) * 100)}%)` : '';
    stderr.write(`${who}: ${mb(read)} of ${mb(total)} MB read${pct}, ${(read / 1024 / 1024 / secs).toFixed(1)} MB/s, ${secs.toFixed(0)} s\n`);
  };
  for await (const chunk of source) {
    yield chunk;
    read += chunk.length;
    const now = Date.now();
    if (now >= next) {
      line(now);
      reported = true;
      next = now + everyMs;
    }
  }
  if (reported) line(Date.now());
}

/** A file's chunks as it is read, with progress on stderr as `withProgress` reports it. */
export function readWithProgress(file: string, o: CliOptions, stderr: CliIo['stderr'], who: string): AsyncGenerator<Buffer> {
  return withProgress(fs.createReadStream(file, { highWaterMark: 256 * 1024 }) as AsyncIterable<Buffer>, fs.statSync(file).size, o.progressEveryMs ?? 5000, stderr, who);
}

async function parseCmd(a: Args, io: CliIo, o: CliOptions): Promise<number> {
  const file = a.file!;
  const head = await readHead(file);
  let partner: PartnerProfile | null = null;
  try {
    partner = resolvePartner(loadPartnerProfiles(), a, head);
  } catch (e) {
    if (a.partner) throw e;
    io.stderr.write(`maqam edifact: partner profiles not loaded (${(e as Error).message.split('\n')[0]}); using defaults\n`);
  }
  const stream = readWithProgress(file, o, io.stderr, 'maqam edifact');
  const { interchanges } = await parseToJson(stream, io, { ...parseOptionsFor(partner), validate: a.validate, ...(a.maxSegment ? { maxSegmentBytes: a.maxSegment } : {}) });
  if (interchanges === 0) {
    io.stderr.write(`maqam edifact: ${file} holds no EDIFACT interchange\n`);
    return 1;
  }
  return 0;
}

async function ackCmd(a: Args, io: CliIo, o: CliOptions): Promise<number> {
  const file = a.file!;
  const bytes = await fs.promises.readFile(file);
  const dir = loadPartnerProfiles();
  const partner = resolvePartner(dir, a, bytes.subarray(0, 4096));
  const parsed = parseInterchanges(bytes, parseOptionsFor(partner));
  if (parsed.interchanges.length === 0) {
    io.stderr.write(`maqam edifact: ${file} holds no EDIFACT interchange\n`);
    return 1;
  }
  let n = 0;
  for (const ich of parsed.interchanges) {
    const env = await checkEnvelope(ich, { partners: dir });
    const p = env.partner ?? partner;
    if (!ich.rejected) o.checkMessages?.(ich);
    if (!wantsContrl(ich, p)) io.stderr.write(`maqam edifact: note: the ${p ? p.id + ' ' : ''}ack policy (${p?.edifact.ackPolicy ?? 'errors'}) would send no CONTRL for interchange ${ich.controlRef || '?'}; showing it anyway\n`);
    // what POST /edifact would send (contrlOptionsFor), one segment a line for reading
    const format = contrlOptionsFor(ich, p);
    const c = buildContrl(ich, { ...format, version: a.version ?? format.version, controlRef: a.controlRef ?? String(++n), lineBreaks: true });
    io.stdout.write(c.bytes);
    const errs = [...ich.findings, ...ich.groups.flatMap((g) => g.findings), ...ich.messages.flatMap((m) => m.findings)].filter((f) => f.severity === 'error').length;
    io.stderr.write(`maqam edifact: interchange ${ich.controlRef || '?'} from ${ich.sender.id || '?'}: ${c.action === '4' ? 'rejected' : 'acknowledged'}, ${c.rejectedMessages.length} message(s) rejected, ${c.acceptedMessages.length} accepted, ${errs} error(s)\n`);
  }
  return 0;
}

/** Entry point for `maqam edifact ARGS…`; resolves to the exit code. */
export async function edifactCli(args: string[], io: CliIo, o: CliOptions = {}): Promise<number> {
  const a = parseArgs(args);
  if (typeof a === 'string') {
    io.stderr.write(`maqam edifact: ${a}\n${USAGE}\n`);
    return 2;
  }
  try {
    if (!fs.existsSync(a.file!)) {
      io.stderr.write(`maqam edifact: cannot read ${a.file}: no such file\n`);
      return 1;
    }
    return a.cmd === 'parse' ? await parseCmd(a, io, o) : await ackCmd(a, io, o);
  } catch (e) {
    io.stderr.write(`maqam edifact: ${(e as Error).message}\n`);
    return 1;
  }
}
