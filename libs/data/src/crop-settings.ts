/**
 * How clips are cut from frames. Defaults are the paper's and the TensorFlow port's
 * (`docs/model-spec.md`, "Data").
 */
export interface CropSettings {
  /** Side of the square crop window in pixels (port: 32). */
  cropSizePx: number;
  /** Input frames per clip; a clip holds `historyLength + 1` frames (port: 4). */
  historyLength: number;
  /** Keep a window when its movement score exceeds this (port: 100, pixels in [-1, 1]). */
  movementThreshold: number;
  /** Windows tried per clip before the last one is kept anyway (port: 100). */
  maxTries: number;
  /** Chance of taking the first window unfiltered (port: 0.05). */
  unfilteredProbability: number;
}

export const DEFAULT_CROP_SETTINGS: CropSettings = {
  cropSizePx: 32,
  historyLength: 4,
  movementThreshold: 100,
  maxTries: 100,
  unfilteredProbability: 0.05,
};

/** Frames per clip. */
export function clipFrames(settings: Pick<CropSettings, 'historyLength'>): number {
  return settings.historyLength + 1;
}

/** Bytes of one clip: `[frames, size, size, 3]` uint8. */
export function clipBytes(settings: Pick<CropSettings, 'historyLength' | 'cropSizePx'>): number {
  return clipFrames(settings) * settings.cropSizePx * settings.cropSizePx * 3;
}
