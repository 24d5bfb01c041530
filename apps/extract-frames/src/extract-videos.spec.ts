import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { NextframeError } from '@nextframe/errors';
import { ffmpegVersion, readImageRgb, resolveFfmpeg, resolveFfprobe, type RgbImage } from '@nextframe/media';
import { meanAbsDiff, patternFrame, pixelAt, writeTestVideo } from '@nextframe/media/testing';
import { extractVideos, type ExtractVideosOptions } from './extract-videos';
import { readFrameIndex } from './frame-index';

const ffmpeg = resolveFfmpeg().path;
const tools = { ffmpeg, ffprobe: resolveFfprobe().path, ffmpegVersion: ffmpegVersion(ffmpeg) };
const W = 48;
const H = 32;
const source = Array.from({ length: 20 }, (_, i) => patternFrame(W, H, i));

let dir: string;
let lossless: string;
let lossy: string;
beforeAll(async () => {
  dir = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-extract-'));
  lossless = path.join(dir, 'lossless.mkv');
  lossy = path.join(dir, 'lossy clip.mp4');
  await writeTestVideo({ file: lossless, frames: source, fps: 10, codec: 'ffv1' });
  await writeTestVideo({ file: lossy, frames: source, fps: 10, codec: 'h264' });
});
afterAll(async () => {
  await fs.rm(dir, { recursive: true, force: true });
});

let run = 0;
function outDir(): string {
  run += 1;
  return path.join(dir, `out-${run}`);
}

async function frameFiles(folder: string): Promise<string[]> {
  return (await fs.readdir(folder)).sort();
}

function extract(over: Partial<ExtractVideosOptions> & Pick<ExtractVideosOptions, 'items' | 'outDir'>) {
  return extractVideos({ options: {}, tools, ...over });
}

describe('extractVideos: frames and index.json', () => {
  it('writes every frame of a lossless video, pixel for pixel, as 000001.png…', async () => {
    const out = outDir();
    const summary = await extract({ items: [{ video: lossless, key: 'lossless' }], outDir: out });
    expect(summary).toMatchObject({ extracted: ['lossless'], skipped: [], failed: [], frames: 20 });
    const files = await frameFiles(path.join(out, 'lossless'));
    expect(files).toEqual(Array.from({ length: 20 }, (_, i) => `${String(i + 1).padStart(6, '0')}.png`));
    for (const i of [0, 7, 19]) {
      const frame = await readImageRgb(path.join(out, 'lossless', files[i]));
      expect(Buffer.from(frame.data).equals(Buffer.from(source[i].data))).toBe(true);
    }
  });

  it('records the video in index.json', async () => {
    const out = outDir();
    await extract({ items: [{ video: lossy, key: 'lossy clip' }], outDir: out });
    const index = await readFrameIndex(out);
    const entry = index.videos['lossy clip'];
    expect(entry).toMatchObject({
      source: '../lossy clip.mp4',
      sizeBytes: (await fs.stat(lossy)).size,
      frameCount: 20,
      width: W,
      height: H,
      fps: 10,
      options: { fps: null, size: null, maxSide: null, startS: null, durationS: null },
      sourceInfo: { codec: 'h264', width: W, height: H, rotation: 0, fps: 10, durationS: 2 },
    });
    expect(entry.sha256).toMatch(/^[0-9a-f]{64}$/);
    const frame = await readImageRgb(path.join(out, 'lossy clip', '000004.png'));
    expect(meanAbsDiff(frame, source[3])).toBeLessThan(4);
  });
});

