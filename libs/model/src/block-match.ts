import * as tf from '@tensorflow/tfjs-core';

/** Added to a displacement's matching cost per squared pixel, so ties (flat regions) pick the shortest, 0 first. */
const LENGTH_PENALTY = 4e-4;
/** Added to the brightness weights' sum, so a dark region's flow shrinks towards 0 instead of dividing by 0. */
const SMOOTHING_FLOOR = 1e-4;

/**
 * Block matching: for each pixel p of `current` (`[B, H, W, 1]`), the displacement d with
 * |d_x|, |d_y| ≤ `radiusPx` that minimises the mean squared difference between `current` and
 * `previous` moved by d (`previous(q − d)`) over a `windowPx` × `windowPx` window around p, plus
 * a small penalty per squared pixel of d (a flat region, where every d matches, gets 0). Outside
 * `previous` counts as `outside` (black in [-1, 1] by default). Returns `[B, H, W, 2]`: d_x, d_y in
 * pixels, where `current` came from. Not differentiable (an input feature, like the frames).
 *
 * Each of the (2R + 1) rows of displacements is one slice of the padded frame and one
 * convolution with one-hot kernels (all horizontal shifts at once), so the cost is
 * O(B·H·W·(2R + 1)²) multiply-adds in ~6(2R + 1) ops.
 */
export function blockMatch(previous: tf.Tensor4D, current: tf.Tensor4D, radiusPx: number, windowPx: number, outside = -1): tf.Tensor4D {
  if (previous.shape.join() !== current.shape.join() || current.shape[3] !== 1) {
    throw new RangeError(`blockMatch: frames ${previous.shape.join('x')} and ${current.shape.join('x')} must both be BxHxWx1`);
  }
  const r = Math.round(radiusPx);
  const side = 2 * r + 1;
  const [, h, w] = current.shape;
  return tf.tidy(() => {
    const padded = tf.pad(previous, [[0, 0], [r, r], [r, r], [0, 0]], outside);
    // Channel j of the row convolution is previous shifted by d_x = r − j: out[x] = in[x + j].
    const shifts = tf.reshape(tf.cast(tf.oneHot(tf.range(0, side, 1, 'int32'), side), 'float32'), [1, side, 1, side]) as tf.Tensor4D;
    const costs: tf.Tensor4D[] = [];
    for (let dy = -r; dy <= r; dy++) {
      const rows = tf.slice(padded, [0, r - dy, 0, 0], [-1, h, w + 2 * r, -1]);
      const moved = tf.conv2d(rows as tf.Tensor4D, shifts, 1, 'valid');
      const error = tf.avgPool(tf.square(tf.sub(moved, current)) as tf.Tensor4D, windowPx, 1, 'same');
      const penalty = tf.tensor1d(Array.from({ length: side }, (_, j) => LENGTH_PENALTY * (dy * dy + (r - j) * (r - j))));
      costs.push(tf.add(error, penalty) as tf.Tensor4D);
    }
    const best = tf.argMin(tf.concat(costs, 3), 3);
    const dy = tf.sub(tf.floorDiv(best, side), r);
    const dx = tf.sub(r, tf.mod(best, side));
    return tf.cast(tf.stack([dx, dy], 3), 'float32') as tf.Tensor4D;
  });
}

/**
 * The constant-velocity flow a history shows (`ModelConfig.priorFlowSpan`): the displacement of
 * the last frame from the frame `span` steps before it (block matching on the frames' mean
 * channel), divided by `span`, so one step's motion with a fraction of a pixel. With
 * `smoothPx` > 0 each pixel then takes the mean of the flow over a `smoothPx`-wide square around
 * it, weighted by the last frame's brightness ([0, 1]): the pixels of one bright thing on a dark
 * ground move as one (a torn digit costs more than a slightly wrong speed). `history` is
 * `[B, H, W, 3·n]` in [-1, 1], oldest first, n > span.
 */
export function velocityFlow(history: tf.Tensor4D, span: number, radiusPx: number, windowPx: number, smoothPx = 0): tf.Tensor4D {
  const frames = history.shape[3] / 3;
  if (!Number.isInteger(span) || span < 1 || span >= frames) {
    throw new RangeError(`priorFlowSpan ${span} needs a whole number from 1 to ${frames - 1} for ${frames} input frames`);
  }
  return tf.tidy(() => {
    const grey = (i: number) => tf.mean(tf.slice(history, [0, 0, 0, 3 * i], [-1, -1, -1, 3]), 3, true) as tf.Tensor4D;
    const last = grey(frames - 1);
    const flow = tf.div(blockMatch(grey(frames - 1 - span), last, radiusPx * span, windowPx), span) as tf.Tensor4D;
    if (smoothPx <= 0) return flow;
    const weight = tf.mul(tf.add(last, 1), 0.5);
    const mean = (t: tf.Tensor4D) => tf.avgPool(t, smoothPx, 1, 'same');
    return tf.div(mean(tf.mul(flow, weight) as tf.Tensor4D), tf.add(mean(weight as tf.Tensor4D), SMOOTHING_FLOOR)) as tf.Tensor4D;
  });
}
