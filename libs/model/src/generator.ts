import * as tf from '@tensorflow/tfjs-core';
import { scaleSize, type ModelConfig } from './model-config';
import { downsample } from './downsample';
import { initLayer, type Parameter } from './parameters';

export interface Generator {
  config: ModelConfig;
  parameters: Parameter[];
  /**
   * Per-scale predictions, coarsest first: scale k is `[B, H/2^(S−1−k), W/2^(S−1−k), 3]`.
   * `history` is `[B, H, W, 3·historyLength]` in [-1, 1], oldest frame first; H and W must be
   * multiples of 2^(S−1) (8 for 4 scales). `releaseEarly` (inference only: gradients need the
   * intermediates) frees each layer's input as soon as the next layer is computed, so peak memory
   * is about two layers' activations instead of a whole scale's.
   */
  predictScales(history: tf.Tensor4D, options?: { releaseEarly?: boolean }): tf.Tensor4D[];
  /** The finest prediction for frames of any size (reflect-padded to a multiple of 8, cropped back). */
  predict(history: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

interface ConvLayer {
  weights: tf.Variable;
  bias: tf.Variable;
}

/**
 * The multi-scale generator (paper §2, spec "Generator"): scale 0 sees the history resized to
 * its size; scale k > 0 sees it with the upsampled prediction of scale k − 1. SAME convolutions
 * with ReLU, the last of each scale tanh. With `residualScales`, scale k adds its output to the
 * upsampled coarser prediction (paper eq. 2).
 */
export function createGenerator(config: ModelConfig, seed: number): Generator {
  const parameters: Parameter[] = [];
  const scales: ConvLayer[][] = config.generator.map((scale, k) =>
    scale.kernelSizes.map((kernel, i) => {
      const [w, b] = initLayer({
        prefix: `generator/scale${k}/conv${i}`,
        shape: [kernel, kernel, scale.featureMaps[i], scale.featureMaps[i + 1]],
        initialization: config.initialization,
        stdDev: config.initStdDev,
        bias: config.initBias,
        seed,
        // A change-predicting scale starts by predicting no change.
        zero: config.predictChange && i === scale.kernelSizes.length - 1,
      });
      parameters.push(w, b);
      return { weights: w.variable, bias: b.variable };
    }),
  );
  const count = scales.length;
  const multiple = 2 ** (count - 1);

  const predictScales = (history: tf.Tensor4D, options: { releaseEarly?: boolean } = {}): tf.Tensor4D[] => {
    const [, height, width] = history.shape;
    if (height % multiple !== 0 || width % multiple !== 0) {
      throw new RangeError(`generator input ${height}x${width} must be a multiple of ${multiple} (use predict() for any size)`);
    }
    const outputs: tf.Tensor4D[] = [];
    let previous: tf.Tensor4D | undefined;
    const channels = history.shape[3];
    const sizeAt = (k: number): [number, number] => [scaleSize(height, k, count), scaleSize(width, k, count)];
    const lastFrameAt = (k: number) => tf.slice(downsample(history, sizeAt(k), config.downsampling), [0, 0, 0, channels - 3], [-1, -1, -1, 3]);
    scales.forEach((layers, k) => {
      const size = sizeAt(k);
      const out = tf.tidy(() => {
        const frames = k === count - 1 ? history : downsample(history, size, config.downsampling);
        const upsampled = previous ? tf.image.resizeBilinear(previous, size) : undefined;
        let x: tf.Tensor4D = upsampled ? tf.concat([frames, upsampled], 3) : frames;
        layers.forEach((layer, i) => {
          const layerOutput = () => {
            const z = tf.add(tf.conv2d(x, layer.weights as tf.Tensor4D, 1, 'same'), layer.bias) as tf.Tensor4D;
            if (i < layers.length - 1) return tf.relu(z);
            return config.predictChange && config.changeScale !== 1 ? (tf.mul(tf.tanh(z), config.changeScale) as tf.Tensor4D) : tf.tanh(z);
          };
          if (!options.releaseEarly) {
            x = layerOutput();
            return;
          }
          const next = tf.tidy(layerOutput);
          if (x !== history && x !== frames) x.dispose();
          x = next;
        });
        if (!config.predictChange) return config.residualScales && upsampled ? (tf.add(upsampled, x) as tf.Tensor4D) : x;
        // The change to the last frame; with residual scales it adds to the coarser scale's change.
        const coarserChange = config.residualScales && previous ? tf.image.resizeBilinear(tf.sub(previous, lastFrameAt(k - 1)) as tf.Tensor4D, size) : undefined;
        return tf.add(lastFrameAt(k), coarserChange ? tf.add(coarserChange, x) : x) as tf.Tensor4D;
      });
      outputs.push(out);
      previous = out;
    });
    return outputs;
  };

  const predict = (history: tf.Tensor4D): tf.Tensor4D =>
    tf.tidy(() => {
      const [, height, width] = history.shape;
      const padH = (multiple - (height % multiple)) % multiple;
      const padW = (multiple - (width % multiple)) % multiple;
      const padded = padH || padW ? tf.mirrorPad(history, [[0, 0], [0, padH], [0, padW], [0, 0]], padH < height && padW < width ? 'reflect' : 'symmetric') : history;
      const scalesOut = predictScales(padded, { releaseEarly: true });
      const finest = scalesOut[scalesOut.length - 1];
      return padH || padW ? tf.slice(finest, [0, 0, 0, 0], [-1, height, width, 3]) : finest;
    });

  return {
    config,
    parameters,
    predictScales,
    predict,
    dispose: () => parameters.forEach((p) => p.variable.dispose()),
  };
}
