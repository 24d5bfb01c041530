import { assertSameShape, type MetricImage, type PixelMask } from './metric-image';

const WINDOW = 11;
const SIGMA = 1.5;
const C1 = 0.01 ** 2;
const C2 = 0.03 ** 2;

/** The normalised 1-D Gaussian (11 taps, σ = 1.5); the 2-D window is its outer product. */
export function gaussianWindow(size = WINDOW, sigma = SIGMA): Float64Array {
  const half = (size - 1) / 2;
  const w = Float64Array.from({ length: size }, (_, i) => Math.exp(-((i - half) ** 2) / (2 * sigma * sigma)));
  const total = w.reduce((a, b) => a + b, 0);
  return w.map((v) => v / total);
}

/**
 * Structural similarity (Wang et al. 2004) as most libraries compute it: 11×11 Gaussian window,
 * σ = 1.5, K1 = 0.01, K2 = 0.03, data range 1, per channel, averaged over the positions where the
 * window fits inside the image (and, with a mask, whose centre pixel is masked) and over channels.
 */
export function ssim(prediction: MetricImage, truth: MetricImage, options: { mask?: PixelMask } = {}): number {
  assertSameShape(prediction, truth);
  const { width, height, channels: c } = prediction;
  if (width < WINDOW || height < WINDOW) throw new RangeError(`SSIM needs images of at least ${WINDOW}x${WINDOW}, got ${width}x${height}`);
  const g = gaussianWindow();
  const half = (WINDOW - 1) / 2;
  let total = 0;
  let count = 0;
  for (let k = 0; k < c; k++) {
    const x = channel(prediction.data, c, k);
    const y = channel(truth.data, c, k);
    const products = (f: (a: number, b: number) => number) => Float64Array.from(x, (v, i) => f(v, y[i]));
    const [mx, my, mxx, myy, mxy] = [x, y, products((a) => a * a), products((_, b) => b * b), products((a, b) => a * b)].map((plane) =>
      filterValid(plane, width, height, g),
    );
    const validW = width - WINDOW + 1;
    for (let vy = 0; vy < height - WINDOW + 1; vy++) {
      for (let vx = 0; vx < validW; vx++) {
        if (options.mask && !options.mask[(vy + half) * width + (vx + half)]) continue;
        const i = vy * validW + vx;
        const sx = mxx[i] - mx[i] * mx[i];
        const sy = myy[i] - my[i] * my[i];
        const sxy = mxy[i] - mx[i] * my[i];
        total += ((2 * mx[i] * my[i] + C1) * (2 * sxy + C2)) / ((mx[i] * mx[i] + my[i] * my[i] + C1) * (sx + sy + C2));
        count++;
      }
    }
  }
  return count === 0 ? NaN : total / count;
}

function channel(data: Float32Array, channels: number, k: number): Float64Array {
  const out = new Float64Array(data.length / channels);
  for (let i = 0; i < out.length; i++) out[i] = data[i * channels + k];
  return out;
}

/** Separable Gaussian filtering, keeping only positions where the whole window fits. */
function filterValid(plane: Float64Array, width: number, height: number, g: Float64Array): Float64Array {
  const n = g.length;
  const validW = width - n + 1;
  const validH = height - n + 1;
  const rows = new Float64Array(height * validW);
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < validW; x++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += g[t] * plane[y * width + x + t];
      rows[y * validW + x] = s;
    }
  }
  const out = new Float64Array(validH * validW);
  for (let y = 0; y < validH; y++) {
    for (let x = 0; x < validW; x++) {
      let s = 0;
      for (let t = 0; t < n; t++) s += g[t] * rows[(y + t) * validW + x];
      out[y * validW + x] = s;
    }
  }
  return out;
}
