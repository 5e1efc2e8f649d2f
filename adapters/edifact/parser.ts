/**
 * Tokenizer + envelope builder (+ optional structure validation) wired together: whole-buffer parsing
 * and streaming parsing.
 */
import { EnvelopeBuilder, type BuilderEvents, type Interchange, type Message, type MessageChecker } from './interchange';
import { structureChecker } from './structure';
import { Tokenizer, type TokenizerOptions } from './tokenizer';
import type { Finding, Segment } from './types';

export interface ParseOptions extends TokenizerOptions {
  /** Validate each message against its generated structure (default true). */
  validate?: boolean;
  /** Keep message segments (default true for parseInterchanges; streaming callers usually pass false). */
  keepSegments?: boolean;
  /** Keep messages on their interchange (default true). */
  keepMessages?: boolean;
  /** Lenient partners: structure/charset findings become warnings instead of rejecting messages. */
  lenient?: boolean;
  /** Replace the structure validator (tests). */
  checker?: CheckerFactory;
}

export interface ParseResult {
  interchanges: Interchange[];
  /** Findings outside any interchange. */
  findings: Finding[];
}

/** Creates the per-message checker (structure validation by default). */
export type CheckerFactory = (m: Message, ich: Interchange, report: (f: Finding) => void, opts: { lenient: boolean }) => MessageChecker | null;

/** Codes that a lenient partner sees as warnings (structure, lengths, types, characters, trailing separators). */
export const LENIENT_CODES = new Set(['12', '14', '15', '16', '21', '35', '36', '37', '39', '40', '45']);

/** A push parser: feed bytes with `push`, call `end`; events fire synchronously. */
export class EdifactParser {
  private readonly tokenizer: Tokenizer;
  private readonly builder: EnvelopeBuilder;

  constructor(events: BuilderEvents = {}, opts: ParseOptions = {}) {
    const lenient = opts.lenient ?? !opts.strict;
    const validate = opts.validate ?? true;
    const seps = opts.separators;
    const userStart = events.interchangeStart;
    const ev: BuilderEvents = {
      ...events,
      interchangeStart: (ich) => {
        if (!ich.una && seps) ich.separators = { ...seps };
        if (!ich.una && opts.ignoreRepetition) ich.separators.repetition = -1;
        userStart?.(ich);
      },
    };
    this.builder = new EnvelopeBuilder(ev, {
      keepSegments: opts.keepSegments,
      keepMessages: opts.keepMessages,
      checker: validate ? (m, ich, report) => (opts.checker ?? structureChecker)(m, ich, report, { lenient }) : undefined,
      downgrade: lenient ? (f) => LENIENT_CODES.has(f.code) && f.level !== 'interchange' : undefined,
    });
    this.tokenizer = new Tokenizer(this.builder, opts);
  }

  push(chunk: Uint8Array): void {
    this.tokenizer.push(chunk);
  }

  end(): Finding[] {
    this.tokenizer.end();
    this.builder.end();
    return this.builder.streamFindings;
  }

  get bytesRead(): number {
    return this.tokenizer.bytesRead;
  }
}

/** Parses a whole buffer into interchanges (messages with their segments) and findings. */
export function parseInterchanges(bytes: Uint8Array | string, opts: ParseOptions = {}): ParseResult {
  const interchanges: Interchange[] = [];
  const p = new EdifactParser({ interchangeEnd: (ich) => interchanges.push(ich) }, opts);
  p.push(typeof bytes === 'string' ? Buffer.from(bytes, 'latin1') : bytes);
  const findings = p.end();
  return { interchanges, findings };
}

/** A byte source for streaming: a Node stream, an async iterable of chunks, or one buffer. */
export type ByteSource = AsyncIterable<Uint8Array | string> | Iterable<Uint8Array> | Uint8Array;

/**
 * Streams a source through the parser, calling `events` as interchanges, messages and segments complete.
 * Memory stays bounded by the largest segment (and by one message when `keepSegments` is true).
 */
export async function streamParse(source: ByteSource, events: BuilderEvents, opts: ParseOptions = {}): Promise<{ findings: Finding[]; bytes: number }> {
  const p = new EdifactParser(events, { keepSegments: false, keepMessages: false, ...opts });
  if (source instanceof Uint8Array) p.push(source);
  else if (Symbol.asyncIterator in (source as object)) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) p.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
  } else for (const chunk of source as Iterable<Uint8Array>) p.push(chunk);
  const findings = p.end();
  return { findings, bytes: p.bytesRead };
}

/** One complete message with its interchange (header fields, findings so far). */
export interface StreamedMessage {
  interchange: Interchange;
  message: Message;
}

/**
 * Async generator of complete messages (each with its segments), for translators reading huge files:
 * only one message's segments are held at a time.
 */
export async function* streamMessages(source: ByteSource, opts: ParseOptions = {}): AsyncGenerator<StreamedMessage, { findings: Finding[]; interchanges: Interchange[] }> {
  const ready: StreamedMessage[] = [];
  const interchanges: Interchange[] = [];
  const p = new EdifactParser(
    {
      messageEnd: (message, interchange) => ready.push({ interchange, message }),
      interchangeEnd: (ich) => interchanges.push(ich),
    },
    { keepMessages: false, ...opts, keepSegments: true },
  );
  const drain = function* () {
    while (ready.length) yield ready.shift()!;
  };
  if (source instanceof Uint8Array) {
    p.push(source);
    yield* drain();
  } else if (Symbol.asyncIterator in (source as object)) {
    for await (const chunk of source as AsyncIterable<Uint8Array | string>) {
      p.push(typeof chunk === 'string' ? Buffer.from(chunk, 'latin1') : chunk);
      yield* drain();
    }
  } else {
    for (const chunk of source as Iterable<Uint8Array>) {
      p.push(chunk);
      yield* drain();
    }
  }
  const findings = p.end();
  yield* drain();
  return { findings, interchanges };
}

export type { Segment };

/**
 * Objects that keep the hidden classes of the parser's objects alive for the life of the process. V8's
 * optimised code refers to the hidden classes (maps) it was specialised for only weakly: once every parser
 * has died, a full garbage collection drops their maps, the next parser's objects get new ones, and every
 * hot function deoptimises and warms up again (a 10 MB PAXLST took ~140 ms instead of ~85 ms through the
 * tokenizer after each full collection; bench/edifact runs one before every timed parse, as a busy server
 * does between requests). A small interchange through every part keeps one of each alive.
 */
export const mapKeeper = (() => {
  const sample = Buffer.from("UNA:+.? 'UNB+UNOC:4+A:ZZZ+B:ZZZ+260102:1200+K1'UNH+1+PAXLST:D:05B:UN:IATA'BGM+745'NAD+FL+++O?'NEIL:ANN+12 KING FAHD ROAD LONGER THAN 24'DTM+329:800101'UNT+5+1'UNZ+1+K1'", 'latin1');
  const parser = new EdifactParser({}, { validate: true });
  parser.push(sample);
  parser.end();
  return { parser, parsed: parseInterchanges(sample), streamed: parseInterchanges(sample, { keepSegments: false }) };
})();
