import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp, { type OverlayOptions } from 'sharp';
import { writeFileAtomic } from '@nextframe/files';
import type { RgbImage } from '@nextframe/media';

export const STRIP_GAP_PX = 6;

/** Frames side by side, groups separated by a gap (inputs | predictions | truth), as one PNG. */
export async function writeStrip(file: string, groups: readonly (readonly RgbImage[])[], gapPx = STRIP_GAP_PX): Promise<void> {
  const { width, height } = groups[0][0];
  const total = groups.reduce((n, g) => n + g.length, 0);
  const stripWidth = total * width + (groups.length - 1) * gapPx;
  const composites: OverlayOptions[] = [];
  let x = 0;
  for (const group of groups) {
    for (const frame of group) {
      composites.push({ input: Buffer.from(frame.data), raw: { width, height, channels: 3 }, left: x, top: 0 });
      x += width;
    }
    x += gapPx;
  }
  await fs.mkdir(path.dirname(file), { recursive: true });
  const png = await sharp({ create: { width: stripWidth, height, channels: 3, background: '#ffffff' } }).composite(composites).png().toBuffer();
  await writeFileAtomic(file, png);
}
