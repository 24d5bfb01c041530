import * as tf from '@tensorflow/tfjs-core';
import { velocityFlow } from './block-match';
import { splatCovered } from './splat';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { createGenerator, createOptimizers, disposeBatch, downsample, generatorStep, prepareBatch } from './index';
import { barFrame, tinyModelConfig } from './testing';

// The flow generator's options: flowPx and flowWarp, and the splat's coverage (the prior's: prior-options.spec.ts).

beforeAll(async () => {
  await initTestBackend();
});

const lastLayerKey = (config: ReturnType<typeof tinyModelConfig>, k: number) => `generator/scale${k}/conv${config.generator[k].kernelSizes.length - 1}`;

const variable = (g: ReturnType<typeof createGenerator>, key: string): tf.Variable => {
  const found = g.parameters.find((p) => p.key === key);
  if (!found) throw new Error(`no parameter ${key}`);
  return found.variable;
};

describe.each(['backward', 'forward'] as const)('flowPx, flowWarp %s: a fresh model', (flowWarp) => {
  it('a fresh flow model copies the last frame at every scale; a saturated finest flow moves it by flowPx pixels', () => {
    // forward splats (last + 1) / 2 and maps it back: exact but for the rounding of last + 1.
    const tolerance = flowWarp === 'forward' ? 1e-6 : 0;
    for (const predictChange of [false, true]) {
      const config = tinyModelConfig({ flowPx: 1, flowWarp, predictChange, initialization: 'he', downsampling: 'area' });
      const g = createGenerator(config, 1);
      // The last layer outputs the flow (2 channels), and the change (3 more) with predictChange.
      expect(variable(g, `${lastLayerKey(config, 3)}/weights`).shape.at(-1)).toBe(predictChange ? 5 : 2);
      const history = tf.tidy(() => tf.randomUniform([2, 16, 16, 12], -1, 1, 'float32', 4) as tf.Tensor4D);
      const last = (k: number) => tf.slice(downsample(history, [16 / 2 ** (3 - k), 16 / 2 ** (3 - k)], 'area'), [0, 0, 0, 9], [-1, -1, -1, 3]);
      const before = tf.memory().numTensors;
      const scales = g.predictScales(history);
      scales.forEach((s, k) => expect(tf.tidy(() => tf.max(tf.abs(tf.sub(s, last(k)))).dataSync()[0])).toBeLessThanOrEqual(tolerance));
      tf.dispose(scales);
      expect(tf.memory().numTensors).toBe(before);
      // The finest scale's x flow saturates at +1 (bias 20, tanh = 1). Backward: each pixel takes its right
      // neighbour's value (the border repeats). Forward: each pixel moves right by one; column 0 is left black.
      variable(g, `${lastLayerKey(config, 3)}/bias`).assign(tf.tensor1d(predictChange ? [20, 0, 0, 0, 0] : [20, 0]));
      const [finest] = g.predictScales(history).slice(-1);
      const shifted = tf.tidy(() =>
        flowWarp === 'backward'
          ? tf.concat([tf.slice(last(3), [0, 0, 1, 0], [-1, -1, 15, -1]), tf.slice(last(3), [0, 0, 15, 0], [-1, -1, 1, -1])], 2)
          : tf.concat([tf.fill([2, 16, 1, 3], -1), tf.slice(last(3), [0, 0, 0, 0], [-1, -1, 15, -1])], 2),
      );
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(finest, shifted))).dataSync()[0])).toBeLessThan(1e-5);
      tf.dispose([finest, shifted, history]);
      g.dispose();
    }
  });
});

describe.each(['backward', 'forward'] as const)('flowPx, flowWarp %s: learning', (flowWarp) => {
  it('learns to move a bar: the loss falls and the gradient reaches every scale, with no tensor left behind', () => {
    const config = tinyModelConfig({ flowPx: 1, flowWarp, predictChange: false, initialization: 'he', downsampling: 'area', generatorLearningRate: 0.01 });
    const g = createGenerator(config, 2);
    // A 4-pixel-wide bright bar moving right by 2 pixels a frame on black; the target is the next position.
    const frame = (x: number) => barFrame(x, 2);
    const clips = tf.tidy(() => tf.concat([0, 2, 4, 6, 8].map((x) => frame(x + 8)), 3) as tf.Tensor4D);
    const batch = prepareBatch(clips, config);
    const optimizers = createOptimizers(config);
    const before = tf.memory().numTensors;
    const first = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 40; i++) generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    const last = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    expect(tf.memory().numTensors).toBe(afterFirst); // the optimizer's slots come with the first step only
    expect(afterFirst).toBeGreaterThan(before);
    expect(last.lp).toBeLessThan(0.5 * first.lp);
    // Every scale's flow layer moved from zero.
    for (let k = 0; k < 4; k++) {
      const w = variable(g, `${lastLayerKey(config, k)}/weights`);
      expect(tf.tidy(() => tf.max(tf.abs(w)).dataSync()[0])).toBeGreaterThan(0);
    }
    tf.dispose(clips);
    disposeBatch(batch);
    optimizers.generator.dispose();
    g.dispose();
  });
});

describe('splatCoverage', () => {
  it('a fresh forward model carries the last frame along the prior by the coverage rule; fill and normalize differ from sum where the smoothed prior crowds or thins', () => {
    // A bar moving 2 px a step on a grey ground (what is left behind is not black); the prior smoothed over 9 px spreads
    // fractional flows around it, so some pixels get more than one pixel's weight and some less.
    const history = tf.tidy(() => tf.concat([6, 8, 10, 12].map((x) => tf.mul(barFrame(x, 1), 0.5)), 3) as tf.Tensor4D);
    const last = tf.tidy(() => tf.slice(history, [0, 0, 0, 9], [-1, -1, -1, 3]) as tf.Tensor4D);
    const flow = velocityFlow(history, 3, 4, 7, 9);
    const out: Record<string, number[]> = {};
    for (const splatCoverage of ['sum', 'normalize', 'fill'] as const) {
      const config = tinyModelConfig({ flowPx: 1, flowWarp: 'forward', predictChange: true, initialization: 'he', downsampling: 'area', priorFlowSpan: 3, priorFlowSmoothPx: 9, splatCoverage });
      const g = createGenerator(config, 1);
      const predicted = g.predict(history);
      const expected = tf.tidy(() => tf.sub(tf.mul(splatCovered(tf.mul(tf.add(last, 1), 0.5) as tf.Tensor4D, flow, splatCoverage), 2), 1));
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(predicted, expected))).dataSync()[0])).toBeLessThan(1e-5);
      out[splatCoverage] = Array.from(predicted.dataSync());
      tf.dispose([predicted, expected]);
      g.dispose();
    }
    const largest = (a: number[], b: number[]) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
    expect(largest(out.normalize, out.sum)).toBeGreaterThan(0.05);
    expect(largest(out.fill, out.normalize)).toBeGreaterThan(0.05);
    tf.dispose([history, last, flow]);
  });
});
