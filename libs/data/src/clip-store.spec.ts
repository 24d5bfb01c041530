import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs-core';
import { tableFromIPC } from '@uwdata/flechette';
import { useTempDir } from '@nextframe/files/testing';
import { ClipStore, DEFAULT_CROP_SETTINGS, clipBatchToTensor, cropClips } from './index';
import { noiseFrames, writeFrameFolder } from './testing';

const tempDir = useTempDir('store');
let store: ClipStore;
let storeDir: string;

beforeAll(async () => {
  const frames = path.join(tempDir(), 'frames');
  await writeFrameFolder(path.join(frames, 'a'), noiseFrames(24, 20, 6));
  await writeFrameFolder(path.join(frames, 'b'), noiseFrames(20, 24, 7));
  storeDir = path.join(tempDir(), 'clips');
  const settings = { ...DEFAULT_CROP_SETTINGS, cropSizePx: 8, historyLength: 2 };
  await cropClips({ framesDir: frames, storeDir, clipCount: 250, seed: 3, settings, shardSize: 100, recordBatchSize: 8 });
  store = await ClipStore.open(storeDir, { cacheBatches: 4 });
});
afterAll(async () => {
  await store.close();
});

describe('ClipStore: reading and stacking clips', () => {
  it('reads any clip by index across shards and record batches', async () => {
    expect(store.count).toBe(250);
    const seen = new Set<string>();
    for (const i of [0, 7, 8, 99, 100, 101, 199, 200, 249]) {
      const pixels = await store.pixels(i);
      expect(pixels).toHaveLength(3 * 8 * 8 * 3);
      seen.add(Buffer.from(pixels).toString('hex'));
    }
    expect(seen.size).toBe(9);
    await expect(store.pixels(250)).rejects.toThrow(RangeError);
  });

  it('gives seeded epoch orders that are permutations', () => {
    const e0 = store.epochOrder(1, 0);
    expect(Array.from(e0).sort((a, b) => a - b)).toEqual(Array.from({ length: 250 }, (_, i) => i));
    expect(Array.from(store.epochOrder(1, 0))).toEqual(Array.from(e0));
    expect(Array.from(store.epochOrder(1, 1))).not.toEqual(Array.from(e0));
    expect(Array.from(store.epochOrder(2, 0))).not.toEqual(Array.from(e0));
  });

  it('stacks clips into [batch, H, W, 3·frames] float32 in [-1, 1], oldest frame first', async () => {
    const batch = await store.batch([5, 120]);
    expect(batch.shape).toEqual([2, 8, 8, 9]);
    const clip = await store.pixels(120);
    // Clip 1, pixel (y=3, x=2): frame t channel c sits at channel 3t + c.
    for (let t = 0; t < 3; t++) {
      for (let c = 0; c < 3; c++) {
        const stored = clip[((t * 8 + 3) * 8 + 2) * 3 + c];
        const value = batch.data[((1 * 8 + 3) * 8 + 2) * 9 + 3 * t + c];
        expect(value).toBeCloseTo(stored / 127.5 - 1, 6);
      }
    }
    expect(Math.min(...batch.data)).toBeGreaterThanOrEqual(-1);
    expect(Math.max(...batch.data)).toBeLessThanOrEqual(1);
  });
});

describe('ClipStore: epochs, tensors, and another Arrow reader', () => {
  it('iterates shuffled epochs with prefetching, and resumes at any batch', async () => {
    const iterator = store.batches({ batchSize: 16, seed: 9, prefetch: 3 });
    const seen: { epoch: number; batchInEpoch: number; indices: number[] }[] = [];
    for await (const batch of iterator) {
      seen.push({ epoch: batch.epoch, batchInEpoch: batch.batchInEpoch, indices: Array.from(batch.indices) });
      if (seen.length === 20) break;
    }
    // 250 clips / 16 = 15 whole batches per epoch: batch 15 is epoch 1, batch 0.
    expect(seen[14]).toMatchObject({ epoch: 0, batchInEpoch: 14 });
    expect(seen[15]).toMatchObject({ epoch: 1, batchInEpoch: 0 });
    expect(seen[0].indices).toEqual(Array.from(store.epochOrder(9, 0).subarray(0, 16)));
    const firstEpoch = seen.slice(0, 15).flatMap((s) => s.indices);
    expect(new Set(firstEpoch).size).toBe(240);

    const resumed = store.batches({ batchSize: 16, seed: 9, startEpoch: 1, startBatch: 2 });
    const next = (await resumed.next()).value;
    expect(next).toMatchObject({ epoch: 1, batchInEpoch: 2 });
    expect(Array.from(next.indices)).toEqual(seen[17].indices);
    await resumed.return(undefined);
  });

  it('makes a tfjs tensor of a batch', async () => {
    const batch = await store.batch([0, 1, 2]);
    const before = tf.memory().numTensors;
    const tensor = clipBatchToTensor(batch);
    expect(tensor.shape).toEqual([3, 8, 8, 9]);
    expect(tensor.dtype).toBe('float32');
    expect(Array.from(tensor.dataSync().subarray(0, 9))).toEqual(Array.from(batch.data.subarray(0, 9)));
    tensor.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('is readable by another Arrow implementation (Flechette, written independently of Arrow JS)', async () => {
    const table = tableFromIPC(await fs.readFile(path.join(storeDir, 'clips-000001.arrow')));
    expect(table.numRows).toBe(100);
    expect(table.schema.fields.map((f) => f.name)).toEqual(['pixels', 'video', 'start_frame', 'crop_x', 'crop_y', 'movement', 'unfiltered']);
    expect(table.schema.metadata?.get('nextframe.clip_shape')).toBe('[3,8,8,3]');
    for (const row of [0, 37, 99]) {
      const mine = await store.provenance(100 + row);
      const column = (name: string) => table.getChild(name)?.at(row);
      expect({
        video: column('video'),
        startFrame: column('start_frame'),
        cropX: column('crop_x'),
        cropY: column('crop_y'),
        movement: column('movement'),
        unfiltered: column('unfiltered'),
      }).toEqual(mine);
      expect(Array.from(column('pixels') as Uint8Array)).toEqual(Array.from(await store.pixels(100 + row)));
    }
  });
});
