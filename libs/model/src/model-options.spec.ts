import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { outputClip, createDiscriminator, createGenerator, createOptimizers, discriminatorStats, downsample, feedBack, generatorStep, gradientDifferenceLoss, lpLoss, predictFrame, predictRecursively, prepareBatch, disposeBatch, type Frame8 } from './index';
import { tinyModelConfig, valueStats as stats } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

describe('initialization', () => {
  // Scale 3's first convolution in the tiny config: 7×7×15 → 8, fan-in 735, fan-out 392.
  const firstConv = (kind: 'port' | 'torch' | 'he' | 'glorot') => {
    const g = createGenerator(tinyModelConfig({ initialization: kind }), 5);
    const weights = g.parameters.find((p) => p.key === 'generator/scale3/conv0/weights') as { variable: tf.Variable };
    const bias = g.parameters.find((p) => p.key === 'generator/scale3/conv0/bias') as { variable: tf.Variable };
    expect(weights.variable.shape).toEqual([7, 7, 15, 8]);
    const out = { w: stats(weights.variable.dataSync() as Float32Array), b: Array.from(bias.variable.dataSync()) };
    g.dispose();
    return out;
  };

  it('port: truncated normal σ 0.01, biases 0.1', () => {
    const { w, b } = firstConv('port');
    expect(w.std).toBeGreaterThan(0.0075);
    expect(w.std).toBeLessThan(0.0095);
    expect(w.maxAbs).toBeLessThanOrEqual(0.02 + 1e-6);
    expect(b.every((v) => Math.abs(v - 0.1) < 1e-7)).toBe(true);
  });

  it('torch: weights and biases uniform in ±1/√fan-in', () => {
    const { w, b } = firstConv('torch');
    const limit = 1 / Math.sqrt(735);
    expect(w.maxAbs).toBeLessThanOrEqual(limit);
    expect(w.std).toBeCloseTo(limit / Math.sqrt(3), 3); // uniform: σ = limit / √3
    expect(b.every((v) => Math.abs(v) <= limit)).toBe(true);
    expect(new Set(b).size).toBe(8);
  });

  it('he: normal σ √(2/fan-in), biases 0', () => {
    const { w, b } = firstConv('he');
    expect(w.std).toBeGreaterThan(0.95 * Math.sqrt(2 / 735));
    expect(w.std).toBeLessThan(1.05 * Math.sqrt(2 / 735));
    expect(b).toEqual(new Array(8).fill(0));
  });

  it('glorot: uniform in ±√(6/(fan-in + fan-out)), biases 0', () => {
    const { w, b } = firstConv('glorot');
    const limit = Math.sqrt(6 / (735 + 392));
    expect(w.maxAbs).toBeLessThanOrEqual(limit);
    expect(w.std).toBeCloseTo(limit / Math.sqrt(3), 3);
    expect(b).toEqual(new Array(8).fill(0));
  });

  it('the discriminator follows the same choice, reproducibly', () => {
    const a = createDiscriminator(tinyModelConfig({ initialization: 'he' }), 2);
    const b = createDiscriminator(tinyModelConfig({ initialization: 'he' }), 2);
    const fc = (d: typeof a) => d.parameters.find((p) => p.key === 'discriminator/scale3/fc0/weights')?.variable.dataSync() as Float32Array;
    expect(Array.from(fc(a))).toEqual(Array.from(fc(b)));
    const fanIn = a.parameters.find((p) => p.key === 'discriminator/scale3/fc0/weights')?.variable.shape[0] ?? Number.NaN;
    expect(stats(fc(a)).std).toBeGreaterThan(0.8 * Math.sqrt(2 / fanIn));
    a.dispose();
    b.dispose();
  });
});

