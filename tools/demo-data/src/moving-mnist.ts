import type { SeededRandom } from '@nextframe/random';

/** A 28×28 grayscale digit, values in [0, 1]. */
export type Digit = ArrayLike<number>;
export const DIGIT_SIZE_PX = 28;

export interface MovingMnistOptions {
  digits: readonly Digit[];
  frames: number;
  sizePx: number;
  rng: SeededRandom;
  /** Speed range of each digit in pixels per frame. */
  speedPx?: { min: number; max: number };
}

export interface DigitTrack {
  /** Top-left corner per frame. */
  positions: { x: number; y: number }[];
}

/**
 * Moving MNIST (Srivastava et al., 2015): digits start at random places with random directions,
 * move in straight lines and bounce off the frame's edges; overlapping digits combine by max.
 * Returns 8-bit grayscale frames (`sizePx²` bytes each) and each digit's track.
 */
export function renderMovingMnist(options: MovingMnistOptions): { frames: Uint8Array[]; tracks: DigitTrack[] } {
  const { sizePx, rng } = options;
  const limit = sizePx - DIGIT_SIZE_PX;
  if (limit < 0) throw new RangeError(`frames of ${sizePx}px cannot hold ${DIGIT_SIZE_PX}px digits`);
  const speed = options.speedPx ?? { min: 2, max: 4 };
  const tracks: DigitTrack[] = options.digits.map(() => {
    let x = rng.uniform(0, limit);
    let y = rng.uniform(0, limit);
    const angle = rng.uniform(0, 2 * Math.PI);
    const v = rng.uniform(speed.min, speed.max);
    let vx = v * Math.cos(angle);
    let vy = v * Math.sin(angle);
    const positions: { x: number; y: number }[] = [];
    for (let t = 0; t < options.frames; t++) {
      positions.push({ x: Math.round(x), y: Math.round(y) });
      x += vx;
      y += vy;
      if (x < 0) [x, vx] = [-x, -vx];
      if (x > limit) [x, vx] = [2 * limit - x, -vx];
      if (y < 0) [y, vy] = [-y, -vy];
      if (y > limit) [y, vy] = [2 * limit - y, -vy];
    }
    return { positions };
  });
  const frames = Array.from({ length: options.frames }, (_, t) => {
    const frame = new Uint8Array(sizePx * sizePx);
    options.digits.forEach((digit, d) => {
      const { x, y } = tracks[d].positions[t];
      for (let dy = 0; dy < DIGIT_SIZE_PX; dy++) {
        for (let dx = 0; dx < DIGIT_SIZE_PX; dx++) {
          const value = Math.round(digit[dy * DIGIT_SIZE_PX + dx] * 255);
          const o = (y + dy) * sizePx + (x + dx);
          if (value > frame[o]) frame[o] = value;
        }
      }
    });
    return frame;
  });
  return { frames, tracks };
}
