import * as tf from '@tensorflow/tfjs-core';

/**
 * Backward warping with bilinear sampling: `out[b, y, x] = image[b, y + flow_y, x + flow_x]`,
 * `flow[..., 0]` the horizontal and `flow[..., 1]` the vertical displacement in pixels, sample
 * positions clamped to the image (its border pixels repeat). Differentiable in both arguments
 * with hand-written gradients: TF.js's own gradient of the index arithmetic stops at `gather`'s
 * integer indices. A position clamped at the border gets no gradient along that axis.
 */
export function warpBilinear(image: tf.Tensor4D, flow: tf.Tensor4D): tf.Tensor4D {
  if (flow.shape[3] !== 2 || flow.shape[0] !== image.shape[0] || flow.shape[1] !== image.shape[1] || flow.shape[2] !== image.shape[2]) {
    throw new RangeError(`warpBilinear: flow ${flow.shape.join('x')} must be image ${image.shape.slice(0, 3).join('x')}x2`);
  }
  return warp(image, flow);
}

interface Sampling {
  /** Flat row indices into `[B·H·W, C]` of the four neighbours, each `[B·H·W]` int32. */
  corners: [tf.Tensor1D, tf.Tensor1D, tf.Tensor1D, tf.Tensor1D];
  /** Fractional offsets `[B, H, W, 1]` and whether each axis is inside the image (gradient mask). */
  wx: tf.Tensor4D;
  wy: tf.Tensor4D;
  insideX: tf.Tensor4D;
  insideY: tf.Tensor4D;
}

/**
 * Each pixel's position moved by the flow (`x + flow_x`, `y + flow_y`, each `[B, H, W, 1]`) and
 * the flat row index of each batch item's first pixel (`[B, 1, 1, 1]` int32), for the warps.
 */
export function displacedGrid(shape: number[], flow: tf.Tensor4D): { x: tf.Tensor4D; y: tf.Tensor4D; base: tf.Tensor4D } {
  const [b, h, w] = shape;
  const [fx, fy] = tf.split(flow, 2, 3) as [tf.Tensor4D, tf.Tensor4D];
  return {
    x: tf.add(tf.reshape(tf.range(0, w, 1, 'float32'), [1, 1, w, 1]), fx) as tf.Tensor4D,
    y: tf.add(tf.reshape(tf.range(0, h, 1, 'float32'), [1, h, 1, 1]), fy) as tf.Tensor4D,
    base: tf.reshape(tf.mul(tf.range(0, b, 1, 'int32'), tf.scalar(h * w, 'int32')), [b, 1, 1, 1]) as tf.Tensor4D,
  };
}

function sampling(shape: number[], flow: tf.Tensor4D): Sampling {
  const [, h, w] = shape;
  const int = (v: number) => tf.scalar(v, 'int32');
  const { x: rawX, y: rawY, base } = displacedGrid(shape, flow);
  const sx = tf.clipByValue(rawX, 0, w - 1);
  const sy = tf.clipByValue(rawY, 0, h - 1);
  const x0 = tf.floor(sx);
  const y0 = tf.floor(sy);
  const x0i = tf.cast(x0, 'int32');
  const y0i = tf.cast(y0, 'int32');
  const x1i = tf.minimum(tf.add(x0i, int(1)), int(w - 1));
  const y1i = tf.minimum(tf.add(y0i, int(1)), int(h - 1));
  const index = (yi: tf.Tensor, xi: tf.Tensor) => tf.reshape(tf.add(base, tf.add(tf.mul(yi, int(w)), xi)), [-1]) as tf.Tensor1D;
  const inside = (raw: tf.Tensor4D, size: number) => tf.cast(tf.logicalAnd(tf.greaterEqual(raw, 0), tf.lessEqual(raw, size - 1)), 'float32') as tf.Tensor4D;
  return {
    corners: [index(y0i, x0i), index(y0i, x1i), index(y1i, x0i), index(y1i, x1i)],
    wx: tf.sub(sx, x0) as tf.Tensor4D,
    wy: tf.sub(sy, y0) as tf.Tensor4D,
    insideX: inside(rawX, w),
    insideY: inside(rawY, h),
  };
}

const warp = tf.customGrad(((image: tf.Tensor, flow: tf.Tensor, save: tf.GradSaveFunc) => {
  const shape = image.shape;
  const [b, h, w, c] = shape;
  const s = sampling(shape, flow as tf.Tensor4D);
  const flat = tf.reshape(image, [b * h * w, c]);
  const [i00, i01, i10, i11] = s.corners.map((i) => tf.reshape(tf.gather(flat, i), [b, h, w, c]) as tf.Tensor4D);
  const top = tf.add(i00, tf.mul(tf.sub(i01, i00), s.wx));
  const bottom = tf.add(i10, tf.mul(tf.sub(i11, i10), s.wx));
  const value = tf.add(top, tf.mul(tf.sub(bottom, top), s.wy)) as tf.Tensor4D;
  save([image, flow]);
  const gradFunc = (dy: tf.Tensor, saved: tf.Tensor[]): tf.Tensor[] => {
    const [savedImage, savedFlow] = saved as [tf.Tensor4D, tf.Tensor4D];
    const g = sampling(shape, savedFlow);
    const f = tf.reshape(savedImage, [b * h * w, c]);
    const [g00, g01, g10, g11] = g.corners.map((i) => tf.reshape(tf.gather(f, i), [b, h, w, c]));
    const oneMinus = (t: tf.Tensor) => tf.sub(1, t);
    // d out / d x = (1 − wy)(I01 − I00) + wy (I11 − I10); d out / d y = (1 − wx)(I10 − I00) + wx (I11 − I01).
    const dx = tf.add(tf.mul(oneMinus(g.wy), tf.sub(g01, g00)), tf.mul(g.wy, tf.sub(g11, g10)));
    const dyy = tf.add(tf.mul(oneMinus(g.wx), tf.sub(g10, g00)), tf.mul(g.wx, tf.sub(g11, g01)));
    const gradX = tf.mul(tf.sum(tf.mul(dy, dx), 3, true), g.insideX);
    const gradY = tf.mul(tf.sum(tf.mul(dy, dyy), 3, true), g.insideY);
    // Each output pixel's gradient goes back to its four source pixels, by their weights (scatterND sums repeats).
    const weights = [tf.mul(oneMinus(g.wx), oneMinus(g.wy)), tf.mul(g.wx, oneMinus(g.wy)), tf.mul(oneMinus(g.wx), g.wy), tf.mul(g.wx, g.wy)];
    const gradImage = g.corners
      .map((i, k) => tf.scatterND(tf.expandDims(i, 1), tf.reshape(tf.mul(dy, weights[k]), [b * h * w, c]), [b * h * w, c]))
      .reduce((sum, t) => tf.add(sum, t));
    return [tf.reshape(gradImage, shape), tf.concat([gradX, gradY], 3)];
  };
  return { value, gradFunc };
  // customGrad's type lists inputs and the save function as one rest parameter.
}) as unknown as (...args: (tf.Tensor | tf.GradSaveFunc)[]) => { value: tf.Tensor4D; gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => tf.Tensor[] }) as (image: tf.Tensor4D, flow: tf.Tensor4D) => tf.Tensor4D;
