export { crc32c, maskedCrc32c } from './crc32c';
export { decodeEvent, encodeEvent, type SummaryImage, type SummaryValue, type TbEvent } from './event-proto';
export { EventFileWriter, decodeRecords, encodeRecord, readEventFile } from './event-file';
