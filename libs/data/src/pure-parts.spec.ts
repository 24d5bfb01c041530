import { SeededRandom } from '@nextframe/random';
import { DEFAULT_CROP_SETTINGS, cropWindow, movementScore, naturalCompare, sampleWindow } from './index';
import { movingSquareFrames, stillFrames } from './testing';

describe('naturalCompare', () => {
  it('orders digit runs by value', () => {
    const names = ['frame10.png', 'frame2.png', 'frame1.png', 'frame100.png', 'Frame3.png'];
    expect([...names].sort(naturalCompare)).toEqual(['Frame3.png', 'frame1.png', 'frame2.png', 'frame10.png', 'frame100.png']);
    expect(['000010.png', '000009.png', '0000100.png'].sort(naturalCompare)).toEqual(['000009.png', '000010.png', '0000100.png']);
    expect(['b', 'a10b2', 'a10b10', 'a9'].sort(naturalCompare)).toEqual(['a9', 'a10b2', 'a10b10', 'b']);
  });

  it('is a total order: different spellings of one number still compare', () => {
    expect(naturalCompare('a01', 'a1')).not.toBe(0);
    expect(Math.sign(naturalCompare('a01', 'a1'))).toBe(-Math.sign(naturalCompare('a1', 'a01')));
    expect(naturalCompare('same', 'same')).toBe(0);
  });
});

/** 2×2 RGB frame from 12 bytes. */
const frame = (...bytes: number[]) => Uint8Array.from(bytes);

describe('movementScore', () => {
  it('sums squared differences of consecutive frames in [-1, 1] units', () => {
    const a = frame(0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0);
    const b = frame(255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0); // one channel from -1 to +1: (2)² = 4
    const c = frame(255, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 51); // 51 levels = 0.4: 0.16
    expect(movementScore([a, b], 2, { x: 0, y: 0, sizePx: 2 })).toBeCloseTo(4, 10);
    expect(movementScore([a, b, c], 2, { x: 0, y: 0, sizePx: 2 })).toBeCloseTo(4.16, 10);
    expect(movementScore([a, a, a], 2, { x: 0, y: 0, sizePx: 2 })).toBe(0);
    // Only the window counts: the 1×1 window at (1, 1) sees only the last pixel.
    expect(movementScore([a, b, c], 2, { x: 1, y: 1, sizePx: 1 })).toBeCloseTo(0.16, 10);
    expect(movementScore([a, b, c], 2, { x: 0, y: 0, sizePx: 1 })).toBeCloseTo(4, 10);
  });
});

describe('cropWindow', () => {
  it('copies the same window of each frame, frames then rows then pixels', () => {
    // 3×2 frames; pixel value = 100·frame + 10·y + x in every channel.
    const frames = [0, 1].map((t) => Uint8Array.from({ length: 18 }, (_, i) => 100 * t + 10 * Math.floor(i / 9) + (Math.floor(i / 3) % 3)));
    const out = new Uint8Array(2 * 2 * 2 * 3);
    cropWindow(frames, 3, { x: 1, y: 0, sizePx: 2 }, out);
    const firstChannel = Array.from(out).filter((_, i) => i % 3 === 0);
    expect(firstChannel).toEqual([1, 2, 11, 12, 101, 102, 111, 112]);
  });
});

describe('sampleWindow (the movement filter)', () => {
  const settings = { ...DEFAULT_CROP_SETTINGS, cropSizePx: 16 };
  const out = () => new Uint8Array(5 * 16 * 16 * 3);
  const toBytes = (frames: { data: Uint8Array }[]) => frames.map((f) => f.data);

  it('rejects every window of still frames, keeping the last of maxTries', () => {
    const rng = new SeededRandom(1);
    const result = sampleWindow({ rng, frames: toBytes(stillFrames(64, 64, 5)), width: 64, height: 64, unfiltered: false, settings, out: out() });
    expect(result.movement).toBe(0);
    // All 100 windows were drawn: the generator is 200 draws in.
    const replay = new SeededRandom(1);
    for (let i = 0; i < 99 * 2; i++) replay.int(49);
    expect({ x: result.x, y: result.y }).toEqual({ x: replay.int(49), y: replay.int(49) });
  });

  it('accepts a window where a square moves, with its real movement score', () => {
    const frames = movingSquareFrames({ width: 64, height: 64, count: 5, sizePx: 8, speedPx: 4, x0: 8, y0: 40 });
    const result = sampleWindow({ rng: new SeededRandom(2), frames: toBytes(frames), width: 64, height: 64, unfiltered: false, settings, out: out() });
    expect(result.movement).toBeGreaterThan(100);
    // The window overlaps the square's path (x 8…31, y 40…47).
    expect(result.x).toBeLessThan(32);
    expect(result.x + 16).toBeGreaterThan(8);
    expect(result.y).toBeLessThan(48);
    expect(result.y + 16).toBeGreaterThan(40);
    // Whole square moving inside the window: 4 pairs × (2 × 4×8 px × 3 channels × 4) = 3072.
    const inside = movementScore(toBytes(frames), 64, { x: 8, y: 32, sizePx: 32 });
    expect(inside).toBeCloseTo(3072, 6);
  });

  it('takes the first window when unfiltered', () => {
    const rng = new SeededRandom(3);
    const result = sampleWindow({ rng, frames: toBytes(stillFrames(64, 64, 5)), width: 64, height: 64, unfiltered: true, settings, out: out() });
    const replay = new SeededRandom(3);
    expect({ x: result.x, y: result.y }).toEqual({ x: replay.int(49), y: replay.int(49) });
  });
});
