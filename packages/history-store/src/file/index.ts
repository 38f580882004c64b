export { HistoryFileError, type HistoryFileLocation } from './errors.ts';
export {
  HISTORY_FILE_EXTENSIONS,
  iterateHistoryFiles,
  listHistoryFiles,
  readHistoryFile,
  readHistoryFiles,
  type WriteHistoryFileOptions,
  writeHistoryFile,
} from './io.ts';
export { type ReadJsonlOptions, readHistoryJsonl, readJsonlLines, writeHistoryJsonl } from './jsonl.ts';
export {
  type HistoryFileFormat,
  type ParseHistoryOptions,
  parseHistory,
  serializeHistory,
} from './serialize.ts';
export { fromTaggedJson, type JsonValue, TaggedJsonError, toTaggedJson } from './tagged-json.ts';
export {
  HISTORY_FORMAT,
  HISTORY_FORMAT_VERSION,
  type History,
  type HistoryFromEventsOptions,
  type HistoryHeader,
  historyFromEvents,
  type LoadedHistory,
} from './types.ts';
