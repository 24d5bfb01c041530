import { assertSameShape, type MetricImage, type PixelMask } from './metric-image';

/**
 * Pixels that move between two frames: those where some channel changes by more than
 * `threshold` (in [0, 1] units). The paper measures "moving areas" with optical flow; a frame
 * difference is the simple stand-in most reimplementations use.
 */
export function movingMask(previous: MetricImage, next: MetricImage, threshold: number): PixelMask {
  assertSameShape(previous, next);
  const c = next.channels;
  const mask = new Uint8Array(next.width * next.height);
  for (let p = 0; p < mask.length; p++) {
    for (let k = p * c; k < p * c + c; k++) {
      if (Math.abs(next.data[k] - previous.data[k]) > threshold) {
        mask[p] = 1;
        break;
      }
    }
  }
  return mask;
}
