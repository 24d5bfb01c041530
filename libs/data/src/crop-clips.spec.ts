import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { useTempDir } from '@nextframe/files/testing';
import { readImageRgb } from '@nextframe/media';
import { ClipStore, DEFAULT_CROP_SETTINGS, cropClips, readStoreSummary, type CropClipsOptions } from './index';
import { movingSquareFrames, noiseFrames, stillFrames, writeFrameFolder } from './testing';

const tempDir = useTempDir('crop');
const settings = { ...DEFAULT_CROP_SETTINGS, cropSizePx: 16, historyLength: 2 };
let frames: string;

beforeAll(async () => {
  frames = path.join(tempDir(), 'frames');
  await writeFrameFolder(path.join(frames, 'moving'), movingSquareFrames({ width: 48, height: 40, count: 12, x0: 0, y0: 10 }));
  await writeFrameFolder(path.join(frames, 'noise'), noiseFrames(40, 32, 8));
  // Natural order matters: frame2 before frame10.
  const names = Array.from({ length: 11 }, (_, i) => `frame${i + 1}.png`);
  await writeFrameFolder(path.join(frames, 'named'), noiseFrames(32, 32, 11), names);
});

function crop(storeName: string, over: Partial<CropClipsOptions> = {}) {
  return cropClips({ framesDir: frames, storeDir: path.join(tempDir(), storeName), clipCount: 300, seed: 1, settings, shardSize: 128, recordBatchSize: 16, ...over });
}

async function storeBytes(storeName: string): Promise<Record<string, string>> {
  const dir = path.join(tempDir(), storeName);
  const out: Record<string, string> = {};
  for (const f of (await fs.readdir(dir)).sort()) out[f] = createHash('sha256').update(await fs.readFile(path.join(dir, f))).digest('hex');
  return out;
}

describe('cropClips: bytes and pixels', () => {
  it('gives byte-identical stores for the same frames, options and seed', async () => {
    const a = await crop('same-a');
    await crop('same-b');
    await crop('other-seed', { seed: 2 });
    expect(a.written).toBe(300);
    expect(a.summary.shards.map((s) => s.count)).toEqual([128, 128, 44]);
    const [ba, bb, bc] = await Promise.all([storeBytes('same-a'), storeBytes('same-b'), storeBytes('other-seed')]);
    expect(Object.keys(ba)).toEqual(['clips-000000.arrow', 'clips-000001.arrow', 'clips-000002.arrow', 'clips.json']);
    expect(bb).toEqual(ba);
    expect(bc['clips-000000.arrow']).not.toBe(ba['clips-000000.arrow']);
  });

  it('stores pixels that match the frames pixel for pixel at the recorded window', async () => {
    await crop('provenance');
    const store = await ClipStore.open(path.join(tempDir(), 'provenance'));
    try {
      expect(store.count).toBe(300);
      expect(store.clipShape).toEqual([3, 16, 16, 3]);
      const byVideo = new Set<string>();
      for (const index of [0, 1, 77, 128, 200, 299]) {
        const p = await store.provenance(index);
        byVideo.add(p.video);
        const pixels = await store.pixels(index);
        const names = (await fs.readdir(path.join(frames, p.video))).sort((x, y) => x.localeCompare(y, 'en', { numeric: true }));
        for (let t = 0; t < 3; t++) {
          const image = await readImageRgb(path.join(frames, p.video, names[p.startFrame + t]));
          for (let row = 0; row < 16; row++) {
            const from = ((p.cropY + row) * image.width + p.cropX) * 3;
            const expected = image.data.subarray(from, from + 48);
            const stored = pixels.subarray((t * 16 + row) * 48, (t * 16 + row + 1) * 48);
            expect(Buffer.from(stored).equals(Buffer.from(expected))).toBe(true);
          }
        }
      }
      expect(byVideo.size).toBeGreaterThan(1);
    } finally {
      await store.close();
    }
  });
});

describe('cropClips: filtering, appending, starting over', () => {
  it('keeps only moving windows unless a clip was drawn unfiltered', async () => {
    await crop('filter', { clipCount: 400 });
    const store = await ClipStore.open(path.join(tempDir(), 'filter'));
    try {
      let unfiltered = 0;
      for (let i = 0; i < store.count; i++) {
        const p = await store.provenance(i);
        if (p.unfiltered) unfiltered++;
        // Every video here moves somewhere in every window but the moving square's: any window
        // kept there below the threshold must come from an unfiltered draw or exhausted tries.
        if (p.video !== 'moving') expect(p.movement).toBeGreaterThan(100);
      }
      expect(unfiltered).toBeGreaterThan(5);
      expect(unfiltered).toBeLessThan(45); // about 5% of 400
    } finally {
      await store.close();
    }
  });

  it('appends without touching earlier shards', async () => {
    await crop('append', { clipCount: 200 });
    const before = await storeBytes('append');
    const mtime = (await fs.stat(path.join(tempDir(), 'append', 'clips-000000.arrow'))).mtimeMs;
    const result = await crop('append', { clipCount: 100, seed: 5 });
    expect(result.summary.count).toBe(300);
    expect(result.summary.runs.map((r) => [r.seed, r.firstClip, r.clipCount, r.complete])).toEqual([
      [1, 0, 200, true],
      [5, 200, 100, true],
    ]);
    const after = await storeBytes('append');
    expect(after['clips-000000.arrow']).toBe(before['clips-000000.arrow']);
    expect(after['clips-000001.arrow']).toBe(before['clips-000001.arrow']);
    expect((await fs.stat(path.join(tempDir(), 'append', 'clips-000000.arrow'))).mtimeMs).toBe(mtime);
    expect(Object.keys(after)).toHaveLength(Object.keys(before).length + 1);
  });

  it('starts over with overwrite', async () => {
    await crop('over', { clipCount: 50 });
    const again = await crop('over', { clipCount: 20, overwrite: true });
    expect(again.summary.count).toBe(20);
    expect(again.summary.runs).toHaveLength(1);
  });
});

