import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { adversarialLoss, binaryCrossEntropy, discriminatorLoss, generatorLoss, gradientDifferenceLoss, lpLoss, releaseOvershoot } from './index';

beforeAll(async () => {
  await initTestBackend();
});

const t4 = (values: number[], shape: [number, number, number, number]) => tf.tensor4d(values, shape);
const value = (s: tf.Scalar) => {
  const v = s.dataSync()[0];
  s.dispose();
  return v;
};

describe('lpLoss', () => {
  it('sums |G − y|^p over pixels and averages over scales', () => {
    // scale 0: diffs 1 and 2 → p=2: 1 + 4 = 5; scale 1: diffs 0, 0, 0, 3 → 9. Mean 7.
    const preds = [t4([0, 0], [1, 1, 2, 1]), t4([1, 1, 1, 1], [1, 2, 2, 1])];
    const truth = [t4([1, 2], [1, 1, 2, 1]), t4([1, 1, 1, 4], [1, 2, 2, 1])];
    expect(value(lpLoss(preds, truth, 2))).toBeCloseTo(7, 6);
    // p = 1: (1 + 2) and 3 → 3.
    expect(value(lpLoss(preds, truth, 1))).toBeCloseTo(3, 6);
    tf.dispose([...preds, ...truth]);
  });
});

describe('releaseOvershoot', () => {
  it('clips a prediction only past a black or white target, with no gradient there', () => {
    // targets: black, black, white, white, mid-grey, black within one 8-bit level (−1 + 1/255·2 < −1 + 1/127.5)
    const target = tf.tensor1d([-1, -1, 1, 1, 0, -1 + 1 / 255]);
    const prediction = tf.tensor1d([-1.3, -0.9, 1.2, 0.8, -1.5, -1.1]);
    const released = releaseOvershoot(prediction, target);
    expect(Array.from(released.dataSync())).toEqual([-1, expect.closeTo(-0.9, 6), 1, expect.closeTo(0.8, 6), -1.5, -1]);
    // Lp (p = 2, mean) of the released prediction: (0 + 0.01 + 0 + 0.04 + 2.25 + (1/255)²) / 6.
    expect(value(lpLoss([released], [target], 2, 'mean'))).toBeCloseTo((0.01 + 0.04 + 2.25 + (1 / 255) ** 2) / 6, 6);
    // d/dp of Σ (released − target)²: 0 where the overshoot is free, 2·(p − t) elsewhere.
    const grad = tf.grad((p: tf.Tensor) => tf.sum(tf.square(tf.sub(releaseOvershoot(p, target), target))))(prediction);
    const expected = [0, 0.2, 0, -0.4, -3, 0];
    Array.from(grad.dataSync()).forEach((g, i) => expect(g).toBeCloseTo(expected[i], 5));
    tf.dispose([target, prediction, released, grad]);
  });
});

describe('gradientDifferenceLoss', () => {
  it('compares absolute neighbour differences, α = 1 and 2', () => {
    // 2×2, one channel. Truth [[0, 2], [4, 4]]: |∂x| = [2, 0], |∂y| = [4, 2].
    // Pred  [[1, 1], [1, 4]]: |∂x| = [0, 3], |∂y| = [0, 3].
    // α=1: |2−0| + |0−3| + |4−0| + |2−3| = 2 + 3 + 4 + 1 = 10. α=2: 4 + 9 + 16 + 1 = 30.
    const pred = [t4([1, 1, 1, 4], [1, 2, 2, 1])];
    const truth = [t4([0, 2, 4, 4], [1, 2, 2, 1])];
    expect(value(gradientDifferenceLoss(pred, truth, 1))).toBeCloseTo(10, 6);
    expect(value(gradientDifferenceLoss(pred, truth, 2))).toBeCloseTo(30, 6);
    // Shifting the prediction by a constant changes no gradient.
    const shifted = [t4([11, 11, 11, 14], [1, 2, 2, 1])];
    expect(value(gradientDifferenceLoss(shifted, truth, 1))).toBeCloseTo(10, 6);
    tf.dispose([...pred, ...truth, ...shifted]);
  });
});

describe('adversarial losses', () => {
  it('binary cross-entropy, summed over the batch, natural log', () => {
    const p = tf.tensor2d([0.5, 0.9], [2, 1]);
    expect(value(binaryCrossEntropy(p, 1))).toBeCloseTo(-Math.log(0.5) - Math.log(0.9), 6);
    expect(value(binaryCrossEntropy(p, 0))).toBeCloseTo(-Math.log(0.5) - Math.log(0.1), 6);
    p.dispose();
  });

  it('averages the generator term over scales, and sums real and fake terms for the discriminator', () => {
    const fake = [tf.tensor2d([0.1], [1, 1]), tf.tensor2d([0.9], [1, 1])];
    const real = [tf.tensor2d([0.9], [1, 1]), tf.tensor2d([0.5], [1, 1])];
    expect(value(adversarialLoss(fake))).toBeCloseTo((-Math.log(0.1) - Math.log(0.9)) / 2, 6);
    // scale 0: −ln 0.9 − ln 0.9; scale 1: −ln 0.5 − ln 0.1.
    const expected = (-2 * Math.log(0.9) - Math.log(0.5) - Math.log(0.1)) / 2;
    expect(value(discriminatorLoss(real, fake))).toBeCloseTo(expected, 6);
    tf.dispose([...fake, ...real]);
  });
});

describe('generatorLoss', () => {
  it('is the weighted sum of its parts', () => {
    const parts = { lp: tf.scalar(3), gdl: tf.scalar(5), adversarial: tf.scalar(7) };
    expect(value(generatorLoss(parts, { lpWeight: 1, gdlWeight: 1, adversarialWeight: 0.05 }))).toBeCloseTo(3 + 5 + 0.35, 6);
    expect(value(generatorLoss({ lp: parts.lp, gdl: parts.gdl }, { lpWeight: 2, gdlWeight: 0.5, adversarialWeight: 0.05 }))).toBeCloseTo(8.5, 6);
    tf.dispose(Object.values(parts));
  });
});
