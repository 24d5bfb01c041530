/** An image for metrics: values in [0, 1], `height × width × channels`, row-major. */
export interface MetricImage {
  data: Float32Array;
  width: number;
  height: number;
  channels: number;
}

/** 8-bit pixels (e.g. decoded RGB) as a `MetricImage` in [0, 1]. */
export function fromBytes(image: { data: Uint8Array; width: number; height: number }, channels = 3): MetricImage {
  return { data: Float32Array.from(image.data, (v) => v / 255), width: image.width, height: image.height, channels };
}

/** Network output in [-1, 1] as a `MetricImage` in [0, 1] (values outside are clipped). */
export function fromSigned(data: Float32Array, width: number, height: number, channels = 3): MetricImage {
  return { data: Float32Array.from(data, (v) => Math.min(1, Math.max(0, (v + 1) / 2))), width, height, channels };
}

export function assertSameShape(a: MetricImage, b: MetricImage): void {
  if (a.width !== b.width || a.height !== b.height || a.channels !== b.channels) {
    throw new RangeError(`images differ in shape: ${a.width}x${a.height}x${a.channels} and ${b.width}x${b.height}x${b.channels}`);
  }
}

/** A per-pixel mask (`height × width`, 1 = counted); absent means every pixel. */
export type PixelMask = Uint8Array;
