import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { blockMatch, velocityFlow } from './block-match';

beforeAll(async () => {
  await initTestBackend();
});

const SIZE = 16;

/** A black 16×16 frame in [-1, 1] with a white 2×3 (w×h) block whose top-left corner is (x, y). */
function blockAt(x: number, y: number): Float32Array {
  const pixels = new Float32Array(SIZE * SIZE).fill(-1);
  for (let i = 0; i < 3; i++) for (let j = 0; j < 2; j++) pixels[(y + i) * SIZE + x + j] = 1;
  return pixels;
}
const frame = (x: number, y: number) => tf.tensor4d(blockAt(x, y), [1, SIZE, SIZE, 1]);
/** A history of RGB frames with the block at each (x, y), oldest first. */
const history = (positions: [number, number][]) =>
  tf.tidy(() => tf.concat(positions.map(([x, y]) => tf.tile(frame(x, y), [1, 1, 1, 3])), 3) as tf.Tensor4D);
const at = (flow: tf.Tensor4D, x: number, y: number) => (flow.arraySync() as number[][][][])[0][y][x];

describe('blockMatch', () => {
  it('finds where each pixel of the current frame came from, and 0 where nothing moved', () => {
    const [previous, current] = [frame(4, 5), frame(6, 6)];
    const flow = blockMatch(previous, current, 3, 3);
    expect(flow.shape).toEqual([1, SIZE, SIZE, 2]);
    // Every pixel of the moved block: 2 right, 1 down (d_x, d_y).
    for (const [x, y] of [[6, 6], [7, 6], [6, 8], [7, 8]]) expect(at(flow, x, y)).toEqual([2, 1]);
    // Black background far from the block matches every shift equally: the penalty picks 0.
    expect(at(flow, 0, 0)).toEqual([0, 0]);
    expect(at(flow, 15, 15)).toEqual([0, 0]);
    tf.dispose([previous, current, flow]);
  });

  it('finds moves up and left as negative, up to its radius, and none beyond it', () => {
    const [previous, current] = [frame(8, 9), frame(5, 7)];
    const flow = blockMatch(previous, current, 3, 3);
    expect(at(flow, 5, 7)).toEqual([-3, -2]);
    // A move of 3 px is beyond radius 2: the best it can do is not that move.
    const short = blockMatch(previous, current, 2, 3);
    expect(at(short, 5, 7)).not.toEqual([-3, -2]);
    tf.dispose([previous, current, flow, short]);
  });

  it('inside a wide white square, sees the motion only with a window that reaches its edges (the aperture problem)', () => {
    /** An 8×8 white square whose top-left corner is (x, 4). */
    const square = (x: number) => {
      const pixels = new Float32Array(SIZE * SIZE).fill(-1);
      for (let y = 4; y < 12; y++) for (let i = 0; i < 8; i++) pixels[y * SIZE + x + i] = 1;
      return tf.tensor4d(pixels, [1, SIZE, SIZE, 1]);
    };
    const [previous, current] = [square(2), square(4)];
    // At (8, 8) a 3×3 window is all white before and after a shift of 0: a cost of 0, and 0 is the shortest.
    const narrow = blockMatch(previous, current, 3, 3);
    expect(at(narrow, 8, 8)).toEqual([0, 0]);
    // A 9×9 window reaches columns 4–12, where a shift of 0 leaves columns 10–11 black before: only 2 px right fits.
    const wide = blockMatch(previous, current, 3, 9);
    expect(at(wide, 8, 8)).toEqual([2, 0]);
    tf.dispose([previous, current, narrow, wide]);
  });

  it('says which frames do not fit in one line', () => {
    const [a, b] = [tf.zeros([1, 8, 8, 1]) as tf.Tensor4D, tf.zeros([1, 8, 6, 1]) as tf.Tensor4D];
    expect(() => blockMatch(a, b, 2, 3)).toThrow('blockMatch: frames 1x8x8x1 and 1x8x6x1 must both be BxHxWx1');
    tf.dispose([a, b]);
  });
});

describe('velocityFlow', () => {
  it('divides the displacement over the span by the span: one step of a constant velocity, fractions included', () => {
    // 2 px right and 1 down per frame over 4 frames.
    const steady = history([[2, 3], [4, 4], [6, 5], [8, 6]]);
    const before = tf.memory().numTensors;
    const flow = velocityFlow(steady, 3, 3, 3);
    expect(tf.memory().numTensors - before).toBe(1);
    expect(at(flow, 8, 6)).toEqual([2, 1]);
    expect(at(flow, 0, 15)).toEqual([0, 0]);
    // Rounded positions of a velocity of 4/3 px per frame (0, 1, 3, 4): a fraction only the span sees.
    const slow = history([[0, 6], [1, 6], [3, 6], [4, 6]]);
    const third = velocityFlow(slow, 3, 2, 3);
    expect(at(third, 4, 6)[0]).toBeCloseTo(4 / 3, 5);
    const lastStep = velocityFlow(slow, 1, 2, 3);
    expect(at(lastStep, 4, 6)[0]).toBe(1);
    tf.dispose([steady, flow, slow, third, lastStep]);
  });

  it('with smoothPx, spreads a bright thing\'s flow over its surroundings by brightness; dark places far from it keep 0', () => {
    const steady = history([[2, 3], [4, 4], [6, 5], [8, 6]]);
    const flow = velocityFlow(steady, 3, 3, 3, 9);
    // On the block and beside it on black, every bright pixel is in the 9×9 square: the block's flow, times
    // Σw / (Σw + 0.0001), the mean brightness of the square being 6/81 (6 white pixels, the rest black).
    const factor = 6 / 81 / (6 / 81 + 1e-4);
    for (const [x, y] of [[8, 6], [11, 6]]) {
      expect(at(flow, x, y)[0]).toBeCloseTo(2 * factor, 4);
      expect(at(flow, x, y)[1]).toBeCloseTo(1 * factor, 4);
    }
    // 5 px or more from every bright pixel: nothing in the square, 0.
    expect(at(flow, 15, 0)).toEqual([0, 0]);
    tf.dispose([steady, flow]);
  });

  it('rejects a span the history cannot show', () => {
    const steady = history([[2, 3], [4, 4]]);
    expect(() => velocityFlow(steady, 2, 3, 3)).toThrow('priorFlowSpan 2 needs a whole number from 1 to 1 for 2 input frames');
    steady.dispose();
  });
});
