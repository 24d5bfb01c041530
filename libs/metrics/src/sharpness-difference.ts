import { assertSameShape, type MetricImage, type PixelMask } from './metric-image';

/**
 * Sharpness difference in dB (paper §4): 10·log10(MAX² / mean| (|∂x y| + |∂y y|) − (|∂x G| + |∂y G|) |),
 * MAX = 1, ∂ the difference with the next pixel to the right / below (0 on the last column / row),
 * the mean over (masked) pixels and channels. Higher is sharper-alike; identical images give Infinity.
 */
export function sharpnessDifference(prediction: MetricImage, truth: MetricImage, options: { mask?: PixelMask } = {}): number {
  assertSameShape(prediction, truth);
  const { width, height, channels: c } = prediction;
  const gradientSum = (data: Float32Array, x: number, y: number, k: number): number => {
    const i = (y * width + x) * c + k;
    const dx = x + 1 < width ? Math.abs(data[i + c] - data[i]) : 0;
    const dy = y + 1 < height ? Math.abs(data[i + width * c] - data[i]) : 0;
    return dx + dy;
  };
  let sum = 0;
  let count = 0;
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (options.mask && !options.mask[y * width + x]) continue;
      for (let k = 0; k < c; k++) sum += Math.abs(gradientSum(truth.data, x, y, k) - gradientSum(prediction.data, x, y, k));
      count += c;
    }
  }
  if (count === 0) return NaN;
  return 10 * Math.log10(1 / (sum / count));
}
