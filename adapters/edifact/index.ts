/**
 * Public API of the UN/EDIFACT syntax engine (issue 3). See adapters/edifact/README.md.
 *
 *   parseInterchanges(bytes, opts) → { interchanges: Interchange[], findings }   whole buffer
 *   streamParse(source, events, opts)                                             huge inputs, events per segment
 *   streamMessages(source, opts)                                                  async generator of messages
 *   serializeSegments / serializeInterchange / buildInterchange                  writing
 *
 * A message (`Message`) carries its header fields (ref, type, version, release, agency, association),
 * `segments: Segment[]` (UNH … UNT) and `findings: Finding[]`; a `Segment` is
 * `{ tag, elements: string[][], position, offset }`.
 */
export * from './types';
export { charsetFor, decodeBytes, encodeString } from './charset';
export { Tokenizer, tokenize, type TokenizerOptions, type TokenizerSink } from './tokenizer';
export type { Interchange, Message, MessageHeader, Group, BuilderEvents } from './interchange';
export { EdifactParser, parseInterchanges, streamParse, streamMessages, type ParseOptions, type ParseResult, type ByteSource, type StreamedMessage } from './parser';
export { serializeSegments, serializeInterchange, buildInterchange, segmentToString, escapeValue, type SerializeOptions, type InterchangeSpec, type MessageSpec, type GroupSpec } from './serializer';
export { SegmentReader } from './reader';
