import { assertSameShape, type MetricImage, type PixelMask } from './metric-image';

export type PsnrConvention = 'standard' | 'port';

/**
 * PSNR never exceeds this (dB): identical frames (MSE 0, PSNR infinite) score it, so a perfect
 * prediction counts in a mean instead of being dropped from it. 100 dB is an MSE of 1e-10, far
 * below one 8-bit step (PSNR ≈ 58.9 dB for an error of 1/255 in every pixel).
 */
export const PSNR_CAP_DB = 100;

/**
 * Peak signal-to-noise ratio in dB: 10·log10(MAX² / MSE), pixels in [0, 1] and MAX = 1 (the
 * standard convention). `port` gives the TensorFlow port's number, 10·log10(1 / MSE) with pixels
 * in [-1, 1], which reads 20·log10(2) ≈ 6.02 dB lower. Capped at `PSNR_CAP_DB` (identical images
 * score exactly the cap). With a mask, only masked pixels count (NaN when none is).
 */
export function psnr(prediction: MetricImage, truth: MetricImage, options: { convention?: PsnrConvention; mask?: PixelMask } = {}): number {
  const mse = meanSquaredError(prediction, truth, options.mask);
  const scaled = options.convention === 'port' ? 4 * mse : mse;
  return Number.isNaN(scaled) ? NaN : Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / scaled));
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
