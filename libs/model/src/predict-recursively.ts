import * as tf from '@tensorflow/tfjs-core';
import { cropTo, feedBackFrame, frameToTensor, padToMultiple, tensorToFrame, type Frame8 } from './frame-io';
import type { Generator } from './generator';
import type { ModelConfig } from './model-config';

export type { Frame8 } from './frame-io';

/** Default side (px) of the part of a large frame predicted at once; 0 predicts every frame whole. */
export const DEFAULT_TILE_SIZE = 256;

export interface TilingOptions {
  /**
   * Side of a tile's own part, in pixels (rounded up to a multiple of 2^(scales−1)). A frame is
   * predicted whole when a single tile with its margins would cover it; 0 always predicts whole.
   */
  tileSize?: number;
  /** Context around each tile, in pixels; default `generatorReach(config)` rounded up (exact results). */
  margin?: number;
}

/**
 * How far, in full-resolution pixels, a predicted pixel can see on each side: the convolutions'
 * half-widths at each scale times that scale's stride, plus one coarse pixel per bilinear upsampling.
 * Tiles with at least this margin give the same pixels as the whole frame.
 */
export function generatorReach(config: ModelConfig): number {
  const count = config.generator.length;
  return config.generator.reduce((reach, scale, k) => {
    const stride = 2 ** (count - 1 - k);
    const convs = scale.kernelSizes.reduce((r, kernel) => r + Math.floor(kernel / 2), 0) * stride;
    // flowPx: the warp samples up to flowPx pixels of this scale away, plus one for bilinear.
    const warp = config.flowPx > 0 ? (Math.ceil(config.flowPx) + 1) * stride : 0;
    return reach + convs + (k > 0 ? 2 * stride : 0) + warp;
  }, 0);
}

/**
 * The finest prediction for one history `[H, W, 3·historyLength]` (values in [-1, 1]) of any size.
 * Large frames go through the generator tile by tile: each tile with `margin` pixels of context on
 * every side (tile corners and margins on multiples of 2^(scales−1), so the coarse scales line up),
 * keeping only the tile's own part. Memory then grows with the tile, not the frame.
 */
export function predictFrame(generator: Generator, history: tf.Tensor3D, options: TilingOptions = {}): tf.Tensor3D {
  const [height, width] = history.shape;
  const multiple = 2 ** (generator.config.generator.length - 1);
  const roundUp = (n: number) => Math.ceil(n / multiple) * multiple;
  const tile = roundUp(options.tileSize ?? DEFAULT_TILE_SIZE);
  const margin = roundUp(options.margin ?? generatorReach(generator.config));
  if (tile === 0 || (height <= tile + 2 * margin && width <= tile + 2 * margin)) {
    return tf.tidy(() => tf.squeeze(generator.predict(tf.expandDims(history, 0) as tf.Tensor4D), [0]) as tf.Tensor3D);
  }
  return tf.tidy(() => {
    // The same padding as generator.predict: mirrored to a multiple of the coarsest stride.
    const padded = padToMultiple(history, multiple);
    const [paddedH, paddedW] = padded.shape;
    const rows: tf.Tensor3D[] = [];
    for (let y = 0; y < paddedH; y += tile) {
      const row: tf.Tensor3D[] = [];
      for (let x = 0; x < paddedW; x += tile) {
        row.push(
          tf.tidy(() => {
            const top = Math.max(0, y - margin);
            const left = Math.max(0, x - margin);
            const bottom = Math.min(paddedH, y + tile + margin);
            const right = Math.min(paddedW, x + tile + margin);
            const input = tf.slice(padded, [top, left, 0], [bottom - top, right - left, -1]);
            const scales = generator.predictScales(tf.expandDims(input, 0) as tf.Tensor4D, { releaseEarly: true });
            const finest = tf.squeeze(scales[scales.length - 1], [0]) as tf.Tensor3D;
            return tf.slice(finest, [y - top, x - left, 0], [Math.min(tile, paddedH - y), Math.min(tile, paddedW - x), 3]);
          }),
        );
      }
      rows.push(tf.concat(row, 1));
    }
    return cropTo(tf.concat(rows, 0), height, width);
  });
}

/**
 * The paper's and the seed's recursive test: feed `history` true frames, predict `recursions`
 * frames, each prediction (kept in floating point) replacing the oldest input. Frames of any size;
 * large ones are tiled (see `predictFrame`). Returns the predictions as 8-bit frames.
 */
export function predictRecursively(
  generator: Generator,
  history: readonly Frame8[],
  recursions: number,
  options: TilingOptions & { onFrame?: (done: number, total: number) => void } = {},
): Frame8[] {
  if (history.length !== generator.config.historyLength) {
    throw new RangeError(`predictRecursively needs ${generator.config.historyLength} history frames, got ${history.length}`);
  }
  const { width, height } = history[0];
  const odd = history.findIndex((f) => f.width !== width || f.height !== height || f.data.length !== width * height * 3);
  if (odd >= 0) throw new RangeError(`predictRecursively: history frame ${odd} is not ${width}x${height} RGB like frame 0`);
  let inputs = history.map((f) => frameToTensor(f));
  const out: Frame8[] = [];
  try {
    for (let k = 0; k < recursions; k++) {
      const stacked = tf.concat(inputs, 2);
      const predicted = predictFrame(generator, stacked, options);
      stacked.dispose();
      out.push(tensorToFrame(predicted));
      tf.dispose(inputs[0]);
      const fedBack = tf.tidy(() => feedBackFrame(predicted, generator.config.clipFeedback));
      if (fedBack !== predicted) predicted.dispose();
      inputs = [...inputs.slice(1), fedBack];
      options.onFrame?.(k + 1, recursions);
    }
  } finally {
    tf.dispose(inputs);
  }
  return out;
}
