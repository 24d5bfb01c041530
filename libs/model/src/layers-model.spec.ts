import * as tf from '@tensorflow/tfjs';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { createGenerator } from './index';
import { generatorLayersModel } from './layers-model';
import { tinyModelConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

const history = (h: number, w: number, channels: number, seed: number) => tf.randomUniform([2, h, w, channels], -1, 1, 'float32', seed) as tf.Tensor4D;

describe('generatorLayersModel', () => {
  it.each([
    ['predictChange with residual scales (small)', { predictChange: true, residualScales: true }],
    ['predictChange with changeScale 2 (the demo)', { predictChange: true, residualScales: true, changeScale: 2 }],
    ['plain residual scales (the paper)', { predictChange: false, residualScales: true }],
    ['no residual scales', { predictChange: false, residualScales: false }],
  ])('predicts what the generator predicts: %s', async (_label, overrides) => {
    const config = tinyModelConfig({ ...overrides, downsampling: 'area' });
    const generator = createGenerator(config, 3);
    // Non-zero last layers, so the change a fresh change-predicting model makes is not just 0.
    for (const p of generator.parameters) p.variable.assign(tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.05, 'float32', 7)));
    const model = generatorLayersModel(generator);
    for (const [h, w] of [[32, 32], [24, 40]]) {
      const x = history(h, w, 3 * config.historyLength, h);
      const ours = generator.predict(x);
      const theirs = model.predict(x) as tf.Tensor;
      expect(theirs.shape).toEqual([2, h, w, 3]);
      const diff = (await tf.max(tf.abs(tf.sub(ours, theirs))).data())[0];
      expect(diff).toBeLessThanOrEqual(1e-5); // the bar is 1e-4
      // Not trivially equal: the prediction differs from the last input frame.
      expect((await tf.max(tf.abs(tf.sub(ours, tf.slice(x, [0, 0, 0, 3 * config.historyLength - 3], [-1, -1, -1, 3])))).data())[0]).toBeGreaterThan(0.01);
      tf.dispose([x, ours, theirs]);
    }
    model.dispose();
    generator.dispose();
  });

  it('leaves no tensors behind, and refuses the bilinear downsampling and the flow warp it cannot express', () => {
    const generator = createGenerator(tinyModelConfig({ downsampling: 'area' }), 1);
    const before = tf.memory().numTensors;
    const model = generatorLayersModel(generator);
    model.dispose();
    expect(tf.memory().numTensors).toBe(before);
    generator.dispose();
    const bilinear = createGenerator(tinyModelConfig({ downsampling: 'bilinear' }), 1);
    expect(() => generatorLayersModel(bilinear)).toThrow("only 'area' downsampling exports to standard layers (this model uses 'bilinear')");
    bilinear.dispose();
    const flow = createGenerator(tinyModelConfig({ downsampling: 'area', flowPx: 1 }), 1);
    expect(() => generatorLayersModel(flow)).toThrow('a flow generator (flowPx 1) does not export to standard layers: TF.js has no warping layer');
    flow.dispose();
  });
});
