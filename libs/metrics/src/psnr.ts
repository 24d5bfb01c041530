import { assertSameShape, type MetricImage, type PixelMask } from './metric-image';

export type PsnrConvention = 'standard' | 'port';

/**
 * Peak signal-to-noise ratio in dB: 10·log10(MAX² / MSE), pixels in [0, 1] and MAX = 1 (the
 * standard convention). `port` gives the TensorFlow port's number, 10·log10(1 / MSE) with pixels
 * in [-1, 1], which reads 20·log10(2) ≈ 6.02 dB lower. Identical images give Infinity. With a
 * mask, only masked pixels count (NaN when none is).
 */
export function psnr(prediction: MetricImage, truth: MetricImage, options: { convention?: PsnrConvention; mask?: PixelMask } = {}): number {
  const mse = meanSquaredError(prediction, truth, options.mask);
  const scaled = options.convention === 'port' ? 4 * mse : mse;
  return 10 * Math.log10(1 / scaled);
}

/** Mean of squared differences over (masked) pixels and channels. */
export function meanSquaredError(prediction: MetricImage, truth: MetricImage, mask?: PixelMask): number {
  assertSameShape(prediction, truth);
  const c = prediction.channels;
  let sum = 0;
  let count = 0;
  for (let p = 0; p < prediction.width * prediction.height; p++) {
    if (mask && !mask[p]) continue;
    for (let k = p * c; k < p * c + c; k++) {
      const d = prediction.data[k] - truth.data[k];
      sum += d * d;
    }
    count += c;
  }
  return count === 0 ? NaN : sum / count;
}