describe('cropClips on bad input', () => {
  it.each([
    ['a missing folder', async () => path.join(tempDir(), 'nope'), /nope: no such folder/],
    ['a folder without video folders', async () => mk('empty', []), /empty: no video folders with frames \(expected one folder/],
    ['frames given directly', async () => mk('flat', [['', 3]]), /flat: no video folders with frames \(it holds frame images directly/],
    ['only videos shorter than a clip', async () => mk('short', [['a', 2]]), /short: no video has enough frames for a clip \(3 frames\)/],
    ['frames smaller than the crop', async () => mk('small', [['a', 4, 12]]), /small\/a: frames are 12x12, smaller than the 16x16 crop/],
  ])('rejects %s with one line naming it', async (_label, make, message) => {
    const dir = await make();
    const error = await cropClips({ framesDir: dir, storeDir: path.join(tempDir(), 'bad-store'), clipCount: 5, seed: 0, settings }).catch((e: unknown) => e);
    expect((error as { oneLine(): string }).oneLine()).toMatch(message);
  });

  it('skips a short video with a warning', async () => {
    const dir = await mk('mixed', [['long', 5], ['short', 2]]);
    const warnings: string[] = [];
    const result = await cropClips({ framesDir: dir, storeDir: path.join(tempDir(), 'mixed-store'), clipCount: 5, seed: 0, settings, onWarning: (w) => warnings.push(w) });
    expect(result.summary.count).toBe(5);
    expect(warnings).toEqual([`warning: ${path.join(dir, 'short')}: skipped, 2 frames is shorter than one clip (3 frames)`]);
  });

  it('names a frame whose size differs from its video', async () => {
    const dir = await mk('sizes', [['v', 4, 32]]);
    await writeFrameFolder(path.join(dir, 'v'), noiseFrames(40, 32, 1), ['000003.png']);
    const error = await cropClips({ framesDir: dir, storeDir: path.join(tempDir(), 'sizes-store'), clipCount: 20, seed: 0, settings }).catch((e: unknown) => e);
    expect((error as { oneLine(): string }).oneLine()).toBe(
      `${path.join(dir, 'v', '000003.png')}: frame is 40x32, but 000001.png of the same video is 32x32`,
    );
  });

  it('refuses to append clips of another shape', async () => {
    await crop('shape', { clipCount: 10 });
    await expect(crop('shape', { clipCount: 10, settings: { ...settings, cropSizePx: 8 } })).rejects.toThrow(/holds 16x16x3 clips .* asks for 8x8x3/);
  });
});

describe('ClipStore on damaged stores', () => {
  it('names a truncated shard', async () => {
    await crop('truncated', { clipCount: 200 });
    const shard = path.join(tempDir(), 'truncated', 'clips-000001.arrow');
    const bytes = await fs.readFile(shard);
    await fs.writeFile(shard, bytes.subarray(0, bytes.length - 100));
    expect(await oneLineOf(ClipStore.open(path.join(tempDir(), 'truncated')))).toBe(
      `${shard}: shard is ${bytes.length - 100} bytes, clips.json records ${bytes.length}: truncated or changed`,
    );
  });

  it('names a shard whose footer is damaged', async () => {
    await crop('damaged', { clipCount: 200 });
    const shard = path.join(tempDir(), 'damaged', 'clips-000001.arrow');
    const bytes = await fs.readFile(shard);
    bytes.fill(0, bytes.length - 400, bytes.length - 10);
    await fs.writeFile(shard, bytes);
    const store = await ClipStore.open(path.join(tempDir(), 'damaged'));
    await expect(store.pixels(5)).resolves.toHaveLength(16 * 16 * 3 * 3);
    expect(await oneLineOf(store.pixels(150))).toMatch(new RegExp(`^${shard}: corrupt`));
    await store.close();
  });

  it('says when there is no store', async () => {
    expect(await oneLineOf(ClipStore.open(path.join(tempDir(), 'none')))).toBe(`${path.join(tempDir(), 'none')}: no such clip store`);
    await fs.mkdir(path.join(tempDir(), 'plain'));
    expect(await oneLineOf(ClipStore.open(path.join(tempDir(), 'plain')))).toBe(`${path.join(tempDir(), 'plain')}: not a clip store (no clips.json)`);
  });

  it('reads the summary it wrote', async () => {
    await crop('summary', { clipCount: 20 });
    const summary = await readStoreSummary(path.join(tempDir(), 'summary'));
    expect(summary).toMatchObject({ format: 'nextframe-clips', version: 1, count: 20, clipShape: [3, 16, 16, 3], shardSize: 128, recordBatchSize: 16 });
    expect(summary.shards[0].sha256).toMatch(/^[0-9a-f]{64}$/);
  });
});

/** The one-line message of the error a promise rejects with. */
async function oneLineOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  if (!(error instanceof NextframeError)) throw new Error(`expected a NextframeError, got ${String(error)}`);
  return error.oneLine();
}

/** Frame folders under `name`: [video, frame count, square size (default 32)]; video '' puts frames in the root. */
async function mk(name: string, videos: [string, number, number?][]): Promise<string> {
  const dir = path.join(tempDir(), name);
  await fs.mkdir(dir, { recursive: true });
  for (const [video, count, size] of videos) await writeFrameFolder(path.join(dir, video), stillFrames(size ?? 32, size ?? 32, count));
  return dir;
}
