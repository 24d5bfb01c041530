import * as tf from '@tensorflow/tfjs-core';

/** A normalised 1-D Gaussian of standard deviation `sigmaPx`, cut at ⌈3σ⌉ pixels each side. */
export function gaussianTaps(sigmaPx: number): number[] {
  if (!(sigmaPx > 0)) throw new RangeError(`gaussianTaps: sigma ${sigmaPx} must be > 0`);
  const radius = Math.max(1, Math.ceil(3 * sigmaPx));
  const taps = Array.from({ length: 2 * radius + 1 }, (_, i) => Math.exp(-((i - radius) ** 2) / (2 * sigmaPx * sigmaPx)));
  const sum = taps.reduce((a, b) => a + b, 0);
  return taps.map((t) => t / sum);
}

/**
 * `x` with `r` ≤ its size pixels mirrored onto each end of `axis` (`a b c` → `b a | a b c | c b`).
 * Written with slices so its gradient counts the mirrored copies: tf.mirrorPad's gradient keeps
 * only the centre's (tfjs-core's MirrorPad gradient is a slice).
 */
function mirror(x: tf.Tensor4D, axis: 1 | 2, r: number): tf.Tensor4D {
  const n = x.shape[axis];
  const part = (from: number) => tf.reverse(tf.slice(x, axis === 1 ? [0, from, 0, 0] : [0, 0, from, 0], axis === 1 ? [-1, r, -1, -1] : [-1, -1, r, -1]), axis);
  return tf.concat([part(0), x, part(n - r)], axis) as tf.Tensor4D;
}

/**
 * `image` (`[B, H, W, C]`) blurred by a Gaussian of σ `sigmaPx`, separably, each channel on its
 * own; the border is mirrored (a pixel's neighbours outside the image are its reflections), so
 * a flat image stays exactly flat. The kernel is cut at the image's size if it is larger.
 */
export function gaussianBlur(image: tf.Tensor4D, sigmaPx: number): tf.Tensor4D {
  const [, h, w, c] = image.shape;
  const taps = gaussianTaps(sigmaPx);
  const radius = Math.min((taps.length - 1) / 2, h, w);
  const cut = taps.slice((taps.length - 1) / 2 - radius, (taps.length - 1) / 2 + radius + 1);
  const sum = cut.reduce((a, b) => a + b, 0);
  const kernel = cut.map((t) => t / sum);
  return tf.tidy(() => {
    const padded = mirror(mirror(image, 1, radius), 2, radius);
    // Channels into the batch, so one plain convolution blurs each (wasm has no depthwise gradient).
    const [ph, pw] = [h + 2 * radius, w + 2 * radius];
    const planes = tf.reshape(tf.transpose(padded, [0, 3, 1, 2]), [-1, ph, pw, 1]) as tf.Tensor4D;
    const column = tf.reshape(tf.tensor1d(kernel), [kernel.length, 1, 1, 1]) as tf.Tensor4D;
    const row = tf.reshape(column, [1, kernel.length, 1, 1]) as tf.Tensor4D;
    const blurred = tf.conv2d(tf.conv2d(planes, column, 1, 'valid'), row, 1, 'valid');
    return tf.transpose(tf.reshape(blurred, [-1, c, h, w]), [0, 2, 3, 1]) as tf.Tensor4D;
  });
}

/**
 * The hedge of `ModelConfig.moveBlurPx`: each pixel of `image` blended towards its Gaussian blur
 * by how far `flow` (`[B, H, W, 2]`, pixels) moves it, min(1, |flow|²): a pixel that moves a
 * pixel or more per step is fully blurred, a still one (|flow| = 0) is exactly kept. Under an Lp
 * loss a moving edge whose speed is known only to a fraction of a pixel is best predicted a
 * little soft, and the softness must grow with every recursion step, which feeding the blurred
 * frame back gives; still content (a fixed camera's background) must stay untouched, or a frame
 * that repeats exactly loses to copying it by tens of dB.
 */
export function blurMoving(image: tf.Tensor4D, flow: tf.Tensor4D, sigmaPx: number): tf.Tensor4D {
  if (flow.shape[3] !== 2 || flow.shape.slice(0, 3).join() !== image.shape.slice(0, 3).join()) {
    throw new RangeError(`blurMoving: flow ${flow.shape.join('x')} must be image ${image.shape.slice(0, 3).join('x')}x2`);
  }
  return tf.tidy(() => {
    const weight = tf.minimum(tf.sum(tf.square(flow), 3, true), 1);
    return tf.add(image, tf.mul(weight, tf.sub(gaussianBlur(image, sigmaPx), image))) as tf.Tensor4D;
  });
}
