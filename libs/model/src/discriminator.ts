import * as tf from '@tensorflow/tfjs-core';
import { scaleSize, type DiscriminatorClipGradient, type ModelConfig } from './model-config';
import { initLayer, type Parameter } from './parameters';

export interface Discriminator {
  config: ModelConfig;
  parameters: Parameter[];
  /**
   * Per-scale probabilities that `frames[k]` (`[B, s_k, s_k, 3]`) are real, each `[B, 1]`,
   * clipped to `discriminatorClip`. With `conditionalDiscriminator`, `history[k]` (the history
   * frames at scale k) is stacked before the frame, as the paper's discriminator sees them.
   */
  predict(frames: readonly tf.Tensor4D[], history?: readonly tf.Tensor4D[]): tf.Tensor2D[];
  dispose(): void;
}

/**
 * The multi-scale discriminator (spec "Discriminator"): per scale, VALID convolutions with
 * ReLU (leaky with `discriminatorLeak`), one 2×2 max-pool, flatten, fully connected ReLU layers, the last 1 unit with sigmoid.
 * It works at the training patch size only (its first fully connected layer fixes it).
 */
export function createDiscriminator(config: ModelConfig, seed: number): Discriminator {
  const parameters: Parameter[] = [];
  const count = config.discriminator.length;
  const init = { initialization: config.initialization, stdDev: config.initStdDev, bias: config.initBias, seed };
  const scales = config.discriminator.map((scale, k) => {
    const convs = scale.kernelSizes.map((kernel, i) => {
      const [w, b] = initLayer({ ...init, prefix: `discriminator/scale${k}/conv${i}`, shape: [kernel, kernel, scale.featureMaps[i], scale.featureMaps[i + 1]] });
      parameters.push(w, b);
      return { weights: w.variable, bias: b.variable };
    });
    const side = Math.floor((scaleSize(config.patchSizePx, k, count) - scale.kernelSizes.reduce((n, kk) => n + kk - 1, 0)) / 2);
    if (side < 1) throw new RangeError(`discriminator scale ${k}: its convolutions leave nothing to pool at ${config.patchSizePx}px patches`);
    const sizes = [side * side * scale.featureMaps[scale.featureMaps.length - 1], ...scale.fullyConnected];
    const dense = scale.fullyConnected.map((units, i) => {
      // With a variance-preserving initialisation the last layer starts at zero: D answers 0.5 to
      // everything, inside the output clip where gradients flow (random logits of that size land
      // beyond the clip, whose gradient is 0, and D never learns). The port's σ 0.01 gets 0.5 from
      // vanishing activations instead, and keeps its own init. With `discriminatorOutputStdDev`
      // its weights are small instead of zero, so the layers below learn from the first step.
      const last = i === scale.fullyConnected.length - 1 && config.initialization !== 'port';
      const [w, b] = initLayer({ ...init, prefix: `discriminator/scale${k}/fc${i}`, shape: [sizes[i], units], zero: last, zeroStdDev: config.discriminatorOutputStdDev });
      parameters.push(w, b);
      return { weights: w.variable, bias: b.variable };
    });
    return { convs, dense };
  });

  const clip = outputClip(config.discriminatorClip, config.discriminatorClipGradient);
  const activate = (x: tf.Tensor) => (config.discriminatorLeak > 0 ? tf.leakyRelu(x, config.discriminatorLeak) : tf.relu(x));
  const predict = (frames: readonly tf.Tensor4D[], history?: readonly tf.Tensor4D[]): tf.Tensor2D[] =>
    scales.map((scale, k) =>
      tf.tidy(() => {
        let x: tf.Tensor4D = config.conditionalDiscriminator ? tf.concat([requireHistory(history, k), frames[k]], 3) : frames[k];
        for (const conv of scale.convs) x = activate(tf.add(tf.conv2d(x, conv.weights as tf.Tensor4D, 1, 'valid'), conv.bias)) as tf.Tensor4D;
        x = tf.maxPool(x, 2, 2, 'valid');
        let h: tf.Tensor2D = tf.reshape(x, [x.shape[0], -1]);
        scale.dense.forEach((layer, i) => {
          const z = tf.add(tf.matMul(h, layer.weights as tf.Tensor2D), layer.bias) as tf.Tensor2D;
          h = i === scale.dense.length - 1 ? tf.sigmoid(z) : (activate(z) as tf.Tensor2D);
        });
        return clip(h);
      }),
    );

  return { config, parameters, predict, dispose: () => parameters.forEach((p) => p.variable.dispose()) };
}

function requireHistory(history: readonly tf.Tensor4D[] | undefined, k: number): tf.Tensor4D {
  if (!history) throw new Error('a conditional discriminator needs the history frames');
  return history[k];
}

/** The output clip, built once per discriminator: plain (no gradient beyond the range) or straight-through (`pass`). */
export function outputClip([low, high]: [number, number], gradient: DiscriminatorClipGradient): (p: tf.Tensor2D) => tf.Tensor2D {
  if (gradient === 'zero') return (p) => tf.clipByValue(p, low, high);
  const straightThrough = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
    const x = args[0] as tf.Tensor;
    return { value: tf.clipByValue(x, low, high), gradFunc: (dy: tf.Tensor | tf.Tensor[]) => [dy as tf.Tensor] };
  });
  return (p) => straightThrough(p) as tf.Tensor2D;
}
