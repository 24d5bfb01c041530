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
 * keeps what was there instead of turning black.
 */
export function splatCovered(image: tf.Tensor4D, flow: tf.Tensor4D, coverage: SplatCoverage): tf.Tensor4D {
  return tf.tidy(() => {
    const carried = splatBilinear(image, flow);
    if (coverage === 'sum') return carried;
    const landed = splatBilinear(tf.onesLike(tf.slice(image, [0, 0, 0, 0], [-1, -1, -1, 1])) as tf.Tensor4D, flow);
    const averaged = tf.div(carried, tf.maximum(landed, 1)) as tf.Tensor4D;
    return coverage === 'fill' ? (tf.add(averaged, tf.mul(image, tf.relu(tf.sub(1, landed)))) as tf.Tensor4D) : averaged;
  });
}

interface Targets {
  /** Flat row indices into `[B·H·W, C]` of the four pixels around each target point (clamped: see `weights`). */
  corners: tf.Tensor1D[];
  /** Each corner's bilinear weight `[B, H, W, 1]`, 0 for a corner outside the image. */
  weights: tf.Tensor4D[];
  /** d weight / d flow_x and d weight / d flow_y per corner (0 outside the image). */
  dx: tf.Tensor4D[];
  dy: tf.Tensor4D[];
}

function targets(shape: number[], flow: tf.Tensor4D): Targets {
  const [, h, w] = shape;
  const int = (v: number) => tf.scalar(v, 'int32');
  const { x: tx, y: ty, base } = displacedGrid(shape, flow);
  const x0 = tf.floor(tx);
  const y0 = tf.floor(ty);
  const ax = tf.sub(tx, x0);
  const ay = tf.sub(ty, y0);
  const x1 = tf.add(x0, 1);
  const y1 = tf.add(y0, 1);
  const inside = (v: tf.Tensor, size: number) => tf.logicalAnd(tf.greaterEqual(v, 0), tf.lessEqual(v, size - 1));
  const clampIndex = (v: tf.Tensor, size: number) => tf.cast(tf.clipByValue(v, 0, size - 1), 'int32');
  const one = tf.onesLike(ax);
  // Corners (x0, y0), (x1, y0), (x0, y1), (x1, y1): weight along x and its derivative, the same along y.
  const along = [
    { x: x0, y: y0, wx: tf.sub(one, ax), wy: tf.sub(one, ay), sx: -1, sy: -1 },
    { x: x1, y: y0, wx: ax, wy: tf.sub(one, ay), sx: 1, sy: -1 },
    { x: x0, y: y1, wx: tf.sub(one, ax), wy: ay, sx: -1, sy: 1 },
    { x: x1, y: y1, wx: ax, wy: ay, sx: 1, sy: 1 },
  ];
  const result: Targets = { corners: [], weights: [], dx: [], dy: [] };
  for (const c of along) {
    const valid = tf.cast(tf.logicalAnd(inside(c.x, w), inside(c.y, h)), 'float32');
    result.corners.push(tf.reshape(tf.add(base, tf.add(tf.mul(clampIndex(c.y, h), int(w)), clampIndex(c.x, w))), [-1]) as tf.Tensor1D);
    result.weights.push(tf.mul(tf.mul(c.wx, c.wy), valid) as tf.Tensor4D);
    result.dx.push(tf.mul(tf.mul(c.wy, c.sx), valid) as tf.Tensor4D);
    result.dy.push(tf.mul(tf.mul(c.wx, c.sy), valid) as tf.Tensor4D);
  }
  return result;
}

const splat = tf.customGrad(((image: tf.Tensor, flow: tf.Tensor, save: tf.GradSaveFunc) => {
  const shape = image.shape as [number, number, number, number];
  const [b, h, w, c] = shape;
  const n = b * h * w;
  const t = targets(shape, flow as tf.Tensor4D);
  // scatterND sums what several source pixels send to one target pixel.
  const value = tf.reshape(
    t.corners.map((i, k) => tf.scatterND(tf.expandDims(i, 1), tf.reshape(tf.mul(image, t.weights[k]), [n, c]), [n, c])).reduce((sum, x) => tf.add(sum, x)),
    shape,
  ) as tf.Tensor4D;
  save([image, flow]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [savedImage, savedFlow] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = targets(shape, savedFlow);
    const flat = tf.reshape(dy, [n, c]);
    // The output's gradient at each source pixel's four corners.
    const at = g.corners.map((i) => tf.reshape(tf.gather(flat, i), [b, h, w, c]));
    const sum = (terms: tf.Tensor[]) => terms.reduce((a, x) => tf.add(a, x));
    const gradImage = sum(at.map((a, k) => tf.mul(a, g.weights[k])));
    const dot = at.map((a) => tf.sum(tf.mul(a, savedImage), 3, true));
    const gradX = sum(dot.map((d, k) => tf.mul(d, g.dx[k])));
    const gradY = sum(dot.map((d, k) => tf.mul(d, g.dy[k])));
    return [gradImage, tf.concat([gradX, gradY], 3)];
  };
  return { value, gradFunc };
  // customGrad's type lists inputs and the save function as one rest parameter.
}) as unknown as (...args: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor4D; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] }) as (image: tf.Tensor4D, flow: tf.Tensor4D) => tf.Tensor4D;
