export {
  decodeEvent,
  decodeEvents,
  decodePayload,
  encodeEvent,
  encodeEvents,
  encodePayload,
  PAYLOAD_FORMAT_VERSION,
} from './codec.ts';
export { CodecError, type CodecErrorCode } from './errors.ts';
