import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import sharp from 'sharp';
import { ImageReadError, readImageRgb, writeImageRgb } from './index';
import { meanAbsDiff, patternFrame, pixelAt } from './testing';

const tempDir = useTempDir('image');

describe('readImageRgb / writeImageRgb', () => {
  it('round-trips PNG exactly', async () => {
    const image = patternFrame(37, 21, 3);
    const file = path.join(tempDir(), 'a.png');
    await writeImageRgb(file, image);
    const back = await readImageRgb(file);
    expect(back.width).toBe(37);
    expect(back.height).toBe(21);
    expect(Buffer.from(back.data).equals(Buffer.from(image.data))).toBe(true);
  });

  it.each(['.jpg', '.webp'])('round-trips %s closely', async (ext) => {
    const image = patternFrame(64, 48, 1);
    const file = path.join(tempDir(), `b${ext}`);
    await writeImageRgb(file, image, { quality: 95 });
    const back = await readImageRgb(file);
    expect([back.width, back.height]).toEqual([64, 48]);
    expect(meanAbsDiff(back, image)).toBeLessThan(3);
  });

  it('drops alpha from RGBA, keeping the stored colours', async () => {
    const rgba = Buffer.from([255, 0, 0, 255, 0, 255, 0, 128, 0, 0, 255, 0, 10, 20, 30, 255]);
    const file = path.join(tempDir(), 'rgba.png');
    await sharp(rgba, { raw: { width: 2, height: 2, channels: 4 } }).png().toFile(file);
    const back = await readImageRgb(file);
    expect(Array.from(back.data)).toEqual([255, 0, 0, 0, 255, 0, 0, 0, 255, 10, 20, 30]);
  });

  it('expands grayscale to three equal channels', async () => {
    const gray = Buffer.from([0, 64, 128, 255]);
    const file = path.join(tempDir(), 'gray.png');
    await sharp(gray, { raw: { width: 4, height: 1, channels: 1 } }).png().toFile(file);
    const back = await readImageRgb(file);
    expect(Array.from(back.data)).toEqual([0, 0, 0, 64, 64, 64, 128, 128, 128, 255, 255, 255]);
  });

  it('reduces 16-bit PNG to 8 bits', async () => {
    const samples = new Uint16Array([0, 257 * 100, 65535, 257 * 200, 257 * 50, 257 * 10]);
    const file = path.join(tempDir(), 'deep.png');
    await sharp(samples, { raw: { width: 2, height: 1, channels: 3 } })
      .toColourspace('rgb16')
      .png()
      .toFile(file);
    expect((await sharp(file).metadata()).depth).toBe('ushort');
    const back = await readImageRgb(file);
    expect(pixelAt(back, 0, 0)).toEqual([0, 100, 255]);
    expect(pixelAt(back, 1, 0)).toEqual([200, 50, 10]);
  });

  it('names the file when it is not an image', async () => {
    const file = path.join(tempDir(), 'broken.png');
    await fs.writeFile(file, 'not really a png');
    const error = await readImageRgb(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImageReadError);
    expect((error as ImageReadError).oneLine()).toMatch(/broken\.png: not a readable image/);
    await expect(readImageRgb(path.join(tempDir(), 'missing.png'))).rejects.toThrow('no such file');
  });
});
