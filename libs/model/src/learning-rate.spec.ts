import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { createOptimizers, generatorLearningRate, scheduleLearningRate } from './index';
import { tinyModelConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

const config = tinyModelConfig({ generatorLearningRate: 0.1, generatorLearningRateSchedule: [{ fromStep: 5, learningRate: 0.01 }, { fromStep: 8, learningRate: 0.001 }] });

describe('generatorLearningRate', () => {
  it('is the base rate before the schedule starts, then each entry from its step on', () => {
    expect([0, 4, 5, 7, 8, 100].map((step) => generatorLearningRate(config, step))).toEqual([0.1, 0.1, 0.01, 0.01, 0.001, 0.001]);
    expect(generatorLearningRate(tinyModelConfig({ generatorLearningRate: 0.3 }), 50)).toBe(0.3);
  });
});

describe('scheduleLearningRate', () => {
  // Adam's first update moves each weight by the learning rate times sign(gradient)
  // (m̂ / (√v̂ + ε) = g / |g| for ε ≪ |g|): the step a weight takes shows the rate Adam used.
  const firstStep = (step: number): number => {
    const optimizers = createOptimizers(config);
    const x = tf.tidy(() => tf.variable(tf.scalar(2)));
    scheduleLearningRate(optimizers, config, step);
    optimizers.generator.minimize(() => tf.square(x) as tf.Scalar);
    const moved = 2 - x.dataSync()[0];
    x.dispose();
    optimizers.generator.dispose();
    optimizers.discriminator.dispose();
    return moved;
  };

  it("sets the rate Adam updates with to the schedule's at that step", () => {
    expect(firstStep(0)).toBeCloseTo(0.1, 5);
    expect(firstStep(6)).toBeCloseTo(0.01, 6);
    expect(firstStep(9)).toBeCloseTo(0.001, 6);
  });

  it('leaves no tensors behind', () => {
    const before = tf.memory().numTensors;
    firstStep(6);
    expect(tf.memory().numTensors).toBe(before);
  });
});
