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
 * `{ tag, elements: string[][], position, offset }` (parsed ones are `SegmentView`s of a `SegmentTape`, the
 * flat store the parser writes: `value(e, c)` reads a component without building `elements`).
 */
export * from './types';
export { charsetFor, decodeBytes, encodeString } from './charset';
export { collectingSink, Tokenizer, tokenize, type TokenizerOptions, type TokenizerSink } from './tokenizer';
export { SegmentTape, SegmentView, viewsOf } from './tape';
export type { Interchange, Message, MessageHeader, Group, BuilderEvents } from './interchange';
export { groupOf, messageRejected } from './interchange';
export { EdifactParser, parseInterchanges, streamParse, streamMessages, type ParseOptions, type ParseResult, type ByteSource, type StreamedMessage } from './parser';
export { serializeSegments, serializeInterchange, buildInterchange, segmentToString, escapeValue, type SerializeOptions, type InterchangeSpec, type MessageSpec, type GroupSpec } from './serializer';
export { SegmentReader } from './reader';
export { buildContrl, contrlMessage, type Contrl, type ContrlOptions } from './contrl';
export { checkEnvelope, contrlOptionsFor, processInbound, peekSender, wantsContrl, type EnvelopeContext, type EnvelopeResult, type InboundOptions, type InboundResult, type InboundInterchange } from './envelope';
export { charsetsOf, loadPartnerProfiles, sharedPartnerProfiles, validateProfile, parseOptionsFor, separatorsOf, passwordMatches, ourIds, PartnerDirectory, ProfileError, type PartnerProfile, type EdifactProfile, type AckPolicy } from './partners';
export { claimInterchange, setInterchangeStatus, releaseInterchange, nextControlRef, archiveInterchange, correlateArchive, getArchived, type ArchiveRecord, type ArchivedInterchange } from './sql';
export { StructureValidator, validateMessage, structureFor, serviceSegments, d21aSegments } from './structure';
export { value } from './reader';
export { edifactCli, type CliIo } from './cli';