describe('downsample', () => {
  const image = tf.tensor4d([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16], [1, 4, 4, 1]);
  it('area: the mean of each block; bilinear at ×2: one pixel of each block', () => {
    expect(Array.from(downsample(image, [2, 2], 'area').dataSync())).toEqual([3.5, 5.5, 11.5, 13.5]);
    expect(Array.from(downsample(image, [1, 1], 'area').dataSync())).toEqual([8.5]);
    expect(Array.from(downsample(image, [2, 2], 'bilinear').dataSync())).toEqual([1, 3, 9, 11]);
    expect(downsample(image, [4, 4], 'area')).toBe(image);
  });
});

describe('predictChange', () => {
  it('a fresh model predicts exactly the last frame at every scale, and learns a change', () => {
    const config = tinyModelConfig({ predictChange: true, initialization: 'he', downsampling: 'area', generatorLearningRate: 0.01 });
    const g = createGenerator(config, 1);
    // Random history, a black next frame: the change to learn is "darken everything".
    const clips = tf.tidy(() => tf.concat([tf.randomUniform([2, 32, 32, 12], -1, 1, 'float32', 4), tf.fill([2, 32, 32, 3], -1)], 3) as tf.Tensor4D);
    const batch = prepareBatch(clips, config);
    const before = tf.memory().numTensors;
    const scales = g.predictScales(batch.history);
    scales.forEach((s, k) => {
      const difference = tf.tidy(() => tf.max(tf.abs(tf.sub(s, tf.slice(batch.historyScales[k], [0, 0, 0, 9], [-1, -1, -1, 3])))).dataSync()[0]);
      expect(difference).toBe(0);
    });
    tf.dispose(scales);
    expect(tf.memory().numTensors).toBe(before);
    const optimizers = createOptimizers(config);
    const first = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    for (let i = 0; i < 10; i++) generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    const last = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    expect(last.lp).toBeLessThan(0.8 * first.lp);
    const finest = g.predictScales(batch.history);
    const target = tf.slice(batch.history, [0, 0, 0, 9], [-1, -1, -1, 3]);
    expect(tf.tidy(() => tf.max(tf.abs(tf.sub(finest[3], target))).dataSync()[0])).toBeGreaterThan(0);
    tf.dispose([...finest, target, clips]);
    disposeBatch(batch);
    g.dispose();
  });
});

describe('changeScale', () => {
  it.each([
    [1, 1],
    [2, 2],
  ])('with changeScale %d a saturated last layer changes a pixel by %d (black to white needs +2)', (changeScale, expected) => {
    const config = tinyModelConfig({ predictChange: true, initialization: 'he', downsampling: 'area', changeScale });
    const g = createGenerator(config, 1);
    // The coarser scales' last layers stay at zero (no change); the finest one's bias saturates tanh at +1.
    const finestBias = g.parameters.find((p) => p.key === `generator/scale${config.generator.length - 1}/conv${config.generator.at(-1)!.kernelSizes.length - 1}/bias`)!;
    finestBias.variable.assign(tf.fill(finestBias.variable.shape, 20));
    const history = tf.fill([1, 16, 16, 12], -1) as tf.Tensor4D; // black history
    const before = tf.memory().numTensors;
    const scales = g.predictScales(history);
    expect(Array.from(scales.at(-1)!.dataSync()).every((v) => v === -1 + expected)).toBe(true);
    expect(Array.from(scales[0].dataSync()).every((v) => v === -1)).toBe(true);
    tf.dispose(scales);
    expect(tf.memory().numTensors).toBe(before);
    history.dispose();
    g.dispose();
  });
});

