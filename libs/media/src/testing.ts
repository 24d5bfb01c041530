/**
 * Test fixtures: real video files made with the real ffmpeg from frames a test knows pixel for
 * pixel. Imported by tests as `@nextframe/media/testing`; production code never imports it.
 */
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import type { RgbImage } from './image-io';
import { resolveFfmpeg } from './resolve-binaries';
import { runFfmpeg } from './run-ffmpeg';

export interface TestVideoOptions {
  file: string;
  frames: readonly RgbImage[];
  fps?: number;
  /** `ffv1` (lossless, .mkv), `h264` (lossy, .mp4) or `png` (lossless, .mkv/.mov). */
  codec?: 'ffv1' | 'h264' | 'png';
  /** A `rotate` tag stored as metadata (MP4/MOV), which players and ffmpeg apply. */
  rotate?: 0 | 90 | 180 | 270;
  /** Moves the index to the front, as streaming files have it. */
  faststart?: boolean;
}

/** Encode frames into a real video file with ffmpeg. */
export async function writeTestVideo(options: TestVideoOptions): Promise<void> {
  const { width, height } = options.frames[0];
  const ffmpeg = resolveFfmpeg().path;
  const encoded = options.rotate ? `${options.file}.unrotated${path.extname(options.file)}` : options.file;
  const codecArgs: Record<NonNullable<TestVideoOptions['codec']>, string[]> = {
    ffv1: ['-c:v', 'ffv1', '-pix_fmt', 'bgr0'],
    png: ['-c:v', 'png', '-pix_fmt', 'rgb24'],
    h264: ['-c:v', 'libx264', '-preset', 'veryfast', '-crf', '12', '-pix_fmt', 'yuv420p'],
  };
  await runFfmpeg({
    binary: ffmpeg,
    stdin: Readable.from(options.frames.map((f) => Buffer.from(f.data))),
    args: [
      '-f', 'rawvideo', '-pix_fmt', 'rgb24', '-s', `${width}x${height}`, '-r', String(options.fps ?? 10), '-i', 'pipe:0',
      ...codecArgs[options.codec ?? 'ffv1'],
      ...(options.faststart ? ['-movflags', '+faststart'] : []),
      '-y', encoded,
    ],
    file: options.file,
  });
  if (options.rotate) {
    // The muxer writes a rotation matrix only when stream-copying.
    await runFfmpeg({
      binary: ffmpeg,
      args: ['-i', encoded, '-c', 'copy', '-metadata:s:v:0', `rotate=${options.rotate}`, '-y', options.file],
      file: options.file,
    });
    await fs.rm(encoded);
  }
}

/** Frame `i` of `count`: a distinct pattern per frame, so order, size and pixel values are all checkable. */
export function patternFrame(width: number, height: number, i: number): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      const o = (y * width + x) * 3;
      data[o] = (x * 255) / Math.max(1, width - 1);
      data[o + 1] = (y * 255) / Math.max(1, height - 1);
      data[o + 2] = (i * 40) % 256;
    }
  }
  return { data, width, height };
}

/** A solid-colour frame. */
export function solidFrame(width: number, height: number, rgb: readonly [number, number, number]): RgbImage {
  const data = new Uint8Array(width * height * 3);
  for (let p = 0; p < width * height; p++) data.set(rgb, p * 3);
  return { data, width, height };
}

/** The pixel at (x, y). */
export function pixelAt(image: RgbImage, x: number, y: number): [number, number, number] {
  const o = (y * image.width + x) * 3;
  return [image.data[o], image.data[o + 1], image.data[o + 2]];
}

/** Mean absolute difference of two equally sized images, in 0–255 units. */
export function meanAbsDiff(a: RgbImage, b: RgbImage): number {
  if (a.width !== b.width || a.height !== b.height) throw new RangeError('images differ in size');
  let sum = 0;
  for (let i = 0; i < a.data.length; i++) sum += Math.abs(a.data[i] - b.data[i]);
  return sum / a.data.length;
}
