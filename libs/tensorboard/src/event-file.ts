import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { NextframeError, guardWrite } from '@nextframe/errors';
import { maskedCrc32c } from './crc32c';
import { decodeEvent, encodeEvent, type SummaryImage, type TbEvent } from './event-proto';

/** One TFRecord: [uint64 LE length][masked crc32c of the length][data][masked crc32c of the data]. */
export function encodeRecord(data: Uint8Array): Uint8Array {
  const out = new Uint8Array(8 + 4 + data.length + 4);
  const view = new DataView(out.buffer);
  view.setBigUint64(0, BigInt(data.length), true);
  view.setUint32(8, maskedCrc32c(out.subarray(0, 8)), true);
  out.set(data, 12);
  view.setUint32(12 + data.length, maskedCrc32c(data), true);
  return out;
}

/** Every record of an event file, CRCs checked. */
export function decodeRecords(bytes: Uint8Array, file = 'event file'): Uint8Array[] {
  const records: Uint8Array[] = [];
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let o = 0;
  while (o < bytes.length) {
    if (o + 12 > bytes.length) throw new NextframeError(`truncated record header at byte ${o}`, { file });
    const length = Number(view.getBigUint64(o, true));
    if (view.getUint32(o + 8, true) !== maskedCrc32c(bytes.subarray(o, o + 8))) throw new NextframeError(`bad length CRC at byte ${o}`, { file });
    const data = bytes.subarray(o + 12, o + 12 + length);
    if (o + 16 + length > bytes.length) throw new NextframeError(`truncated record at byte ${o}`, { file });
    if (view.getUint32(o + 12 + length, true) !== maskedCrc32c(data)) throw new NextframeError(`bad data CRC at byte ${o}`, { file });
    records.push(data);
    o += 16 + length;
  }
  return records;
}

/** Read an event file back into events. */
export async function readEventFile(file: string): Promise<TbEvent[]> {
  return decodeRecords(await fs.readFile(file), file).map(decodeEvent);
}

/**
 * Writes TensorBoard event files (`events.out.tfevents.<secs>.<host>`) without TensorFlow:
 * scalars and PNG images, appended and flushed as they come, readable by `tensorboard --logdir`.
 */
export class EventFileWriter {
  private constructor(
    readonly file: string,
    private readonly handle: fs.FileHandle,
  ) {}

  static async create(dir: string, now = Date.now()): Promise<EventFileWriter> {
    await fs.mkdir(dir, { recursive: true });
    const file = path.join(dir, `events.out.tfevents.${Math.floor(now / 1000)}.${os.hostname()}`);
    const handle = await fs.open(file, 'a');
    const writer = new EventFileWriter(file, handle);
    await writer.write({ wallTime: now / 1000, step: 0, fileVersion: 'brain.Event:2' });
    return writer;
  }

  async scalars(step: number, values: Record<string, number>, now = Date.now()): Promise<void> {
    await this.write({ wallTime: now / 1000, step, values: Object.entries(values).map(([tag, simpleValue]) => ({ tag, simpleValue })) });
  }

  async image(step: number, tag: string, image: SummaryImage, now = Date.now()): Promise<void> {
    await this.write({ wallTime: now / 1000, step, values: [{ tag, image }] });
  }

  async close(): Promise<void> {
    await this.handle.close();
  }

  private async write(event: TbEvent): Promise<void> {
    await guardWrite(this.file, async () => {
      await this.handle.write(encodeRecord(encodeEvent(event)));
      await this.handle.datasync();
    });
  }
}
