import * as tf from '@tensorflow/tfjs-core';

/**
 * What every prediction path shares — training rollouts, the recursive test, evaluate, export —
 * written once: the networks' pixel range, the mirror padding to the coarsest scale's stride,
 * and how a prediction is fed back as the next input. (The exported web page has its own copy in
 * JavaScript, apps/export/web/frames.js and predict.js; its Chromium spec checks it predicts what
 * these give.)
 */

/** An 8-bit RGB frame, row-major, 3 bytes a pixel (structurally `@nextframe/media`'s RgbImage). */
export interface Frame8 {
  data: Uint8Array;
  width: number;
  height: number;
}

/** Half the 8-bit range: a byte v is v / 127.5 − 1 in the networks' [-1, 1]. */
export const PIXEL_HALF_RANGE = 127.5;

/** An 8-bit frame as the networks see it: `[H, W, 3]` in [-1, 1]. */
export function frameToTensor(frame: Frame8): tf.Tensor3D {
  return tf.tidy(() => tf.sub(tf.div(tf.tensor3d(frame.data, [frame.height, frame.width, 3], 'float32'), PIXEL_HALF_RANGE), 1) as tf.Tensor3D);
}

/** A `[H, W, 3]` tensor in [-1, 1] as an 8-bit frame: rounded to the nearest level, clipped to 0…255. */
export function tensorToFrame(image: tf.Tensor3D): Frame8 {
  const [height, width] = image.shape;
  const levels = tf.tidy(() => tf.cast(tf.clipByValue(tf.round(tf.mul(tf.add(image, 1), PIXEL_HALF_RANGE)), 0, 255), 'int32'));
  const data = Uint8Array.from(levels.dataSync());
  levels.dispose();
  return { data, width, height };
}

/**
 * `x` (`[H, W, C]` or `[B, H, W, C]`) mirrored at its bottom and right edges up to multiples of
 * `multiple` (the coarsest scale's stride), so every scale has whole pixels: `reflect` (the edge
 * row not repeated) where the frame is larger than the padding, else `symmetric`. Crop the
 * prediction back with `cropTo`.
 */
export function padToMultiple<T extends tf.Tensor3D | tf.Tensor4D>(x: T, multiple: number): T {
  const batched = x.rank === 4;
  const [height, width] = batched ? x.shape.slice(1, 3) : x.shape.slice(0, 2);
  const padH = (multiple - (height % multiple)) % multiple;
  const padW = (multiple - (width % multiple)) % multiple;
  if (!padH && !padW) return x;
  const spatial: [number, number][] = [[0, padH], [0, padW], [0, 0]];
  const mode = padH < height && padW < width ? 'reflect' : 'symmetric';
  return tf.mirrorPad(x, batched ? [[0, 0], ...spatial] : spatial, mode) as T;
}

/** The top-left `height × width` of `x` (`[H, W, C]` or `[B, H, W, C]`): undoes `padToMultiple`. */
export function cropTo<T extends tf.Tensor3D | tf.Tensor4D>(x: T, height: number, width: number): T {
  const batched = x.rank === 4;
  const [h, w] = batched ? x.shape.slice(1, 3) : x.shape.slice(0, 2);
  if (h === height && w === width) return x;
  return (batched ? tf.slice(x, [0, 0, 0, 0], [-1, height, width, -1]) : tf.slice(x, [0, 0, 0], [height, width, -1])) as T;
}

/** A prediction as the next input: clipped to [-1, 1] with `clipFeedback`, else as it is. */
export function feedBackFrame<T extends tf.Tensor>(frame: T, clip: boolean): T {
  return clip ? (tf.clipByValue(frame, -1, 1) as T) : frame;
}

/** The history for the next recursion step (`[B, H, W, 3·history]`): drop the oldest frame, append `frame` (fed back with `feedBackFrame`). */
export function feedBack(history: tf.Tensor4D, frame: tf.Tensor4D, clip: boolean): tf.Tensor4D {
  const [b, h, w, c] = history.shape;
  return tf.concat([tf.slice(history, [0, 0, 0, 3], [b, h, w, c - 3]), feedBackFrame(frame, clip)], 3);
}
