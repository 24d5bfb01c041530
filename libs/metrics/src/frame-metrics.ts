import type { MetricImage, PixelMask } from './metric-image';
import { psnr, PSNR_CAP_DB } from './psnr';
import { sharpnessDifference, sharpnessRatio } from './sharpness-difference';
import { ssim } from './ssim';

export interface FrameMetrics {
  /** PSNR, standard convention ([0, 1] pixels), dB. */
  psnr: number;
  /** PSNR in the TensorFlow port's convention ([-1, 1] pixels, 6.02 dB lower), for comparison. */
  psnrPort: number;
  sharpnessDifference: number;
  /** The prediction's mean absolute image gradient over the truth's (0 blank, < 1 blurred, ≈ 1 real). */
  sharpnessRatio: number;
  /** The prediction's brightest value in [0, 1] (a prediction that faded to black scores ~0). */
  brightest: number;
  ssim: number;
  /** SSIM is NaN for frames smaller than its 11×11 window. */
  /** The same inside the moving-pixel mask, when one is given. */
  moving?: { psnr: number; sharpnessDifference: number; ssim: number; pixels: number };
}

/** Every metric of one predicted frame against the true one. */
export function frameMetrics(prediction: MetricImage, truth: MetricImage, options: { mask?: PixelMask } = {}): FrameMetrics {
  const out: FrameMetrics = {
    psnr: psnr(prediction, truth),
    psnrPort: psnr(prediction, truth, { convention: 'port' }),
    sharpnessDifference: sharpnessDifference(prediction, truth),
    sharpnessRatio: sharpnessRatio(prediction, truth),
    brightest: prediction.data.reduce((m, v) => (v > m ? v : m), 0),
    ssim: fitsWindow(truth) ? ssim(prediction, truth) : NaN,
  };
  if (options.mask) {
    out.moving = {
      psnr: psnr(prediction, truth, { mask: options.mask }),
      sharpnessDifference: sharpnessDifference(prediction, truth, { mask: options.mask }),
      ssim: fitsWindow(truth) ? ssim(prediction, truth, { mask: options.mask }) : NaN,
      pixels: options.mask.reduce((n, v) => n + (v ? 1 : 0), 0),
    };
  }
  return out;
}

function fitsWindow(image: MetricImage): boolean {
  return image.width >= 11 && image.height >= 11;
}

export interface Summary {
  mean: number;
  std: number;
  /** Values that were finite (empty masks give NaN, a flat truth a NaN sharpness ratio). */
  count: number;
  /** Values at `PSNR_CAP_DB` (perfect frames), counted in the mean at the cap. */
  perfect?: number;
}

/** Mean and standard deviation of the finite values. */
export function summarize(values: readonly number[]): Summary {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return { mean: NaN, std: NaN, count: 0 };
  const mean = finite.reduce((a, b) => a + b, 0) / finite.length;
  const std = Math.sqrt(finite.reduce((a, b) => a + (b - mean) ** 2, 0) / finite.length);
  const perfect = finite.filter((v) => v >= PSNR_CAP_DB).length;
  return { mean, std, count: finite.length, ...(perfect ? { perfect } : {}) };
}
