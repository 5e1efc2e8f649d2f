/**
 * The interchange model the envelope builder assembles: interchanges, groups and messages with their
 * header fields, segments and findings, and the builder's events and options.
 */
import type { SegmentTape, SegmentView } from './tape';
import type { Finding, PartyId, Segment, Separators } from './types';

export interface MessageHeader {
  /** UNH 0062 / UIH 0340 message reference. */
  ref: string;
  /** S009/S306 0065 message type (PAXLST, PNRGOV …). */
  type: string;
  /** 0052 version (D, 11 …). */
  version: string;
  /** 0054 release (05B, 21A, 1 …). */
  release: string;
  /** 0051 controlling agency (UN, IA …). */
  agency: string;
  /** 0057 association assigned code (IATA …). */
  association?: string;
  /** UNH 0068 common access reference. */
  commonAccessRef?: string;
  /** True for UIH/UIT interactive messages. */
  interactive: boolean;
}

export interface Message extends MessageHeader {
  /**
   * UNH … UNT inclusive, as views of `tape` (empty when the parser was asked not to keep segments).
   * Assigning a list replaces them (`m.segments = []` lets a streaming reader drop a translated message's).
   */
  segments: Segment[];
  /** The tape the kept segments are on, from index `tapeStart` (absent when segments are not kept). */
  tape?: SegmentTape;
  tapeStart?: number;
  /** Set when the message's trailer (or what ended it) was read. */
  closed?: boolean;
  /** Number of segments seen, UNH and UNT included. */
  segmentCount: number;
  /** Findings about this message: UNH/UNT checks, and body segments (`messageSegment` = position, UNH = 1). */
  findings: Finding[];
  /** Group reference (UNG 0048) when the message is inside a functional group. */
  groupRef?: string;
  /** Position of UNH in the interchange. */
  position: number;
  /** True when an error finding rejects the message. */
  rejected: boolean;
}

export interface Group {
  ref: string;
  /** UNG 0038 (syntax 3) functional group identification / message type. */
  functionalId?: string;
  sender?: PartyId;
  recipient?: PartyId;
  header: Segment;
  trailer?: Segment;
  messageCount: number;
  findings: Finding[];
  rejected: boolean;
}

export interface Interchange {
  /** S001: syntax identifier (UNOC, IATA …) and version number (1–4). */
  syntax: { id: string; version: string };
  /** Separators declared by UNA, or null when the defaults were used. */
  una: Separators | null;
  separators: Separators;
  sender: PartyId;
  recipient: PartyId;
  /** S004 date (YYMMDD or CCYYMMDD) and time (HHMM). */
  date: string;
  time: string;
  /** 0020 (UNB) or S302/0300 dialogue reference (UIB). */
  controlRef: string;
  /** S005 recipient's reference/password and its qualifier. */
  password?: { value: string; qualifier?: string };
  applicationRef?: string;
  priority?: string;
  /** UNB 0031 = 1: the sender asks for an acknowledgement (CONTRL). */
  ackRequested: boolean;
  test: boolean;
  /** UIB/UIZ interactive interchange. */
  interactive: boolean;
  header?: Segment;
  trailer?: Segment;
  groups: Group[];
  /** Every message (inside groups or not), in order. */
  messages: Message[];
  /** Interchange-level findings (UNA, UNB, UNZ, segments outside messages, charset). */
  findings: Finding[];
  /** Byte offset of the interchange (UNA or UNB). */
  offset: number;
  /** True when an error rejects the whole interchange. */
  rejected: boolean;
}

export interface BuilderEvents {
  interchangeStart?(ich: Interchange): void;
  groupStart?(g: Group, ich: Interchange): void;
  messageStart?(m: Message, ich: Interchange): void;
  /**
   * Every segment, with where it belongs. A streaming parser (segments not kept) reuses its tape: the
   * segment is valid during the call only (`SegmentTape.plain` or `detach` keeps a copy).
   */
  segment?(seg: SegmentView, ich: Interchange, m: Message | null): void;
  messageEnd?(m: Message, ich: Interchange): void;
  groupEnd?(g: Group, ich: Interchange): void;
  interchangeEnd?(ich: Interchange): void;
  /** Every finding, as it is attached (also those outside any interchange). */
  finding?(f: Finding, ich: Interchange | null): void;
}

/** Checks one message's body segments incrementally (the structure validator implements it). */
export interface MessageChecker {
  /** Segment `index` of `tape`, at `messagePosition` in its message (UNH = 1). */
  segment(tape: SegmentTape, index: number, messagePosition: number): void;
  end(): void;
}

export interface BuilderOptions {
  /** Keep each message's segments in `Message.segments` (default true). */
  keepSegments?: boolean;
  /** Keep messages in `Interchange.messages` (default true). */
  keepMessages?: boolean;
  /** Creates a checker per message (structure validation); its findings go to `report`. */
  checker?: (m: Message, ich: Interchange, report: (f: Finding) => void) => MessageChecker | null;
  /** Findings of these 0085 codes become warnings (lenient partners). */
  downgrade?: (f: Finding) => boolean;
}

/** The functional group `m` came in (the last UNG before its UNH), or null outside groups. */
export function groupOf(ich: Interchange, m: Message): Group | null {
  if (m.groupRef === undefined) return null;
  let found: Group | null = null;
  for (const g of ich.groups) {
    if (g.header.position > m.position) break;
    found = g;
  }
  return found;
}

/**
 * Whether `m` is rejected for errors of its own or with its functional group (a UCF with action 4 rejects
 * every message below it). A rejected interchange rejects every message too; that is `ich.rejected`, left
 * to the caller (a resent interactive interchange, rejected as a duplicate, is answered again).
 */
export function messageRejected(ich: Interchange, m: Message): boolean {
  return m.rejected || !!groupOf(ich, m)?.rejected;
}
