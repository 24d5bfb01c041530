import * as path from 'node:path';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir } from '@nextframe/files/testing';
import { writeImageRgb } from '@nextframe/media';
import { fromBytes, psnr } from '@nextframe/metrics';
import { createGenerator, predictRecursively } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import * as tf from '@tensorflow/tfjs-core';
import { clipStarts, listTestClips, predictAndScore, readClipFrames, summarizeClips } from './index';

const tempDir = useTempDir('evaluation');

beforeAll(async () => {
  await initTestBackend();
});

describe('clipStarts', () => {
  it('spreads clip starts evenly over a video, each once', () => {
    expect(clipStarts(6, 3)).toEqual([0, 3, 6]);
    expect(clipStarts(10, 4)).toEqual([0, 3, 7, 10]);
    expect(clipStarts(1, 3)).toEqual([0, 1]);
    expect(clipStarts(0, 5)).toEqual([0]);
    expect(clipStarts(10, 1)).toEqual([0]);
  });
});

describe('listTestClips', () => {
  it('takes every video long enough, one clip from its first frame or several spread over it', async () => {
    const testDir = path.join(tempDir(), 'clips');
    await writeFrameFolder(path.join(testDir, 'long'), noiseFrames(8, 8, 10));
    await writeFrameFolder(path.join(testDir, 'short'), noiseFrames(8, 8, 4));
    const one = await listTestClips(testDir, 7);
    expect(one.map(({ name, video, start }) => ({ name, video, start }))).toEqual([{ name: 'long', video: 'long', start: 0 }]);
    expect(one[0].files.map((f) => path.basename(f))).toHaveLength(7);
    const three = await listTestClips(testDir, 7, 3);
    expect(three.map((c) => [c.name, c.start])).toEqual([['long-f1', 0], ['long-f3', 2], ['long-f4', 3]]);
    expect(three[2].files[0]).toBe(one[0].files[3]);
    expect(await listTestClips(testDir, 11)).toEqual([]);
  });
});

describe('readClipFrames', () => {
  it('names a frame of another size in one line', async () => {
    const dir = path.join(tempDir(), 'odd');
    const [a, b] = noiseFrames(8, 6, 2);
    await writeImageRgb(path.join(dir, '1.png'), a);
    await writeImageRgb(path.join(dir, '2.png'), { data: b.data.slice(0, 4 * 6 * 3), width: 4, height: 6 });
    await expect(readClipFrames([path.join(dir, '1.png'), path.join(dir, '2.png')])).rejects.toThrow('frame is 4x6 but the video\'s first frame is 8x6');
  });
});

describe('predictAndScore', () => {
  it('predicts each model recursively and scores it beside the trivial predictors, step by step', () => {
    const frames = noiseFrames(16, 16, 7);
    const config = tinyModelConfig();
    const generators = { model: createGenerator(config, 1), compare: createGenerator(config, 2) };
    const ticks: number[] = [];
    const before = tf.memory().numTensors;
    const scored = predictAndScore({ generators, frames, onFrame: (done) => ticks.push(done) });
    expect(tf.memory().numTensors).toBe(before);
    expect(ticks).toEqual([1, 2, 3, 4, 5, 6]);
    expect(scored.inputs).toEqual(frames.slice(0, 4));
    expect(scored.truth).toEqual(frames.slice(4));
    expect(scored.predictions.model).toEqual(predictRecursively(generators.model, frames.slice(0, 4), 3));
    expect(scored.steps).toHaveLength(3);
    expect(Object.keys(scored.steps[0])).toEqual(['model', 'compare', 'copyLast', 'blank', 'meanOfInputs']);
    // Each score is the metric of that step's frames: the model's PSNR, and copy-last's (frame 4 against frame 5 + k).
    scored.steps.forEach((step, k) => {
      expect(step.model.psnr).toBeCloseTo(psnr(fromBytes(scored.predictions.model[k]), fromBytes(frames[4 + k])), 10);
      expect(step.copyLast.psnr).toBeCloseTo(psnr(fromBytes(frames[3]), fromBytes(frames[4 + k])), 10);
    });
    const summary = summarizeClips([scored.steps, scored.steps], ['model', 'blank'] as const);
    expect(Object.keys(summary)).toEqual(['model', 'blank']);
    expect(summary.model.psnr.map((s) => s.mean)).toEqual(scored.steps.map((s) => s.model.psnr));
    expect(summary.model.psnr[0].count).toBe(2);
    Object.values(generators).forEach((g) => g.dispose());
  });
});
