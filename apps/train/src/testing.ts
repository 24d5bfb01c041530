/**
 * Fixtures of the training specs (excluded from production sources, as every `src/testing.ts`):
 * a clip store of noise frames, tiny networks, and options for a run under a temp folder.
 */
import * as path from 'node:path';
import { DEFAULT_CROP_SETTINGS, cropClips } from '@nextframe/data';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { NextframeError } from '@nextframe/errors';
import { TRAIN_DEFAULTS } from '@nextframe/manifest';
import type { ModelConfig } from '@nextframe/model';
import { tinyModelConfig } from '@nextframe/model/testing';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import type { TrainOptions } from './train-options';

/** Thin networks, batch 2: a step takes milliseconds. */
export const TINY_TRAINING: ModelConfig = tinyModelConfig({ batchSize: 2 });

/**
 * Registers a `beforeAll` that starts the test backend (on wasm, the threaded build where there
 * are 2 cores: determinism and resume are tested on it) and cuts 20 clips of two noise videos;
 * returns the clip store's folder.
 */
export function useTrainingClips(tempDir: () => string): () => string {
  let clipsDir = '';
  beforeAll(async () => {
    await initTestBackend(2);
    const frames = path.join(tempDir(), 'frames');
    await writeFrameFolder(path.join(frames, 'a'), noiseFrames(40, 36, 8));
    await writeFrameFolder(path.join(frames, 'b'), noiseFrames(36, 40, 8));
    clipsDir = path.join(tempDir(), 'clips');
    await cropClips({ framesDir: frames, storeDir: clipsDir, clipCount: 20, seed: 1, settings: DEFAULT_CROP_SETTINGS });
  });
  return () => clipsDir;
}

/** A 4-step adversarial run `runs/<name>` under `root` of the tiny networks, stats and summaries every step, checkpoints every 2. */
export function trainOptions(at: { clipsDir: string; root: string }, name: string, over: Partial<TrainOptions> = {}): TrainOptions {
  return {
    ...TRAIN_DEFAULTS,
    clipsDir: at.clipsDir,
    runDir: path.join(at.root, 'runs', name),
    name,
    model: TINY_TRAINING,
    adversarial: true,
    steps: 4,
    seed: 3,
    statsFreq: 1,
    summaryFreq: 1,
    modelSaveFreq: 2,
    resume: false,
    overwrite: false,
    testOnly: false,
    ...over,
  };
}

/** The one-line message of the NextframeError `promise` rejects with. */
export async function oneLineOf(promise: Promise<unknown>): Promise<string> {
  const error = await promise.then(() => undefined, (e: unknown) => e);
  if (!(error instanceof NextframeError)) throw new Error(`expected a NextframeError, got ${String(error)}`);
  return error.oneLine();
}
