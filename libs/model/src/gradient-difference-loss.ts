import type { LossReduction } from './model-options';
import * as tf from '@tensorflow/tfjs-core';

/**
 * Gradient difference loss (paper eq. 5), α = `exponent`:
 * Σ | |∂x y| − |∂x G| |^α + | |∂y y| − |∂y G| |^α, with ∂ the difference of horizontally /
 * vertically adjacent pixels (inside the image: no padding; with `reduction` 'mean', each sum a
 * mean), averaged over the scales.
 * Tensors are NHWC.
 */
export function gradientDifferenceLoss(predictions: readonly tf.Tensor4D[], targets: readonly tf.Tensor4D[], exponent: number, reduction: LossReduction = 'sum'): tf.Scalar {
  return tf.tidy(() => {
    const reduce = reduction === 'mean' ? tf.mean : tf.sum;
    const perScale = predictions.map((p, k) => {
      const t = targets[k];
      const [gx, gy] = absoluteGradients(p);
      const [tx, ty] = absoluteGradients(t);
      return tf.add(reduce(tf.pow(tf.abs(tf.sub(tx, gx)), exponent)), reduce(tf.pow(tf.abs(tf.sub(ty, gy)), exponent)));
    });
    return tf.mean(tf.stack(perScale)) as tf.Scalar;
  });
}

/** |∂x| (`[B, H, W−1, C]`) and |∂y| (`[B, H−1, W, C]`). */
function absoluteGradients(x: tf.Tensor4D): [tf.Tensor4D, tf.Tensor4D] {
  const [b, h, w, c] = x.shape;
  const dx = tf.sub(tf.slice(x, [0, 0, 1, 0], [b, h, w - 1, c]), tf.slice(x, [0, 0, 0, 0], [b, h, w - 1, c]));
  const dy = tf.sub(tf.slice(x, [0, 1, 0, 0], [b, h - 1, w, c]), tf.slice(x, [0, 0, 0, 0], [b, h - 1, w, c]));
  return [tf.abs(dx) as tf.Tensor4D, tf.abs(dy) as tf.Tensor4D];
}
