import { Readable } from 'node:stream';
import * as path from 'node:path';
import { promises as fs } from 'node:fs';
import { runFfmpeg, type RgbImage } from '@nextframe/media';

/**
 * An animated GIF, made with ffmpeg: the input frames, then prediction and truth side by side for
 * each recursion step (small frames enlarged 4×, nearest neighbour), looping.
 */
export async function writeClipGif(args: { ffmpeg: string; file: string; inputs: readonly RgbImage[]; predictions: readonly RgbImage[]; truth: readonly RgbImage[] }): Promise<void> {
  const { width, height } = args.inputs[0];
  const gap = 4;
  const canvasWidth = 2 * width + gap;
  const pair = (left: RgbImage, right: RgbImage): Buffer => {
    const out = Buffer.alloc(canvasWidth * height * 3, 255);
    for (let y = 0; y < height; y++) {
      out.set(left.data.subarray(y * width * 3, (y + 1) * width * 3), y * canvasWidth * 3);
      out.set(right.data.subarray(y * width * 3, (y + 1) * width * 3), (y * canvasWidth + width + gap) * 3);
    }
    return out;
  };
  const frames = [...args.inputs.map((f) => pair(f, f)), ...args.predictions.map((p, k) => pair(p, args.truth[k]))];
  const scale = width < 128 ? 4 : 1;
  await fs.mkdir(path.dirname(args.file), { recursive: true });
  const temp = `${args.file}.tmp-${process.pid}.gif`;
  await runFfmpeg({
    binary: args.ffmpeg,
    file: args.file,
    stdin: Readable.from(frames),
    args: [
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${canvasWidth}x${height}`, '-r', '3', '-i', 'pipe:0',
      '-vf', `scale=iw*${scale}:ih*${scale}:flags=neighbor,split[a][b];[a]palettegen[p];[b][p]paletteuse`,
      '-loop', '0', '-y', temp,
    ],
  });
  await fs.rename(temp, args.file);
}
