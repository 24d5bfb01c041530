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

/** Targets this close to an end of [-1, 1] (within one 8-bit level) count as at the end. */
const END = 1 - 1 / 127.5;

/**
 * `prediction` with its overshoot past targets at an end of the pixel range clipped away (`freeOvershoot`):
 * where the target is black (white) and the prediction below −1 (above 1), it is taken as −1 (1),
 * with no gradient; everywhere else it is unchanged.
 */
export function releaseOvershoot(prediction: tf.Tensor, target: tf.Tensor): tf.Tensor {
  // The masks depend on the target only; max/min pass the gradient only inside the range.
  return tf.tidy(() => tf.where(tf.lessEqual(target, -END), tf.maximum(prediction, -1), tf.where(tf.greaterEqual(target, END), tf.minimum(prediction, 1), prediction)));
}
