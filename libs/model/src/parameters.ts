import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@nextframe/random';

/** A trainable tensor and its stable key (`scale2/conv1/weights`), the unit of checkpoints. */
export interface Parameter {
  key: string;
  variable: tf.Variable;
}

/**
 * Weights from a truncated normal (σ = `stdDev`), biases `bias` (the port's init). Each weight's
 * draw is seeded by (seed, key), so a network is the same whatever order it is built in.
 */
export function initWeights(key: string, shape: number[], stdDev: number, seed: number): Parameter {
  const variableSeed = new SeededRandom(`${seed}/${key}`).nextUint32();
  return { key, variable: tf.variable(tf.truncatedNormal(shape, 0, stdDev, 'float32', variableSeed), true) };
}

export function initBiases(key: string, size: number, value: number): Parameter {
  return { key, variable: tf.variable(tf.fill([size], value), true) };
}

/** Number of trainable values. */
export function parameterCount(parameters: readonly Parameter[]): number {
  return parameters.reduce((n, p) => n + p.variable.size, 0);
}
