/**
 * Test fixtures (`@nextframe/model/testing`): a network small enough that a training step takes
 * milliseconds. Production code never imports this.
 */
import * as tf from '@tensorflow/tfjs-core';
import { serializeCheckpoint, type CheckpointContent } from './checkpoint';
import { createGenerator } from './generator';
import type { ModelConfig } from './model-config';
import { resolveModelConfig } from './presets';

/** The small preset with 8 feature maps in every hidden layer and tiny fully connected layers. */
export function tinyModelConfig(overrides: Partial<ModelConfig> = {}): ModelConfig {
  const c = resolveModelConfig('small', overrides);
  c.generator = c.generator.map((s) => ({ ...s, featureMaps: s.featureMaps.map((f, i) => (i === 0 || i === s.featureMaps.length - 1 ? f : 8)) }));
  c.discriminator = c.discriminator.map((s) => ({ ...s, featureMaps: [s.featureMaps[0], ...s.featureMaps.slice(1).map(() => 8)], fullyConnected: [16, 8, 1] }));
  return c;
}

/** A checkpoint of an untrained tiny generator (`tinyModelConfig()`), for tests of what reads checkpoints. */
export async function tinyCheckpoint(args: { step: number; seed: number }): Promise<CheckpointContent> {
  const generator = createGenerator(tinyModelConfig(), args.seed);
  try {
    return await serializeCheckpoint({ generator, step: args.step, seed: args.seed });
  } finally {
    generator.dispose();
  }
}

/** d loss / d variable[i] by central differences (±1e-3); the variable is restored afterwards. */
export function finiteDifference(loss: () => tf.Scalar, variable: tf.Variable, i: number): number {
  const original = variable.dataSync().slice();
  const at = (delta: number) => {
    const moved = original.slice();
    moved[i] += delta;
    tf.tidy(() => variable.assign(tf.tensor(moved, variable.shape)));
    return tf.tidy(() => loss().dataSync()[0]);
  };
  const slope = (at(1e-3) - at(-1e-3)) / 2e-3;
  tf.tidy(() => variable.assign(tf.tensor(original, variable.shape)));
  return slope;
}


/** `batch` 32×32 frames in [-1, 1]: black with a white bar `width` pixels wide from column x (the flow specs move it). */
export function barFrame(x: number, batch: number, width = 4): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.tile(tf.reshape(tf.sum(tf.oneHot(tf.range(x, x + width, 1, 'int32'), 32), 0), [1, 1, 32, 1]), [batch, 32, 1, 3]), 2), 1) as tf.Tensor4D);
}

/** Mean, standard deviation and largest magnitude of some values. */
export function valueStats(values: Float32Array | Int32Array | Uint8Array): { mean: number; std: number; maxAbs: number } {
  const v = Array.from(values);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length), maxAbs: Math.max(...v.map(Math.abs)) };
}

/**
 * Thin networks and a higher learning rate: steps take milliseconds and visibly learn. The port's
 * initialisation and whole-frame prediction: every layer gets a gradient from the first step
 * (zero-started last layers, as the change-predicting default has, pass none back on step 1).
 */
export function tinyTrainingConfig(): ModelConfig {
  return tinyModelConfig({ generatorLearningRate: 0.01, initialization: 'port', predictChange: false });
}

/** `[batch, 32, 32, 15]` clips of uniform noise in [-1, 1], seeded. */
export function randomClips(seed: number, batch = 2): tf.Tensor4D {
  return tf.randomUniform([batch, 32, 32, 15], -1, 1, 'float32', seed) as tf.Tensor4D;
}

/** A copy of every parameter's values. */
export function parameterValues(parameters: { variable: tf.Variable }[]): Float32Array[] {
  return parameters.map((p) => p.variable.dataSync().slice() as Float32Array);
}

/** The same values, to the bit. */
export function sameValues(a: Float32Array[], b: Float32Array[]): boolean {
  return a.length === b.length && a.every((v, i) => v.length === b[i].length && v.every((x, j) => x === b[i][j]));
}