describe('extractVideos: resampling and cutting', () => {
  it('resamples with --fps', async () => {
    const out = outDir();
    await extract({ items: [{ video: lossless, key: 'v' }], outDir: out, options: { fps: 5 } });
    const files = await frameFiles(path.join(out, 'v'));
    expect(files).toHaveLength(10);
    expect((await readFrameIndex(out)).videos.v.fps).toBe(5);
    // Each output frame is one of the source frames (every second one), not a blend.
    const blue = pixelAt(await readImageRgb(path.join(out, 'v', files[3])), 0, 0)[2];
    expect([6, 7].map((i) => (i * 40) % 256)).toContain(blue);
  });

  it.each([
    [{ size: { width: 24, height: 20 } }, 24, 20],
    [{ maxSide: 24 }, 24, 16],
    [{ maxSide: 100 }, W, H],
  ])('scales with %j', async (options, width, height) => {
    const out = outDir();
    await extract({ items: [{ video: lossless, key: 'v' }], outDir: out, options });
    const frame = await readImageRgb(path.join(out, 'v', '000001.png'));
    expect([frame.width, frame.height]).toEqual([width, height]);
    expect((await readFrameIndex(out)).videos.v).toMatchObject({ width, height });
  });

  it('cuts with --start and --duration', async () => {
    const out = outDir();
    await extract({ items: [{ video: lossless, key: 'v' }], outDir: out, options: { startS: 0.5, durationS: 1 } });
    const files = await frameFiles(path.join(out, 'v'));
    expect(files).toHaveLength(10);
    const first = await readImageRgb(path.join(out, 'v', files[0]));
    expect(Buffer.from(first.data).equals(Buffer.from(source[5].data))).toBe(true);
  });
});

describe('extractVideos: duplicates and rotation', () => {
  it('drops repeated frames with --drop-duplicates, keeping a frame that differs in one 4x4 patch', async () => {
    // 6 distinct frames, each stored 3 times (a video captured at a third of its stored rate); the
    // last distinct frame is the fifth with only a 4x4 patch changed.
    const patched = { ...source[4], data: Uint8Array.from(source[4].data) };
    for (let y = 10; y < 14; y++) for (let x = 20; x < 24; x++) patched.data.fill(255, (y * W + x) * 3, (y * W + x) * 3 + 3);
    const distinct = [source[0], source[1], source[2], source[3], source[4], patched];
    const repeated = path.join(dir, 'repeated.mkv');
    await writeTestVideo({ file: repeated, frames: distinct.flatMap((f) => [f, f, f]), fps: 15, codec: 'ffv1' });
    const out = outDir();
    await extract({ items: [{ video: repeated, key: 'v' }], outDir: out, options: { dropDuplicates: true } });
    const files = await frameFiles(path.join(out, 'v'));
    expect(files).toHaveLength(6);
    for (const [i, file] of files.entries()) {
      const frame = await readImageRgb(path.join(out, 'v', file));
      expect(Buffer.from(frame.data).equals(Buffer.from(distinct[i].data))).toBe(true);
    }
    expect((await readFrameIndex(out)).videos.v.options.dropDuplicates).toBe(true);
    const all = outDir();
    await extract({ items: [{ video: repeated, key: 'v' }], outDir: all });
    expect(await frameFiles(path.join(all, 'v'))).toHaveLength(18);
  });

  it('applies rotation metadata: frames come out turned as the probe reports', async () => {
    const rotated = path.join(dir, 'rotated.mp4');
    await writeTestVideo({ file: rotated, frames: source.slice(0, 5), fps: 10, codec: 'h264', rotate: 90 });
    const out = outDir();
    await extract({ items: [{ video: rotated, key: 'r' }], outDir: out });
    const entry = (await readFrameIndex(out)).videos.r;
    expect([entry.width, entry.height]).toEqual([H, W]);
    const frame = await readImageRgb(path.join(out, 'r', '000001.png'));
    expect([frame.width, frame.height]).toEqual([H, W]);
    expect(meanAbsDiff(frame, rotateClockwise(source[0], entry.sourceInfo.rotation))).toBeLessThan(4);
    expect(meanAbsDiff(frame, rotateClockwise(source[0], (entry.sourceInfo.rotation + 180) % 360))).toBeGreaterThan(40);
  });
});

