import * as tf from '@tensorflow/tfjs-core';
import type { Downsampling } from './model-config';

/**
 * `images` (`[B, H, W, C]`) shrunk to `size`. `area` at an exact integer factor averages each
 * factor × factor block (other sizes fall back to bilinear); `bilinear` is `resizeBilinear`,
 * which at exact factors of 2 samples one pixel per block.
 */
export function downsample(images: tf.Tensor4D, size: [number, number], mode: Downsampling): tf.Tensor4D {
  const [, height, width] = images.shape;
  if (height === size[0] && width === size[1]) return images;
  const factor = height / size[0];
  if (mode === 'area' && Number.isInteger(factor) && factor === width / size[1]) return tf.avgPool(images, factor, factor, 'valid');
  return tf.image.resizeBilinear(images, size);
}
