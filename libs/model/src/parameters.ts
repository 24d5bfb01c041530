import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@nextframe/random';
import type { Initialization } from './model-config';

/** A trainable tensor and its stable key (`scale2/conv1/weights`), the unit of checkpoints. */
export interface Parameter {
  key: string;
  variable: tf.Variable;
}

/** A trainable variable holding `initial`'s values; `initial` itself is freed (the variable keeps the data). */
function trainable(initial: tf.Tensor): tf.Variable {
  const variable = tf.variable(initial, true);
  initial.dispose();
  return variable;
}

/** Each draw is seeded by (seed, key), so a network is the same whatever order it is built in. */
function keySeed(seed: number, key: string): number {
  return new SeededRandom(`${seed}/${key}`).nextUint32();
}

/**
 * Weights from a truncated normal (σ = `stdDev`), biases `bias` (the port's init). Each weight's
 * draw is seeded by (seed, key), so a network is the same whatever order it is built in.
 */
export function initWeights(key: string, shape: number[], stdDev: number, seed: number): Parameter {
  return { key, variable: trainable(tf.truncatedNormal(shape, 0, stdDev, 'float32', keySeed(seed, key))) };
}

export function initBiases(key: string, size: number, value: number): Parameter {
  return { key, variable: trainable(tf.fill([size], value)) };
}

export interface LayerInit {
  /** `…/conv0` or `…/fc1`: the parameters are `<prefix>/weights` and `<prefix>/bias`. */
  prefix: string;
  /** `[kh, kw, in, out]` for a convolution, `[in, out]` for a fully connected layer. */
  shape: number[];
  initialization: Initialization;
  /** `port` only: σ of the truncated normal and the bias value. */
  stdDev: number;
  bias: number;
  seed: number;
  /** Start at exactly zero (weights and bias), e.g. the last layer of a change-predicting scale. */
  zero?: boolean;
  /** With `zero`: weights from a normal of this σ instead (biases still zero). */
  zeroStdDev?: number;
}

/**
 * One layer's weights and bias (see `ModelConfig.initialization`). Fan-in is the product of every
 * dimension but the last (kh·kw·in), fan-out kh·kw·out.
 */
export function initLayer(init: LayerInit): [Parameter, Parameter] {
  const { prefix, shape, seed } = init;
  const units = shape[shape.length - 1];
  const weightKey = `${prefix}/weights`;
  const biasKey = `${prefix}/bias`;
  if (init.zero) {
    const weights = init.zeroStdDev ? tf.randomNormal(shape, 0, init.zeroStdDev, 'float32', keySeed(seed, weightKey)) : tf.zeros(shape);
    return [{ key: weightKey, variable: trainable(weights) }, { key: biasKey, variable: trainable(tf.zeros([units])) }];
  }
  const fanIn = shape.slice(0, -1).reduce((a, b) => a * b, 1);
  const fanOut = (fanIn / shape[shape.length - 2]) * units;
  const uniform = (key: string, s: number[], limit: number) => ({ key, variable: trainable(tf.randomUniform(s, -limit, limit, 'float32', keySeed(seed, key))) });
  switch (init.initialization) {
    case 'torch': {
      const limit = 1 / Math.sqrt(fanIn);
      return [uniform(weightKey, shape, limit), uniform(biasKey, [units], limit)];
    }
    case 'he':
      return [
        { key: weightKey, variable: trainable(tf.randomNormal(shape, 0, Math.sqrt(2 / fanIn), 'float32', keySeed(seed, weightKey))) },
        initBiases(biasKey, units, 0),
      ];
    case 'glorot':
      return [uniform(weightKey, shape, Math.sqrt(6 / (fanIn + fanOut))), initBiases(biasKey, units, 0)];
    default: // 'port', and configs written before the option existed
      return [initWeights(weightKey, shape, init.stdDev, seed), initBiases(biasKey, units, init.bias)];
  }
}

/** Number of trainable values. */
export function parameterCount(parameters: readonly Parameter[]): number {
  return parameters.reduce((n, p) => n + p.variable.size, 0);
}