describe('clipFeedback', () => {
  const frame = (seed: number): Frame8 => ({ data: Uint8Array.from({ length: 16 * 16 * 3 }, (_, i) => (i * 37 + seed * 101) % 256), width: 16, height: 16 });
  const history = [frame(1), frame(2), frame(3), frame(4)];
  const toSigned = (f: Frame8) => tf.sub(tf.div(tf.tensor3d(f.data, [16, 16, 3], 'float32'), 127.5), 1) as tf.Tensor3D;

  it('feeds the prediction back clipped to [-1, 1], and unclipped without it', () => {
    // Biases of 1 in every layer: the residual scales sum tanh outputs near 1 to about 4, far out of range.
    for (const clip of [true, false]) {
      const g = createGenerator(tinyModelConfig({ initialization: 'port', predictChange: false, initStdDev: 0.05, initBias: 1, clipFeedback: clip }), 3);
      const inputs = history.map(toSigned);
      const first = predictFrame(g, tf.concat(inputs, 2) as tf.Tensor3D);
      expect(tf.max(first).dataSync()[0]).toBeGreaterThan(1.5);
      const fedBack = clip ? tf.clipByValue(first, -1, 1) : first;
      const second = predictFrame(g, tf.concat([...inputs.slice(1), fedBack], 2) as tf.Tensor3D);
      const expected = Array.from(tf.clipByValue(tf.round(tf.mul(tf.add(second, 1), 127.5)), 0, 255).dataSync());
      const before = tf.memory().numTensors;
      const predicted = predictRecursively(g, history, 2);
      expect(tf.memory().numTensors).toBe(before);
      expect(Array.from(predicted[1].data)).toEqual(expected);
      tf.dispose([...inputs, first, fedBack, second]);
      g.dispose();
    }
  });
});

describe('discriminatorStats', () => {
  it('means per scale, and accuracy: real above 0.5 and generated below count as right', () => {
    const s = discriminatorStats([Float32Array.from([0.9, 0.4]), Float32Array.from([0.5, 0.5])], [Float32Array.from([0.1, 0.6]), Float32Array.from([0.5, 0.5])]);
    expect(s.realMean[0]).toBeCloseTo(0.65, 6);
    expect(s.generatedMean[0]).toBeCloseTo(0.35, 6);
    expect(s.accuracy).toEqual([0.5, 0]);
  });
});

describe('discriminatorLeak', () => {
  // Kill the last conv layer of the finest scale (every bias -100: no unit ever positive), as
  // Adam's first updates did in the demo, and ask what gradient reaches the layer below.
  const gradientBelowDeadLayer = (leak: number) => {
    const config = tinyModelConfig({ discriminatorLeak: leak, initialization: 'he' });
    const d = createDiscriminator(config, 2);
    const last = config.discriminator[3].kernelSizes.length - 1;
    const bias = d.parameters.find((p) => p.key === `discriminator/scale3/conv${last}/bias`) as { variable: tf.Variable };
    bias.variable.assign(tf.fill(bias.variable.shape, -100));
    // A last fully connected layer that is not zero, so the output depends on the features.
    const fc = d.parameters.find((p) => p.key === 'discriminator/scale3/fc2/weights') as { variable: tf.Variable };
    fc.variable.assign(tf.fill(fc.variable.shape, 1e-4)); // small: D stays inside its output clip, where gradients flow
    const below = d.parameters.find((p) => p.key === `discriminator/scale3/conv${last - 1}/weights`) as { variable: tf.Variable };
    const sizes = [4, 8, 16, 32];
    const frames = sizes.map((s) => tf.randomUniform([2, s, s, 3], -1, 1, 'float32', 1) as tf.Tensor4D);
    const history = sizes.map((s) => tf.randomUniform([2, s, s, 12], -1, 1, 'float32', 2) as tf.Tensor4D);
    const grad = tf.tidy(() => {
      const { grads } = tf.variableGrads(() => tf.sum(tf.stack(d.predict(frames, history).map((t) => tf.sum(t)))) as tf.Scalar, [below.variable]);
      return tf.abs(grads[below.variable.name]).max().dataSync()[0];
    });
    tf.dispose([...frames, ...history]);
    d.dispose();
    return grad;
  };

  it('a dead ReLU layer passes no gradient; a leaky one (0.2) still does', () => {
    expect(gradientBelowDeadLayer(0)).toBe(0);
    expect(gradientBelowDeadLayer(0.2)).toBeGreaterThan(0);
  });
});

