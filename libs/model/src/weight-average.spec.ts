import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { checkpointFiles, checkpointFromFiles, createGenerator, restoreCheckpoint, serializeCheckpoint, WeightAverage } from './index';
import { tinyModelConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

const read = (v: tf.Variable) => Array.from(v.dataSync());

/** Two hand-sized variables, as a network's parameters. */
function parameters(a: number[], b: number[]): { key: string; variable: tf.Variable }[] {
  return [
    { key: 'a', variable: tf.variable(tf.tensor1d(a)) },
    { key: 'b', variable: tf.variable(tf.tensor2d([b])) },
  ];
}

describe('WeightAverage', () => {
  it('decays as tf.train.ExponentialMovingAverage with num_updates: min(decay, (1 + n) / (10 + n))', () => {
    const p = parameters([1], [2]);
    const average = new WeightAverage(p, 0.99);
    expect(average.decayAt(0)).toBeCloseTo(0.1, 12);
    expect(average.decayAt(90)).toBeCloseTo(91 / 100, 12);
    expect(average.decayAt(890)).toBeCloseTo(0.99, 12); // 891/900 = 0.99 exactly: the cap takes over here
    expect(average.decayAt(100000)).toBe(0.99);
    average.dispose();
    tf.dispose(p.map((x) => x.variable));
    expect(() => new WeightAverage([], 1)).toThrow('weight average decay must be in (0, 1), got 1');
    expect(() => new WeightAverage([], 0)).toThrow('weight average decay must be in (0, 1), got 0');
  });

  it('starts at the weights and folds each update in by hand-computed amounts, without leaking tensors', async () => {
    const p = parameters([1, 2], [10, -10]);
    const before = tf.memory().numTensors;
    const average = new WeightAverage(p, 0.9);
    expect(average.parameters.map((x) => x.key)).toEqual(['a', 'b']);
    expect(read(average.parameters[0].variable)).toEqual([1, 2]);
    tf.tidy(() => {
      p[0].variable.assign(tf.tensor1d([3, 4]));
      p[1].variable.assign(tf.tensor2d([[0, 0]]));
    });
    average.update(1000); // d = 0.9
    expect(read(average.parameters[0].variable).map((x) => +x.toFixed(5))).toEqual([1.2, 2.2]);
    expect(read(average.parameters[1].variable).map((x) => +x.toFixed(5))).toEqual([9, -9]);
    average.update(0); // d = 0.1: nearly the weights
    expect(read(average.parameters[0].variable).map((x) => +x.toFixed(5))).toEqual([2.82, 3.82]);
    // The weights themselves are untouched by the average.
    expect(read(p[0].variable)).toEqual([3, 4]);

    // withAverage puts the average in for its callback, and the weights back after, even when it throws.
    const seen = await average.withAverage(async () => read(p[0].variable));
    expect(seen.map((x) => +x.toFixed(5))).toEqual([2.82, 3.82]);
    expect(read(p[0].variable)).toEqual([3, 4]);
    await expect(average.withAverage(async () => Promise.reject(new Error('inside')))).rejects.toThrow('inside');
    expect(read(p[0].variable)).toEqual([3, 4]);
    average.reset();
    expect(read(average.parameters[1].variable)).toEqual([0, 0]);
    average.dispose();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose(p.map((x) => x.variable));
  });
});

describe('WeightAverage in checkpoints', () => {
  it('is stored as the generator to predict with, and training continues from its own weights', async () => {
    const config = tinyModelConfig();
    const trained = createGenerator(config, 1);
    const average = new WeightAverage(trained.parameters, 0.5);
    // Move the weights away from the average.
    tf.tidy(() => trained.parameters.forEach((p) => p.variable.assign(p.variable.add(1))));
    const content = await serializeCheckpoint({ generator: trained, average, step: 7, seed: 1 });
    const saved = checkpointFromFiles(checkpointFiles(content)['checkpoint.json'] as string, content.weights);
    const groups = [...new Set(saved.manifest.tensors.map((t) => t.group))];
    expect(groups).toEqual(['generator', 'generatorTraining']);

    // Loaded to predict (evaluate, export): the average.
    const forInference = createGenerator(config, 2);
    await restoreCheckpoint(saved, { generator: forInference });
    forInference.parameters.forEach((p, i) => expect(read(p.variable)).toEqual(read(average.parameters[i].variable)));
    // Loaded to train on (resume, fine-tune): the weights, and the average beside them.
    const resumed = createGenerator(config, 3);
    const resumedAverage = new WeightAverage(resumed.parameters, 0.5);
    await restoreCheckpoint(saved, { generator: resumed, average: resumedAverage, training: true });
    resumed.parameters.forEach((p, i) => expect(read(p.variable)).toEqual(read(trained.parameters[i].variable)));
    resumedAverage.parameters.forEach((p, i) => expect(read(p.variable)).toEqual(read(average.parameters[i].variable)));

    // A checkpoint without an average: the average starts over from its weights.
    const plain = await serializeCheckpoint({ generator: trained, step: 7, seed: 1 });
    expect([...new Set(plain.manifest.tensors.map((t) => t.group))]).toEqual(['generator']);
    await restoreCheckpoint(plain, { generator: resumed, average: resumedAverage, training: true });
    resumedAverage.parameters.forEach((p, i) => expect(read(p.variable)).toEqual(read(trained.parameters[i].variable)));
    [trained, forInference, resumed].forEach((g) => g.dispose());
    average.dispose();
    resumedAverage.dispose();
  });
});
