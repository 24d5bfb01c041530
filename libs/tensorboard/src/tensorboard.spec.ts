import { promises as fs } from 'node:fs';
import { useTempDir } from '@nextframe/files/testing';
import { EventFileWriter, crc32c, decodeEvent, decodeRecords, encodeEvent, encodeRecord, maskedCrc32c, readEventFile } from './index';

const tempDir = useTempDir('tensorboard');
const bytes = (text: string) => new TextEncoder().encode(text);

describe('crc32c', () => {
  it('matches the standard check values', () => {
    expect(crc32c(bytes('123456789'))).toBe(0xe3069283);
    expect(crc32c(new Uint8Array(32))).toBe(0x8a9136aa); // RFC 3720 B.4: 32 bytes of zeros
    expect(crc32c(new Uint8Array(32).fill(0xff))).toBe(0x62a8ab43);
  });

  it('masks as TFRecord does', () => {
    const crc = crc32c(bytes('abc'));
    expect(maskedCrc32c(bytes('abc'))).toBe(((((crc >>> 15) | (crc << 17)) >>> 0) + 0xa282ead8) >>> 0);
  });
});

describe('event encoding', () => {
  it('encodes the known bytes of a file-version event', () => {
    // wall_time 1.5 (field 1, double), step 0 (field 2, varint), file_version (field 3, string).
    const encoded = encodeEvent({ wallTime: 1.5, step: 0, fileVersion: 'brain.Event:2' });
    expect(Buffer.from(encoded).toString('hex')).toBe(`09${'000000000000f83f'}1000${'1a0d'}${Buffer.from('brain.Event:2').toString('hex')}`);
  });

  it('round-trips scalars, large steps and images', () => {
    const event = {
      wallTime: 1732460000.25,
      step: 3_000_000_000,
      values: [
        { tag: 'loss/generator', simpleValue: 0.125 },
        { tag: 'images/pred', image: { height: 2, width: 3, colorspace: 3, encoded: Uint8Array.from([137, 80, 78, 71]) } },
      ],
    };
    expect(decodeEvent(encodeEvent(event))).toEqual(event);
  });

  it('frames records with checked CRCs', () => {
    const record = encodeRecord(bytes('hello'));
    expect(record.length).toBe(8 + 4 + 5 + 4);
    expect(decodeRecords(record).map((r) => Buffer.from(r).toString())).toEqual(['hello']);
    const damaged = record.slice();
    damaged[13] ^= 1;
    expect(() => decodeRecords(damaged, 'x')).toThrow('bad data CRC at byte 0');
  });
});

describe('EventFileWriter', () => {
  it('writes a file TensorBoard reads: version first, then the logged scalars', async () => {
    const writer = await EventFileWriter.create(tempDir(), 1_700_000_000_000);
    await writer.scalars(10, { 'loss/total': 2.5, psnr: 21.75 }, 1_700_000_001_000);
    await writer.scalars(20, { 'loss/total': 1.25 }, 1_700_000_002_000);
    await writer.close();
    expect(writer.file).toMatch(/events\.out\.tfevents\.1700000000\.[^/]+$/);
    const events = await readEventFile(writer.file);
    expect(events[0]).toEqual({ wallTime: 1_700_000_000, step: 0, fileVersion: 'brain.Event:2' });
    expect(events.slice(1)).toEqual([
      { wallTime: 1_700_000_001, step: 10, values: [{ tag: 'loss/total', simpleValue: 2.5 }, { tag: 'psnr', simpleValue: 21.75 }] },
      { wallTime: 1_700_000_002, step: 20, values: [{ tag: 'loss/total', simpleValue: 1.25 }] },
    ]);
    expect((await fs.readdir(tempDir())).length).toBe(1);
  });
});