describe('re-running', () => {
  it('skips finished videos, and redoes them when the source, options or frames change', async () => {
    const video = path.join(dir, 'rerun.mkv');
    await fs.copyFile(lossless, video);
    const out = outDir();
    const items = [{ video, key: 'rerun' }];
    await extract({ items, outDir: out });
    const firstFrame = path.join(out, 'rerun', '000001.png');
    const before = (await fs.stat(firstFrame)).mtimeMs;

    expect(await extract({ items, outDir: out })).toMatchObject({ extracted: [], skipped: ['rerun'], frames: 20 });
    expect((await fs.stat(firstFrame)).mtimeMs).toBe(before);

    expect((await extract({ items, outDir: out, options: { fps: 5 } })).extracted).toEqual(['rerun']);
    expect(await frameFiles(path.join(out, 'rerun'))).toHaveLength(10);

    await writeTestVideo({ file: video, frames: source.slice(0, 12), fps: 10 });
    expect((await extract({ items, outDir: out, options: { fps: 5 } })).extracted).toEqual(['rerun']);
    expect(await frameFiles(path.join(out, 'rerun'))).toHaveLength(6);

    await fs.rm(path.join(out, 'rerun', '000003.png'));
    expect((await extract({ items, outDir: out, options: { fps: 5 } })).extracted).toEqual(['rerun']);
    expect((await extract({ items, outDir: out, options: { fps: 5 }, overwrite: true })).extracted).toEqual(['rerun']);
    expect(await frameFiles(path.join(out, 'rerun'))).toHaveLength(6);
  });

  it('refuses to replace a folder it did not make, unless told to overwrite', async () => {
    const out = outDir();
    await fs.mkdir(path.join(out, 'mine'), { recursive: true });
    await fs.writeFile(path.join(out, 'mine', 'notes.txt'), 'keep me');
    const error = await extract({ items: [{ video: lossless, key: 'mine' }], outDir: out }).catch((e: unknown) => e);
    expect((error as NextframeError).oneLine()).toBe(
      `${path.join(out, 'mine')}: exists and is not in index.json (not made by nextframe extract); use --overwrite to replace it`,
    );
    expect(await frameFiles(path.join(out, 'mine'))).toEqual(['notes.txt']);
    await extract({ items: [{ video: lossless, key: 'mine' }], outDir: out, overwrite: true });
    expect(await frameFiles(path.join(out, 'mine'))).toHaveLength(20);
  });

  it('prunes videos that left the list when asked (manifest runs)', async () => {
    const out = outDir();
    await extract({ items: [{ video: lossless, key: 'train/a' }, { video: lossy, key: 'test/b' }], outDir: out });
    const summary = await extract({ items: [{ video: lossless, key: 'train/a' }], outDir: out, prune: true });
    expect(summary.pruned).toEqual(['test/b']);
    expect(await fs.readdir(path.join(out, 'test'))).toEqual([]);
    expect(Object.keys((await readFrameIndex(out)).videos)).toEqual(['train/a']);
  });

  it('rejects two videos that would share a folder', async () => {
    const other = path.join(dir, 'sub', 'lossless.mkv');
    await fs.mkdir(path.dirname(other), { recursive: true });
    await fs.copyFile(lossless, other);
    await expect(
      extract({ items: [{ video: lossless, key: 'lossless' }, { video: other, key: 'lossless' }], outDir: outDir() }),
    ).rejects.toThrow(/would both be extracted to 'lossless'/);
  });
});

/** Rotate an image clockwise by 0/90/180/270 degrees. */
function rotateClockwise(image: RgbImage, degrees: number): RgbImage {
  const turns = ((degrees / 90) % 4 + 4) % 4;
  let current = image;
  for (let t = 0; t < turns; t++) {
    const { width, height, data } = current;
    const out = new Uint8Array(data.length);
    for (let y = 0; y < height; y++) {
      for (let x = 0; x < width; x++) {
        // (x, y) → (height - 1 - y, x) in a height × width image
        const target = (x * height + (height - 1 - y)) * 3;
        out.set(data.subarray((y * width + x) * 3, (y * width + x) * 3 + 3), target);
      }
    }
    current = { data: out, width: height, height: width };
  }
  return current;
}
