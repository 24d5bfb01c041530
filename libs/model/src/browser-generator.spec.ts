import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { createGenerator } from './generator';
import { generatorFromWeights } from './browser-generator';
import { tinyModelConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

describe('generatorFromWeights', () => {
  const config = tinyModelConfig({ flowPx: 1, flowWarp: 'forward', priorFlowSpan: 3, predictChange: true, moveBlurPx: 0.5 });

  it('rebuilds the generator from weights by key: the same prediction, no tensor left behind', () => {
    const original = createGenerator(config, 7);
    // Weights that differ from a fresh model's (whose flow layer starts at zero).
    for (const p of original.parameters) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', 3)));
    const weights: tf.NamedTensorMap = Object.fromEntries(original.parameters.map((p) => [p.key, tf.clone(p.variable)]));
    const history = tf.randomUniform([2, 16, 24, 12], -1, 1, 'float32', 5) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const loaded = generatorFromWeights(config, weights);
    const ours = loaded.predict(history);
    const scales = original.predictScales(history);
    const theirs = scales[scales.length - 1];
    expect(ours.shape).toEqual([2, 16, 24, 3]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(ours, theirs))).dataSync()[0])).toBeLessThan(1e-6);
    tf.dispose([ours, ...scales]);
    loaded.dispose();
    expect(tf.memory().numTensors - before).toBe(0);
    tf.dispose([history, ...Object.values(weights)]);
    original.dispose();
  });

  it('names the parameter that is missing or of another shape', () => {
    const original = createGenerator(config, 7);
    const weights: tf.NamedTensorMap = Object.fromEntries(original.parameters.map((p) => [p.key, p.variable]));
    const [first] = original.parameters;
    const missing = Object.fromEntries(Object.entries(weights).filter(([key]) => key !== first.key));
    expect(() => generatorFromWeights(config, missing)).toThrow(`the exported weights have no ${first.key}`);
    const wrong = tf.zeros([1, 1, 1, 1]);
    expect(() => generatorFromWeights(config, { ...weights, [first.key]: wrong })).toThrow(`${first.key} is 1x1x1x1 in the export but ${first.variable.shape.join('x')} in the model`);
    tf.dispose(wrong);
    original.dispose();
  });
});
