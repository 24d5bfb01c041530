import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { flowOf, image3x3 as image, rounded as values, warpGradients } from './warp-testing';
import { blurMoving, gaussianBlur, gaussianTaps } from './move-blur';

beforeAll(async () => {
  await initTestBackend();
});

// σ 0.5, radius ⌈1.5⌉ = 2: taps e^-8, e^-2, 1, e^-2, e^-8 over their sum = 0.000264, 0.106451,
// 0.786571, 0.106451, 0.000264. On the row 0, 1, 2 mirrored to 1 0 | 0 1 2 | 2 1, pixel 0 blurs to
// 0.000264·1 + 0.106451·1 + 0.000264·2 = 0.107243, pixel 2 to 2 − 0.107243.
const EDGE = 0.107243;

describe('gaussianTaps', () => {
  it('is a normalised Gaussian cut at 3σ', () => {
    const taps = gaussianTaps(0.5);
    expect(taps).toHaveLength(5);
    expect(taps.reduce((a, b) => a + b, 0)).toBeCloseTo(1, 10);
    expect(taps[0]).toBeCloseTo(0.000264, 6);
    expect(taps[1]).toBeCloseTo(0.106451, 6);
    expect(taps[2]).toBeCloseTo(0.786571, 6);
    expect(gaussianTaps(0.1)).toHaveLength(3);
    expect(() => gaussianTaps(0)).toThrow('gaussianTaps: sigma 0 must be > 0');
  });
});

describe('gaussianBlur', () => {
  it('blurs with a mirrored border: a linear ramp stays itself inside and bends at the edges; a flat image stays flat', () => {
    const img = image();
    // Pixel = 3y + x, so its blur is 3·blur(y) + blur(x): 4·EDGE at (0, 0), 8 − 4·EDGE at (2, 2).
    const out = values(gaussianBlur(img, 0.5));
    expect(out[4]).toBeCloseTo(4, 4);
    expect(out[0]).toBeCloseTo(4 * EDGE, 3);
    expect(out[8]).toBeCloseTo(8 - 4 * EDGE, 3);
    expect(out.reduce((a, b) => a + b, 0)).toBeCloseTo(36, 3);
    const flat = tf.fill([2, 4, 5, 3], 0.25) as tf.Tensor4D;
    expect(Math.max(...values(gaussianBlur(flat, 1.2)).map((v) => Math.abs(v - 0.25)))).toBeLessThan(1e-6);
    tf.dispose([img, flat]);
  });
});

describe('blurMoving', () => {
  it('blends each pixel towards its blur by min(1, |flow|²): still pixels are kept exactly', () => {
    const img = image();
    // Pixel 0 moves 1 px (0.6, 0.8): fully blurred; pixel 8 moves 0.5 px (0.3, 0.4): a quarter; the rest stand still.
    const flow = flowOf([[0.6, 0.8], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0, 0], [0.3, 0.4]]);
    const out = values(blurMoving(img, flow, 0.5));
    expect(out[0]).toBeCloseTo(4 * EDGE, 3);
    expect(out[8]).toBeCloseTo(8 - 0.25 * 4 * EDGE, 3);
    expect(out.slice(1, 8)).toEqual([1, 2, 3, 4, 5, 6, 7]);
    tf.dispose([img, flow]);
  });

  it('has the gradients of finite differences in flow and image, and leaks no tensors', () => {
    // |flow|² below 1 everywhere but pixel 5 (1.3², beyond the kink: no gradient to its flow).
    const { gradFlow, gradImage, numericFlow, numericImage, leaked } = warpGradients((img, flow) => blurMoving(img, flow, 0.7), [0.3, 0.2, -0.4, 0.6, 0.1, -0.3, 0.7, 0.5, 0.25, 0.35, 1.3, 0, 0.2, 0.1, -0.6, -0.2, 0.4, -0.45]);
    expect(leaked).toBe(0);
    // Within 0.02: float32 finite differences of a loss of this size scatter by ~0.01 on TensorFlow's
    // multi-threaded reductions; the mirrored border's missing gradient (tf.mirrorPad) was off by 0.1 and more.
    for (let i = 0; i < 18; i++) expect(Math.abs(gradFlow[i] - numericFlow[i])).toBeLessThan(0.02);
    for (let i = 0; i < 9; i++) expect(Math.abs(gradImage[i] - numericImage[i])).toBeLessThan(0.02);
    expect(gradFlow[10]).toBe(0);
    expect(gradFlow[11]).toBe(0);
  });

  it('says which shapes do not fit', () => {
    const [img, flow] = [tf.zeros([1, 3, 3, 1]) as tf.Tensor4D, tf.zeros([1, 3, 2, 2]) as tf.Tensor4D];
    expect(() => blurMoving(img, flow, 1)).toThrow('blurMoving: flow 1x3x2x2 must be image 1x3x3x2');
    tf.dispose([img, flow]);
  });
});
