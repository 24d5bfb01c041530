/**
 * Test fixtures (`@nextframe/data/testing`): frame folders made of real PNG files with known
 * pixels. Production code never imports this.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { writeImageRgb, type RgbImage } from '@nextframe/media';

/** Write frames as `dir/000001.png, …` (or the given names). */
export async function writeFrameFolder(dir: string, frames: readonly RgbImage[], names?: readonly string[]): Promise<void> {
  await fs.mkdir(dir, { recursive: true });
  await Promise.all(frames.map((frame, i) => writeImageRgb(path.join(dir, names?.[i] ?? `${String(i + 1).padStart(6, '0')}.png`), frame)));
}

/** A white `sizePx` square moving right by `speedPx` per frame on black, starting at (`x0`, `y0`). */
export function movingSquareFrames(args: {
  width: number;
  height: number;
  count: number;
  sizePx?: number;
  speedPx?: number;
  x0?: number;
  y0?: number;
}): RgbImage[] {
  const size = args.sizePx ?? 8;
  const speed = args.speedPx ?? 4;
  return Array.from({ length: args.count }, (_, t) => {
    const data = new Uint8Array(args.width * args.height * 3);
    const x0 = (args.x0 ?? 0) + t * speed;
    for (let y = args.y0 ?? 0; y < (args.y0 ?? 0) + size; y++) {
      for (let x = x0; x < x0 + size; x++) {
        if (x < args.width && y < args.height) data.fill(255, (y * args.width + x) * 3, (y * args.width + x) * 3 + 3);
      }
    }
    return { data, width: args.width, height: args.height };
  });
}

/** Identical frames of a fixed pseudo-random texture: no movement anywhere. */
export function stillFrames(width: number, height: number, count: number): RgbImage[] {
  const data = new Uint8Array(width * height * 3).map((_, i) => (i * 2654435761) >>> 24);
  return Array.from({ length: count }, () => ({ data: data.slice(), width, height }));
}

/** Frames whose every pixel differs: frame `t`, pixel `p`, channel `c` = (t·31 + p·7 + c·3) mod 256. */
export function noiseFrames(width: number, height: number, count: number): RgbImage[] {
  return Array.from({ length: count }, (_, t) => {
    const data = new Uint8Array(width * height * 3);
    for (let i = 0; i < data.length; i++) data[i] = (t * 31 + Math.floor(i / 3) * 7 + (i % 3) * 3) % 256;
    return { data, width, height };
  });
}
