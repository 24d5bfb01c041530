import { assertSameShape, type MetricImage, type PixelMask } from './metric-image';
import { PSNR_CAP_DB } from './psnr';

/** |∂x| + |∂y| of one channel at (x, y): differences with the next pixel right / below (0 on the last column / row). */
function gradientSum(image: MetricImage, x: number, y: number, k: number): number {
  const { data, width, height, channels: c } = image;
  const i = (y * width + x) * c + k;
  const dx = x + 1 < width ? Math.abs(data[i + c] - data[i]) : 0;
  const dy = y + 1 < height ? Math.abs(data[i + width * c] - data[i]) : 0;
  return dx + dy;
}

/**
 * Sharpness difference in dB (paper §4): 10·log10(MAX² / mean| (|∂x y| + |∂y y|) − (|∂x G| + |∂y G|) |),
 * MAX = 1, ∂ the difference with the next pixel to the right / below (0 on the last column / row),
 * the mean over (masked) pixels and channels. Higher is sharper-alike; identical gradients score
 * `PSNR_CAP_DB`, like PSNR. It compares gradients pixel by pixel, so a faded prediction (no edges)
 * can beat a sharp one a few pixels off: read it beside `sharpnessRatio`.
 */
export function sharpnessDifference(prediction: MetricImage, truth: MetricImage, options: { mask?: PixelMask } = {}): number {
  assertSameShape(prediction, truth);
  const { width, height, channels: c } = prediction;
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (options.mask && !options.mask[y * width + x]) continue;
      for (let k = 0; k < c; k++) sum += Math.abs(gradientSum(truth, x, y, k) - gradientSum(prediction, x, y, k));
      count += c;
    }
  }
  if (count === 0) return NaN;
  return Math.min(PSNR_CAP_DB, 10 * Math.log10(1 / (sum / count)));
}

/** Mean of |∂x| + |∂y| over pixels and channels (same differences as `sharpnessDifference`). */
export function meanGradient(image: MetricImage): number {
  let sum = 0;
  for (let y = 0; y < image.height; y++) for (let x = 0; x < image.width; x++) for (let k = 0; k < image.channels; k++) sum += gradientSum(image, x, y, k);
  return sum / (image.width * image.height * image.channels);
}

/**
 * How sharp a prediction is, on its own: its mean absolute image gradient over the true frame's.
 * 0 for a blank (flat) frame, below 1 when blurred or faded, about 1 for a real frame; NaN when
 * the truth is flat. Unlike the sharpness difference it does not care where the edges are.
 */
export function sharpnessRatio(prediction: MetricImage, truth: MetricImage): number {
  assertSameShape(prediction, truth);
  const reference = meanGradient(truth);
  return reference === 0 ? NaN : meanGradient(prediction) / reference;
}
