import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { cropTo, feedBack, feedBackFrame, frameToTensor, padToMultiple, tensorToFrame } from './frame-io';

beforeAll(async () => {
  await initTestBackend();
});

/** One channel's values of a `[H, W, C]` tensor, row by row. */
const channel0 = (x: tf.Tensor3D): number[][] => (x.arraySync() as number[][][]).map((row) => row.map((px) => px[0]));

describe('frameToTensor and tensorToFrame', () => {
  it('map bytes to [-1, 1] as v / 127.5 − 1, and back rounded and clipped', () => {
    const image = frameToTensor({ data: Uint8Array.from([0, 255, 51, 102, 204, 128]), width: 2, height: 1 });
    expect(image.shape).toEqual([1, 2, 3]);
    expect(Array.from(image.dataSync()).map((v) => +v.toFixed(6))).toEqual([-1, 1, -0.6, -0.2, 0.6, 0.003922]);
    // 0.004 → 128.01 → 128; 2 and −3 clip to 255 and 0; −0.2 → 102; 0.5 → 191.25 → 191.
    const back = tensorToFrame(tf.tensor3d([-1, 1, 0.004, 2, -3, -0.2, 0.5, 0, 0], [1, 3, 3]));
    expect(back).toEqual({ data: Uint8Array.from([0, 255, 128, 255, 0, 102, 191, 128, 128]), width: 3, height: 1 });
    expect(tensorToFrame(image).data).toEqual(Uint8Array.from([0, 255, 51, 102, 204, 128]));
    image.dispose();
  });
});

describe('padToMultiple and cropTo', () => {
  // 3 rows a b c (values 1 2 3 ×10) and 3 columns x y z (+1 +2 +3).
  const rows3 = () => tf.tensor3d([11, 12, 13, 21, 22, 23, 31, 32, 33], [3, 3, 1]);

  it('reflect the bottom and right edges when the frame is larger than the padding (edge not repeated)', () => {
    const padded = padToMultiple(rows3(), 4);
    expect(channel0(padded)).toEqual([
      [11, 12, 13, 12],
      [21, 22, 23, 22],
      [31, 32, 33, 32],
      [21, 22, 23, 22],
    ]);
    expect(channel0(cropTo(padded, 3, 3))).toEqual(channel0(rows3()));
  });

  it('mirror symmetrically (edge repeated) when the padding is as large as the frame, batched the same', () => {
    // 2×2 to a multiple of 4: 2 rows and 2 columns of padding, as many as the frame has.
    const small = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8], [2, 2, 2, 1]);
    const padded = padToMultiple(small, 4);
    expect(padded.shape).toEqual([2, 4, 4, 1]);
    expect((padded.arraySync() as number[][][][])[1].map((row) => row.map((px) => px[0]))).toEqual([
      [5, 6, 6, 5],
      [7, 8, 8, 7],
      [7, 8, 8, 7],
      [5, 6, 6, 5],
    ]);
    expect(Array.from(cropTo(padded, 2, 2).dataSync())).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
  });

  it('leave a frame already a multiple alone, and keep no tensors', () => {
    const x = tf.zeros([8, 16, 3]) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    expect(padToMultiple(x, 8)).toBe(x);
    expect(cropTo(x, 8, 16)).toBe(x);
    tf.tidy(() => cropTo(padToMultiple(rows3(), 4), 3, 3)).dispose();
    expect(tf.memory().numTensors).toBe(before);
    x.dispose();
  });
});

describe('feedBack', () => {
  it('drops the oldest frame and appends the prediction, clipped to [-1, 1] with clipFeedback', () => {
    // One pixel, history of 2 frames (6 channels): the oldest (0.1, 0.2, 0.3), then (0.4, 0.5, 0.6).
    const history = tf.tensor4d([0.1, 0.2, 0.3, 0.4, 0.5, 0.6], [1, 1, 1, 6]);
    const predicted = tf.tensor4d([1.5, -0.25, -2], [1, 1, 1, 3]);
    expect(Array.from(feedBack(history, predicted, true).dataSync()).map((v) => +v.toFixed(6))).toEqual([0.4, 0.5, 0.6, 1, -0.25, -1]);
    expect(Array.from(feedBack(history, predicted, false).dataSync()).map((v) => +v.toFixed(6))).toEqual([0.4, 0.5, 0.6, 1.5, -0.25, -2]);
    expect(feedBackFrame(predicted, false)).toBe(predicted);
  });
});
