import * as tf from '@tensorflow/tfjs-core';
import { velocityFlow } from './block-match';
import { splatCovered } from './splat';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import { outputClip, createDiscriminator, createGenerator, gaussianBlur, createOptimizers, discriminatorStats, downsample, feedBack, generatorStep, gradientDifferenceLoss, lpLoss, predictFrame, predictRecursively, prepareBatch, disposeBatch, type Frame8, type ModelConfig } from './index';
import { tinyModelConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

/** `batch` 32×32 frames in [-1, 1]: black with a white bar `width` pixels wide from column x (the flow specs move it). */
function barFrame(x: number, batch: number, width = 4): tf.Tensor4D {
  return tf.tidy(() => tf.sub(tf.mul(tf.tile(tf.reshape(tf.sum(tf.oneHot(tf.range(x, x + width, 1, 'int32'), 32), 0), [1, 1, 32, 1]), [batch, 32, 1, 3]), 2), 1) as tf.Tensor4D);
}

function stats(values: Float32Array | Int32Array | Uint8Array): { mean: number; std: number; maxAbs: number } {
  const v = Array.from(values);
  const mean = v.reduce((s, x) => s + x, 0) / v.length;
  return { mean, std: Math.sqrt(v.reduce((s, x) => s + (x - mean) ** 2, 0) / v.length), maxAbs: Math.max(...v.map(Math.abs)) };
}

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

describe.each(['backward', 'forward'] as const)('flowPx, flowWarp %s', (flowWarp) => {
  const lastLayerKey = (config: ReturnType<typeof tinyModelConfig>, k: number) => `generator/scale${k}/conv${config.generator[k].kernelSizes.length - 1}`;
  const variable = (g: ReturnType<typeof createGenerator>, key: string): tf.Variable => {
    const found = g.parameters.find((p) => p.key === key);
    if (!found) throw new Error(`no parameter ${key}`);
    return found.variable;
  };

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

describe.each(['backward', 'forward'] as const)('priorFlowSpan, flowWarp %s', (flowWarp) => {
  const frame = (x: number) => barFrame(x, 1);

  it('a fresh model carries the bar on at the speed the inputs show; without the prior it copies the last frame', () => {
    const history = tf.tidy(() => tf.concat([6, 8, 10, 12].map(frame), 3) as tf.Tensor4D);
    const next = frame(14);
    const error = (config: Partial<ModelConfig>) => {
      const g = createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, predictChange: false, initialization: 'he', downsampling: 'area', ...config }), 1);
      const before = tf.memory().numTensors;
      const scales = g.predictScales(history);
      const finest = scales[scales.length - 1];
      const value = tf.tidy(() => tf.max(tf.abs(tf.sub(finest, next))).dataSync()[0]);
      tf.dispose(scales);
      const leaked = tf.memory().numTensors - before;
      g.dispose();
      return { value, leaked };
    };
    expect(error({ priorFlowSpan: 3 })).toEqual({ value: expect.closeTo(0, 5), leaked: 0 });
    expect(error({ priorFlowSpan: 1 }).value).toBeCloseTo(0, 5);
    // priorFlowInput: the networks also see the prior (2 more input channels); a fresh model still predicts it.
    expect(error({ priorFlowSpan: 3, priorFlowInput: true })).toEqual({ value: expect.closeTo(0, 5), leaked: 0 });
    const seeing = createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, priorFlowSpan: 3, priorFlowInput: true }), 1);
    const config = tinyModelConfig({});
    config.generator.forEach((scale, k) => expect(seeing.parameters.find((p) => p.key === `generator/scale${k}/conv0/weights`)?.variable.shape[2]).toBe(scale.featureMaps[0] + 2));
    seeing.dispose();
    // Without it: the last frame, 2 at the bar's new columns (white against black).
    expect(error({ priorFlowSpan: 0 }).value).toBe(2);
    tf.dispose([history, next]);
  });

  it('priorFlowWindowPx: a bar wider than the window is matched by its edges only with a window wider than it', () => {
    // A 12-pixel bar, 2 px a frame. Over a span of 3 frames it moved 6 px; a 7×7 window inside it is
    // all white before and after any shift from 1 to 6 px, and the shortest (1 px, 1/3 px a frame) wins.
    const wide = (x: number) => barFrame(x, 1, 12);
    const history = tf.tidy(() => tf.concat([2, 4, 6, 8].map(wide), 3) as tf.Tensor4D);
    const next = wide(10);
    const error = (priorFlowWindowPx: number) => {
      const g = createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, predictChange: false, initialization: 'he', downsampling: 'area', priorFlowSpan: 3, priorFlowWindowPx }), 1);
      const scales = g.predictScales(history);
      const value = tf.tidy(() => tf.max(tf.abs(tf.sub(scales[scales.length - 1], next))).dataSync()[0]);
      tf.dispose(scales);
      g.dispose();
      return value;
    };
    expect(error(15)).toBeCloseTo(0, 5);
    // Forward, the middle of the bar is carried 1/3 px while its edges go 2: it piles up and tears.
    // Backward, each pixel samples the last frame 1/3 px back inside the bar: white either way.
    if (flowWarp === 'forward') expect(error(7)).toBeGreaterThan(0.5);
    else expect(error(7)).toBeCloseTo(0, 5);
    tf.dispose([history, next]);
    expect(() => tinyModelConfig({ priorFlowWindowPx: 8 })).toThrow('priorFlowWindowPx: must be odd');
  });

  it('learns what the prior gets wrong (a bar that slows down), seeing the prior: the loss falls, every scale learns, no tensor left behind', () => {
    const config = tinyModelConfig({ flowPx: 1, flowWarp, priorFlowSpan: 3, priorFlowInput: true, predictChange: false, initialization: 'he', downsampling: 'area', generatorLearningRate: 0.01 });
    const g = createGenerator(config, 2);
    // 2 px a frame, then only 1: the prior says 14, the truth is 13.
    const clips = tf.tidy(() => tf.tile(tf.concat([6, 8, 10, 12, 13].map(frame), 3), [2, 1, 1, 1]) as tf.Tensor4D);
    const batch = prepareBatch(clips, config);
    const optimizers = createOptimizers(config);
    const first = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    const afterFirst = tf.memory().numTensors;
    for (let i = 0; i < 15; i++) generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    const last = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    expect(tf.memory().numTensors).toBe(afterFirst);
    expect(last.lp).toBeLessThan(0.5 * first.lp);
    for (let k = 0; k < 4; k++) {
      const w = g.parameters.find((p) => p.key === `generator/scale${k}/conv${config.generator[k].kernelSizes.length - 1}/weights`)?.variable;
      expect(w && tf.tidy(() => tf.max(tf.abs(w)).dataSync()[0])).toBeGreaterThan(0);
    }
    tf.dispose(clips);
    disposeBatch(batch);
    optimizers.generator.dispose();
    g.dispose();
  });

  it('needs a predicted flow to add to, in one line', () => {
    expect(() => createGenerator(tinyModelConfig({ flowPx: 0, flowWarp, priorFlowSpan: 3 }), 1)).toThrow('priorFlowSpan 3 needs flowPx > 0 (the prior adds to a predicted flow)');
    expect(() => createGenerator(tinyModelConfig({ flowPx: 0, flowWarp, moveBlurPx: 0.5 }), 1)).toThrow('moveBlurPx 0.5 needs flowPx > 0 (it blurs what a flow moves)');
  });

  it('priorGate: what the network learned acts only where the prior sees motion; a still frame is predicted exactly', () => {
    const predictWith = (positions: number[], priorGate: boolean) => {
      const g = createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, predictChange: true, initialization: 'he', downsampling: 'area', priorFlowSpan: 3, priorGate }), 1);
      // Weights moved off the fresh model's zero flow and change, so the network does change things.
      g.parameters.forEach((p, i) => p.variable.assign(tf.tidy(() => tf.add(p.variable, tf.randomNormal(p.variable.shape, 0, 0.1, 'float32', i)))));
      const history = tf.tidy(() => tf.concat(positions.map(frame), 3) as tf.Tensor4D);
      const before = tf.memory().numTensors;
      const scales = g.predictScales(history);
      expect(tf.memory().numTensors - before).toBe(scales.length);
      const out = scales.pop() as tf.Tensor4D;
      tf.dispose([history, ...scales]);
      g.dispose();
      return out;
    };
    const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    const last = frame(10);
    const [gated, free] = [predictWith([10, 10, 10, 10], true), predictWith([10, 10, 10, 10], false)];
    expect(maxError(gated, last)).toBe(0);
    expect(maxError(free, last)).toBeGreaterThan(0.01);
    // Moving: the network acts near the bar (the prediction is not the prior's alone: the bar at 14)
    // and not where the prior sees no motion (columns 24–31, ahead of the bar beyond the matching
    // windows: the last frame's black exactly; behind it, where the bar was, block matching does see motion).
    const [gatedMoving, freeMoving] = [predictWith([6, 8, 10, 12], true), predictWith([6, 8, 10, 12], false)];
    const columns = (t: tf.Tensor, from: number, width: number) => tf.tidy(() => tf.slice(t, [0, 0, from, 0], [-1, -1, width, -1]));
    const [carried, lastMoving] = [frame(14), frame(12)];
    expect(maxError(columns(gatedMoving, 12, 8), columns(carried, 12, 8))).toBeGreaterThan(0.01);
    expect(maxError(columns(gatedMoving, 24, 8), columns(lastMoving, 24, 8))).toBe(0);
    expect(maxError(columns(freeMoving, 24, 8), columns(lastMoving, 24, 8))).toBeGreaterThan(0.01);
    tf.dispose([carried, lastMoving]);
    tf.dispose([last, gated, free, gatedMoving, freeMoving]);
    expect(() => createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, priorGate: true }), 1)).toThrow("priorGate needs priorFlowSpan > 0 (it gates by the prior's motion)");
  });

  it('priorConfidence: a fresh model carries the bar as the prior does; a confidence switched off predicts the last frame exactly', () => {
    const config = tinyModelConfig({ flowPx: 1, flowWarp, predictChange: true, initialization: 'he', downsampling: 'area', priorFlowSpan: 3, priorGate: true, priorConfidence: true });
    const history = tf.tidy(() => tf.concat([6, 8, 10, 12].map(frame), 3) as tf.Tensor4D);
    const [carried, last] = [frame(14), frame(12)];
    const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    const g = createGenerator(config, 1);
    const lastLayer = (k: number, part: string) => g.parameters.find((p) => p.key === `generator/scale${k}/conv${config.generator[k].kernelSizes.length - 1}/${part}`)?.variable as tf.Variable;
    // flow 2 + change 3 + confidence 1 output channels at every scale.
    config.generator.forEach((_, k) => expect(lastLayer(k, 'weights').shape[3]).toBe(6));
    const finest = () => {
      const before = tf.memory().numTensors;
      const scales = g.predictScales(history);
      expect(tf.memory().numTensors - before).toBe(scales.length);
      const out = scales.pop() as tf.Tensor4D;
      tf.dispose(scales);
      return out;
    };
    const fresh = finest();
    expect(maxError(fresh, carried)).toBeCloseTo(0, 5);
    // The confidence channel's bias at −20 at every scale: weight 2·sigmoid(−20) ≈ 4e-9, the prior is off.
    config.generator.forEach((_, k) => lastLayer(k, 'bias').assign(tf.tidy(() => tf.concat([tf.zeros([5]), tf.fill([1], -20)]))));
    const off = finest();
    expect(maxError(off, last)).toBeLessThan(1e-6);
    tf.dispose([history, carried, last, fresh, off]);
    g.dispose();
    expect(() => createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, priorConfidence: true }), 1)).toThrow('priorConfidence needs priorFlowSpan > 0 (it weighs the prior)');
  });

  it('priorConfidence learns to turn the prior down where motion stops', () => {
    // A bar moving 2 px a frame that stops: the prior says 14, the truth stays at 12.
    const clips = tf.tidy(() => tf.tile(tf.concat([6, 8, 10, 12, 12].map(frame), 3), [2, 1, 1, 1]) as tf.Tensor4D);
    const train = (priorConfidence: boolean) => {
      const config = tinyModelConfig({ flowPx: 1, flowWarp, priorFlowSpan: 3, priorFlowInput: true, priorGate: true, priorConfidence, predictChange: false, initialization: 'he', downsampling: 'area', generatorLearningRate: 0.01 });
      const g = createGenerator(config, 2);
      const batch = prepareBatch(clips, config);
      const optimizers = createOptimizers(config);
      const first = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
      const afterFirst = tf.memory().numTensors;
      let last = first;
      for (let i = 0; i < 30; i++) last = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
      expect(tf.memory().numTensors).toBe(afterFirst);
      disposeBatch(batch);
      optimizers.generator.dispose();
      g.dispose();
      return { first: first.lp, last: last.lp };
    };
    const [bound, confident] = [train(false), train(true)];
    expect(confident.first).toBeCloseTo(bound.first, 5);
    expect(confident.last).toBeLessThan(0.35 * confident.first);
    // Sampling backward, the learned flow alone cannot undo the prior ahead of the bar (seen: 0.27
    // of 0.30 after 30 steps); turning the prior off can (seen: 0). Carried forward, both can.
    if (flowWarp === 'backward') expect(confident.last).toBeLessThan(0.5 * bound.last);
    tf.dispose(clips);
  });

  it('moveBlurPx: a fresh model softens the bar it carries and keeps a still one exact', () => {
    const finest = (positions: number[], moveBlurPx: number) => {
      const g = createGenerator(tinyModelConfig({ flowPx: 1, flowWarp, predictChange: false, initialization: 'he', downsampling: 'area', priorFlowSpan: 3, moveBlurPx }), 1);
      const history = tf.tidy(() => tf.concat(positions.map(frame), 3) as tf.Tensor4D);
      const before = tf.memory().numTensors;
      const scales = g.predictScales(history);
      const out = scales[scales.length - 1];
      expect(tf.memory().numTensors - before).toBe(scales.length);
      tf.dispose([history, ...scales.slice(0, -1)]);
      g.dispose();
      return out;
    };
    const maxError = (a: tf.Tensor, b: tf.Tensor) => tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
    // A still bar: no flow, no blur; the prediction is the last frame to the bit.
    const still = finest([10, 10, 10, 10], 1);
    const last = frame(10);
    expect(maxError(still, last)).toBe(0);
    // A bar moving 2 px a frame lands at 14 blurred by σ 1 px: its row near the truth blurred, far from the sharp truth.
    const moving = finest([6, 8, 10, 12], 1);
    const next = frame(14);
    const blurred = gaussianBlur(next, 1);
    const bar = (t: tf.Tensor) => tf.tidy(() => tf.slice(t, [0, 0, 12, 0], [-1, -1, 6, -1]));
    // Forward: the last frame blurred where it moves, then carried: exactly the truth blurred.
    // Backward: blurred where the flow lands, which near the bar's leading edge is not everywhere it should be.
    if (flowWarp === 'forward') expect(maxError(moving, blurred)).toBeLessThan(1e-3);
    else expect(maxError(bar(moving), bar(blurred))).toBeLessThan(1e-3);
    expect(maxError(moving, next)).toBeGreaterThan(0.5);
    tf.dispose(blurred);
    tf.dispose([still, last, moving, next]);
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
