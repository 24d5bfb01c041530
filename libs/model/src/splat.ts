import * as tf from '@tensorflow/tfjs-core';
import type { SplatCoverage } from './model-options';
import { displacedGrid } from './warp';

/**
 * Forward warping (bilinear splatting): every source pixel `image[b, y, x]` is moved to
 * `(x + flow_x, y + flow_y)` and shared among the four pixels around that point by bilinear
 * weights; `out` is the sum of what lands on each pixel. `flow[..., 0]` is the horizontal and
 * `flow[..., 1]` the vertical displacement, in pixels, given at the *source* pixels (where the
 * moving thing is, unlike `warpBilinear`'s flow at the destination). What lands outside the
 * image is dropped; a pixel nothing lands on is 0; where two things land on one pixel they add.
 * Differentiable in both arguments with hand-written gradients (gathers of the output's gradient
 * at the four corners); a corner outside the image passes no gradient.
 */
export function splatBilinear(image: tf.Tensor4D, flow: tf.Tensor4D): tf.Tensor4D {
  if (flow.shape[3] !== 2 || flow.shape[0] !== image.shape[0] || flow.shape[1] !== image.shape[1] || flow.shape[2] !== image.shape[2]) {
    throw new RangeError(`splatBilinear: flow ${flow.shape.join('x')} must be image ${image.shape.slice(0, 3).join('x')}x2`);
  }
  return splat(image, flow);
}

/**
 * `splatBilinear` of `image` (pixels in [0, 1]) with each pixel's coverage c (the bilinear weight
 * that lands on it, `splatBilinear` of ones) treated as `coverage` says: `sum` as it is; `normalize`
 * divided by max(1, c), so what crowds onto one pixel averages instead of adding up; `fill` that
 * plus (1 − c) of `image`'s own value where c < 1, so a place nothing (or too little) lands on
 * keeps what was there instead of turning black. The image and its coverage are splatted together,
 * as one more channel of ones, so the corners and weights are computed once.
 */
export function splatCovered(image: tf.Tensor4D, flow: tf.Tensor4D, coverage: SplatCoverage): tf.Tensor4D {
  return tf.tidy(() => {
    if (coverage === 'sum') return splatBilinear(image, flow);
    const channels = image.shape[3];
    const ones = tf.onesLike(tf.slice(image, [0, 0, 0, 0], [-1, -1, -1, 1]));
    const both = splatBilinear(tf.concat([image, ones], 3) as tf.Tensor4D, flow);
    const carried = tf.slice(both, [0, 0, 0, 0], [-1, -1, -1, channels]);
    const landed = tf.slice(both, [0, 0, 0, channels], [-1, -1, -1, 1]);
    const averaged = tf.div(carried, tf.maximum(landed, 1)) as tf.Tensor4D;
    return coverage === 'fill' ? (tf.add(averaged, tf.mul(image, tf.relu(tf.sub(1, landed)))) as tf.Tensor4D) : averaged;
  });
}

/** The four pixels around each source pixel's target point, stacked along a leading axis of 4. */
interface Targets {
  /** Flat row indices into `[B·H·W, C]`, corner-major (`[4·B·H·W]`; clamped: see `weights`). */
  corners: tf.Tensor1D;
  /** Each corner's bilinear weight `[4, B, H, W, 1]`, 0 for a corner outside the image. */
  weights: tf.Tensor;
  /** d weight / d flow_x and d weight / d flow_y per corner (0 outside the image). */
  dx: tf.Tensor;
  dy: tf.Tensor;
}

function targets(shape: number[], flow: tf.Tensor4D): Targets {
  const [, h, w] = shape;
  const { x: tx, y: ty, base } = displacedGrid(shape, flow);
  const x0 = tf.floor(tx);
  const y0 = tf.floor(ty);
  const ax = tf.sub(tx, x0);
  const ay = tf.sub(ty, y0);
  const bx = tf.sub(1, ax);
  const by = tf.sub(1, ay);
  // Corners (x0, y0), (x1, y0), (x0, y1), (x1, y1): position, weight along each axis, and the sign of its derivative.
  const x = tf.stack([x0, tf.add(x0, 1), x0, tf.add(x0, 1)]);
  const y = tf.stack([y0, y0, tf.add(y0, 1), tf.add(y0, 1)]);
  const wx = tf.stack([bx, ax, bx, ax]);
  const wy = tf.stack([by, by, ay, ay]);
  const sign = (s: number[]) => tf.tensor5d(s, [4, 1, 1, 1, 1]);
  const inside = (v: tf.Tensor, size: number) => tf.logicalAnd(tf.greaterEqual(v, 0), tf.lessEqual(v, size - 1));
  const clampIndex = (v: tf.Tensor, size: number) => tf.cast(tf.clipByValue(v, 0, size - 1), 'int32');
  const valid = tf.cast(tf.logicalAnd(inside(x, w), inside(y, h)), 'float32');
  const index = tf.add(base, tf.add(tf.mul(clampIndex(y, h), tf.scalar(w, 'int32')), clampIndex(x, w)));
  return {
    corners: tf.reshape(index, [-1]) as tf.Tensor1D,
    weights: tf.mul(tf.mul(wx, wy), valid),
    dx: tf.mul(tf.mul(wy, sign([-1, 1, -1, 1])), valid),
    dy: tf.mul(tf.mul(wx, sign([-1, -1, 1, 1])), valid),
  };
}

const splat = tf.customGrad(((image: tf.Tensor, flow: tf.Tensor, save: tf.GradSaveFunc) => {
  const shape = image.shape as [number, number, number, number];
  const [b, h, w, c] = shape;
  const n = b * h * w;
  const t = targets(shape, flow as tf.Tensor4D);
  // One scatterND for the four corners; it sums what several source pixels send to one target pixel.
  const sent = tf.reshape(tf.mul(image, t.weights), [4 * n, c]);
  const value = tf.reshape(tf.scatterND(tf.expandDims(t.corners, 1), sent, [n, c]), shape) as tf.Tensor4D;
  save([image, flow]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [savedImage, savedFlow] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = targets(shape, savedFlow);
    // The output's gradient at each source pixel's four corners, `[4, B, H, W, C]`.
    const at = tf.reshape(tf.gather(tf.reshape(dy, [n, c]), g.corners), [4, b, h, w, c]);
    const gradImage = tf.sum(tf.mul(at, g.weights), 0);
    const dot = tf.sum(tf.mul(at, savedImage), 4, true);
    const gradX = tf.sum(tf.mul(dot, g.dx), 0);
    const gradY = tf.sum(tf.mul(dot, g.dy), 0);
    return [gradImage, tf.concat([gradX, gradY], 3)];
  };
  return { value, gradFunc };
  // customGrad's type lists inputs and the save function as one rest parameter.
}) as unknown as (...args: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor4D; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] }) as (image: tf.Tensor4D, flow: tf.Tensor4D) => tf.Tensor4D;
