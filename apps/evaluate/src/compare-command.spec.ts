import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { useTempDir } from '@nextframe/files/testing';
import { writeImageRgb, type RgbImage } from '@nextframe/media';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('compare');

const image = (value: (x: number, y: number) => number): RgbImage => {
  const data = new Uint8Array(16 * 12 * 3);
  for (let y = 0; y < 12; y++) for (let x = 0; x < 16; x++) data.fill(value(x, y), (y * 16 + x) * 3, (y * 16 + x) * 3 + 3);
  return { data, width: 16, height: 12 };
};

function compare(...args: string[]) {
  return spawnSync(process.execPath, [BIN, 'compare', ...args], { encoding: 'utf8' });
}

describe('nextframe compare', () => {
  it('prints the metrics of two images as JSON', async () => {
    const truth = path.join(tempDir(), 'truth.png');
    const pred = path.join(tempDir(), 'pred.png');
    await writeImageRgb(truth, image(() => 0));
    await writeImageRgb(pred, image((x) => (x < 8 ? 0 : 51))); // half the pixels off by 0.2: MSE 0.02
    const result = compare(pred, truth);
    expect(result.status).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report.frames).toHaveLength(1);
    expect(report.frames[0].metrics.psnr).toBeCloseTo(10 * Math.log10(1 / 0.02), 6);
    expect(report.frames[0].metrics.psnrPort).toBeCloseTo(10 * Math.log10(1 / 0.08), 6);
    // Identical frames: PSNR is capped at 100 dB (PSNR_CAP_DB), so a perfect frame still counts in means.
    expect(JSON.parse(compare(truth, truth).stdout).frames[0].metrics.psnr).toBe(100);
  });

  it('matches two folders of frames in natural order and averages', async () => {
    const a = path.join(tempDir(), 'a');
    const b = path.join(tempDir(), 'b');
    for (const [i, v] of [[2, 20], [10, 40]]) {
      await writeImageRgb(path.join(a, `frame${i}.png`), image(() => v));
      await writeImageRgb(path.join(b, `f${i}.png`), image(() => v + 10));
    }
    const report = JSON.parse(compare(a, b).stdout);
    expect(report.frames.map((f: { prediction: string }) => path.basename(f.prediction))).toEqual(['frame2.png', 'frame10.png']);
    expect(report.mean.psnr).toBeCloseTo(10 * Math.log10(1 / (10 / 255) ** 2), 4);
  });

  it('rejects mismatched inputs with one line', async () => {
    const small = path.join(tempDir(), 'small.png');
    await writeImageRgb(small, { data: new Uint8Array(8 * 8 * 3), width: 8, height: 8 });
    const big = path.join(tempDir(), 'big.png');
    await writeImageRgb(big, image(() => 0));
    const result = compare(small, big);
    expect(result.status).toBe(1);
    expect(result.stderr.trim()).toBe(`error: ${small}: is 8x8 but ${big} is 16x12`);
    expect(compare(small).status).toBe(2);
  });
});
