import * as tf from '@tensorflow/tfjs-core';
import { createGenerator } from './generator';
import { parseStoredModelConfig } from './model-config-schema';

/** A generator rebuilt from exported weights: the finest scale's prediction of a padded batch. */
export interface LoadedGenerator {
  /** `[B, H, W, 3·historyLength]` in [-1, 1], H and W multiples of 2^(scales − 1) → `[B, H, W, 3]`. */
  predict(batch: tf.Tensor4D): tf.Tensor4D;
  dispose(): void;
}

/**
 * The generator of `config` with the weights of an export (`model/weights.bin` decoded by
 * `tf.io.decodeWeights`, named by parameter key). This is what `nextframe export` bundles for a
 * generator no standard TF.js layer can express (a flow, its constant-velocity prior, splatting):
 * the page runs nextframe's own code, so its predictions are nextframe's.
 */
export function generatorFromWeights(config: unknown, weights: tf.NamedTensorMap): LoadedGenerator {
  const generator = createGenerator(parseStoredModelConfig(config), 0);
  try {
    for (const p of generator.parameters) {
      const stored = weights[p.key];
      if (!stored) throw new RangeError(`the exported weights have no ${p.key}`);
      if (stored.shape.join('x') !== p.variable.shape.join('x')) throw new RangeError(`${p.key} is ${stored.shape.join('x')} in the export but ${p.variable.shape.join('x')} in the model`);
      p.variable.assign(stored as tf.Tensor);
    }
  } catch (error) {
    generator.dispose();
    throw error;
  }
  return {
    predict: (batch) => {
      const scales = generator.predictScales(batch, { releaseEarly: true });
      const finest = scales.pop() as tf.Tensor4D;
      tf.dispose(scales);
      return finest;
    },
    dispose: () => generator.dispose(),
  };
}