describe('rolloutSteps', () => {
  const clipsOf = (frames: number) => tf.randomUniform([2, 32, 32, 3 * frames], -1, 1, 'float32', 11) as tf.Tensor4D;

  it('2: lp and gdl are the means of the first step and of a second step predicted from the fed-back frame', () => {
    const config = tinyModelConfig({ rolloutSteps: 2, batchSize: 2, predictChange: false });
    const generator = createGenerator(config, 4);
    const clips = clipsOf(6);
    const batch = prepareBatch(clips, config);
    expect(batch.laterTargets).toHaveLength(1);
    expect(batch.laterTargets[0].map((t) => t.shape[1])).toEqual([4, 8, 16, 32]);
    // By hand: step 1 from the true frames, step 2 from frames 2–4 and step 1's prediction, clipped.
    const [lp1, lp2, gdl1, gdl2] = tf.tidy(() => {
      const first = generator.predictScales(batch.history);
      const fed = tf.concat([tf.slice(batch.history, [0, 0, 0, 3], [2, 32, 32, 9]), tf.clipByValue(first[3], -1, 1)], 3);
      expect(Array.from(feedBack(batch.history, first[3], true).dataSync())).toEqual(Array.from(fed.dataSync()));
      const second = generator.predictScales(fed);
      return [
        lpLoss(first, batch.targets, 2, 'mean'),
        lpLoss(second, batch.laterTargets[0], 2, 'mean'),
        gradientDifferenceLoss(first, batch.targets, 1, 'mean'),
        gradientDifferenceLoss(second, batch.laterTargets[0], 1, 'mean'),
      ].map((t) => t.dataSync()[0]);
    });
    expect(lp2).not.toBeCloseTo(lp1, 3);
    const result = generatorStep({ generator }, tf.train.adam(0.001), batch, { adversarial: false });
    expect(result.lp).toBeCloseTo((lp1 + lp2) / 2, 5);
    expect(result.gdl).toBeCloseTo((gdl1 + gdl2) / 2, 5);
    disposeBatch(batch);
    clips.dispose();
    generator.dispose();
  });

  it('needs clips of history + k frames', () => {
    const clips = clipsOf(5);
    expect(() => prepareBatch(clips, tinyModelConfig({ rolloutSteps: 2 }))).toThrow('clips have 15 channels, the model needs 18 (history 4 + 2 frames)');
    clips.dispose();
  });
});

describe('discriminatorClipGradient', () => {
  // Outputs 0.95 (beyond the clip), 0.5 (inside) and 0.05 (below): the loss -Σ log(1 − clip(p)).
  const gradientOf = (mode: 'zero' | 'pass') =>
    tf.tidy(() => {
      const p = tf.tensor2d([[0.95], [0.5], [0.05]]);
      const value = outputClip([0.1, 0.9], mode)(p);
      const grad = tf.grad((x: tf.Tensor) => tf.neg(tf.sum(tf.log(tf.sub(1, outputClip([0.1, 0.9], mode)(x as tf.Tensor2D))))))(p);
      return { value: Array.from(value.dataSync()), grad: Array.from(grad.dataSync()) };
    });

  it('zero (the spec): no gradient beyond the range; pass: the same values, the gradient of the clipped value', () => {
    const zero = gradientOf('zero');
    const pass = gradientOf('pass');
    expect(zero.value).toEqual(pass.value);
    expect(pass.value.map((v) => Number(v.toFixed(6)))).toEqual([0.9, 0.5, 0.1]);
    // d/dp −log(1 − p) = 1 / (1 − p): at the clipped 0.9 that is 10, at 0.5 it is 2, at 0.1 1.111…
    expect(zero.grad[0]).toBe(0);
    expect(zero.grad[1]).toBeCloseTo(2, 5);
    expect(zero.grad[2]).toBe(0);
    expect(pass.grad[0]).toBeCloseTo(10, 4);
    expect(pass.grad[1]).toBeCloseTo(2, 5);
    expect(pass.grad[2]).toBeCloseTo(1 / 0.9, 5);
  });
});
