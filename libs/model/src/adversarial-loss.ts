import type { LossReduction } from './model-options';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Binary cross-entropy of probabilities `p` (`[B, 1]`, already clipped away from 0 and 1) against
 * a constant label, summed over the batch (as the port sums it, so its scale matches the summed
 * Lp and GDL terms): −Σ [label·ln p + (1 − label)·ln(1 − p)]. The port used log10, a constant
 * factor 1/ln 10 smaller.
 */
export function binaryCrossEntropy(p: tf.Tensor, label: 0 | 1, reduction: LossReduction = 'sum'): tf.Scalar {
  return tf.tidy(() => tf.neg((reduction === 'mean' ? tf.mean : tf.sum)(label === 1 ? tf.log(p) : tf.log(tf.sub(1, p)))) as tf.Scalar);
}

/** Generator's adversarial term (paper eq. 4): BCE of D(G(x)) against 1, averaged over scales. */
export function adversarialLoss(fakePredictions: readonly tf.Tensor[], reduction: LossReduction = 'sum'): tf.Scalar {
  return tf.tidy(() => tf.mean(tf.stack(fakePredictions.map((p) => binaryCrossEntropy(p, 1, reduction)))) as tf.Scalar);
}

/** Discriminator loss (paper eq. 3): BCE of D(real) against 1 plus D(G(x)) against 0, averaged over scales. */
export function discriminatorLoss(realPredictions: readonly tf.Tensor[], fakePredictions: readonly tf.Tensor[], reduction: LossReduction = 'sum'): tf.Scalar {
  return tf.tidy(
    () =>
      tf.mean(
        tf.stack(realPredictions.map((real, k) => tf.add(binaryCrossEntropy(real, 1, reduction), binaryCrossEntropy(fakePredictions[k], 0, reduction)))),
      ) as tf.Scalar,
  );
}
