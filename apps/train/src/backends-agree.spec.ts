import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { loadTrainedModel } from '@nextframe/checkpoints';
import { DEFAULT_CROP_SETTINGS, cropClips } from '@nextframe/data';
import { movingSquareFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir } from '@nextframe/files/testing';
import { createGenerator, resolveModelConfig, restoreCheckpoint } from '@nextframe/model';
import { initBackend } from '@nextframe/tf-backend';
import { nativeTensorFlowBuilt, testBackendName } from '@nextframe/tf-backend/testing';
import { runTraining } from './run-training';
import { trainOptions } from './testing';
import type { TrainOptions } from './train-options';

/**
 * Native TensorFlow and wasm train the same model: the first 20 steps of `small` (batch 4),
 * adversarial and not, give the same losses within the tolerances below, and a checkpoint trained on tensorflow
 * predicts the same frames on wasm within 1e-4.
 */
// It runs both backends itself: once, in npm test's first pass (not again in the tensorflow pass).
const built = nativeTensorFlowBuilt() && testBackendName() === 'wasm';
if (!nativeTensorFlowBuilt()) process.stderr.write('backends-agree.spec: @tensorflow/tfjs-node is not built here; its specs are skipped (npm test says why)\n');

const STEPS = 20;
/**
 * Largest relative difference between the backends' losses at any of the 20 steps. Step 1 agrees
 * to float32 rounding; Adam then turns rounding-sized gradient differences into parameter-sized
 * ones, so runs drift apart (measured: Lp 0.47%, GDL 0.28% without the discriminator), and the
 * adversarial game at D ≈ 0.5 amplifies them further (adversarial loss 12%, discriminator 4.5%).
 * A wrong kernel or gradient gives differences of order 1 from step 1 on.
 */
const PLAIN_TOLERANCE = { 'loss/generator': 0.02, 'loss/lp': 0.02, 'loss/gdl': 0.02 };
const ADVERSARIAL_TOLERANCE = { ...PLAIN_TOLERANCE, 'loss/generator': 0.05, 'loss/adversarial': 0.25, 'loss/discriminator': 0.1 };

const tempDir = useTempDir('backends');
let clipsDir: string;

function options(name: string, adversarial: boolean): TrainOptions {
  return trainOptions({ clipsDir, root: tempDir() }, name, { model: resolveModelConfig('small', { batchSize: 4 }), adversarial, steps: STEPS, seed: 11, modelSaveFreq: STEPS });
}

async function losses(name: string): Promise<Record<string, number>[]> {
  const lines = (await fs.readFile(path.join(tempDir(), 'runs', name, 'metrics.jsonl'), 'utf8')).trim().split('\n');
  // The step rows: an adversarial run ends with a row of the discriminator's judgement over its last steps.
  return lines.map((line) => JSON.parse(line) as Record<string, number>).filter((row) => 'loss/lp' in row);
}

/** Cuts clips of three moving squares and trains the same runs on wasm and on tensorflow: `<backend>-adversarial`, `<backend>-plain`. */
async function trainOnBothBackends(): Promise<void> {
  const frames = path.join(tempDir(), 'frames');
  for (const [i, x0] of [0, 9, 17].entries()) {
    await writeFrameFolder(path.join(frames, `v${i}`), movingSquareFrames({ width: 48, height: 40, count: 12, sizePx: 10, speedPx: 3, x0, y0: 4 + 7 * i }));
  }
  clipsDir = path.join(tempDir(), 'clips');
  await cropClips({ framesDir: frames, storeDir: clipsDir, clipCount: 40, seed: 1, settings: DEFAULT_CROP_SETTINGS });
  for (const backend of ['wasm', 'tensorflow'] as const) {
    await initBackend(backend, backend === 'wasm' ? 2 : undefined);
    await runTraining(options(`${backend}-adversarial`, true));
    await runTraining(options(`${backend}-plain`, false));
  }
}

(built ? describe : describe.skip)('tensorflow and wasm', () => {
  beforeAll(trainOnBothBackends, 600000);

  afterAll(() => initBackend('wasm', 2));

  it(`give the same losses over the first ${STEPS} steps of small, adversarial and not`, async () => {
    for (const [name, tolerances] of [['plain', PLAIN_TOLERANCE], ['adversarial', ADVERSARIAL_TOLERANCE]] as const) {
      const [onWasm, onTensorFlow] = [await losses(`wasm-${name}`), await losses(`tensorflow-${name}`)];
      expect(onWasm.map((m) => m.step)).toEqual(Array.from({ length: STEPS }, (_, i) => i + 1));
      expect(onTensorFlow.map((m) => m.step)).toEqual(onWasm.map((m) => m.step));
      for (const [key, tolerance] of Object.entries(tolerances)) {
        // Step 1 starts from the same weights and batch: the same to float32 rounding.
        expect(Math.abs(onTensorFlow[0][key] - onWasm[0][key])).toBeLessThan(1e-5 * Math.max(1, Math.abs(onWasm[0][key])));
        const worst = Math.max(...onWasm.map((m, i) => Math.abs(onTensorFlow[i][key] - m[key]) / Math.max(Math.abs(m[key]), 1e-3)));
        expect({ run: name, key, worst: worst < tolerance ? 'within' : worst }).toEqual({ run: name, key, worst: 'within' });
      }
      // Training moved the losses: the agreement is not of two idle runs.
      expect(Math.abs(onWasm[STEPS - 1]['loss/lp'] - onWasm[0]['loss/lp'])).toBeGreaterThan(1e-3);
    }
  });

  it('predict the same frames on wasm from a checkpoint trained on tensorflow (within 1e-4)', async () => {
    const checkpoint = await loadTrainedModel(path.join(tempDir(), 'runs', 'tensorflow-adversarial'));
    const config = checkpoint.manifest.config;
    // 40×44: not multiples of 8, so the mirror padding is part of what is compared.
    const history = () => tf.tensor4d(Float32Array.from({ length: 40 * 44 * 12 }, (_, i) => Math.sin(i * 0.37) * 0.9), [1, 40, 44, 12]);
    const predictOn = async (backend: 'tensorflow' | 'wasm') => {
      await initBackend(backend, backend === 'wasm' ? 2 : undefined);
      const generator = createGenerator(config, 0);
      await restoreCheckpoint(checkpoint, { generator });
      const input = history();
      const values = (await generator.predict(input).data()) as Float32Array;
      input.dispose();
      generator.dispose();
      return values;
    };
    const onTensorFlow = await predictOn('tensorflow');
    const onWasm = await predictOn('wasm');
    expect(onWasm.length).toBe(40 * 44 * 3);
    let worst = 0;
    let spread = 0;
    onWasm.forEach((v, i) => {
      worst = Math.max(worst, Math.abs(v - onTensorFlow[i]));
      spread = Math.max(spread, Math.abs(v - onWasm[0]));
    });
    expect(spread).toBeGreaterThan(0.01);
    expect(worst).toBeLessThanOrEqual(1e-4);
  });
});
