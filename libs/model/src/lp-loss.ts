import type { LossReduction } from './model-options';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Lp loss (paper eq. 1): Σ |G(x) − y|^p over every pixel of a scale (the mean with `reduction`
 * 'mean'), averaged over the scales.
 * `predictions[k]` and `targets[k]` have the same shape.
 */
export function lpLoss(predictions: readonly tf.Tensor[], targets: readonly tf.Tensor[], exponent: number, reduction: LossReduction = 'sum'): tf.Scalar {
  return tf.tidy(() => {
    const reduce = reduction === 'mean' ? tf.mean : tf.sum;
    const perScale = predictions.map((p, k) => reduce(tf.pow(tf.abs(tf.sub(p, targets[k])), exponent)));
    return tf.mean(tf.stack(perScale)) as tf.Scalar;
  });
}
