import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import {
  PAPER_PRESET, SPEC_PRESET, TRAINING_THAT_LEARNS, createDiscriminator, createGenerator, createOptimizers,
  discriminatorStep, disposeBatch, generatorStep, parameterCount, prepareBatch, resolveModelConfig, type ModelConfig,
} from './index';
import { parameterValues as values, randomClips as clips, sameValues as same, tinyModelConfig, tinyTrainingConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

const tiny: ModelConfig = tinyTrainingConfig();

describe('discriminatorOutputStdDev', () => {
  it('starts the output layer at zero (every layer below without gradient) or small and random (every layer learning from step 1)', () => {
    const lower = (config: ModelConfig) => {
      const g = createGenerator(config, 1);
      const d = createDiscriminator(config, 1);
      const before = values(d.parameters);
      const batch = prepareBatch(clips(3), config);
      const { stats } = discriminatorStep({ generator: g, discriminator: d }, createOptimizers(config).discriminator, batch);
      const after = values(d.parameters);
      // Which convolution weights of the finest scale moved in the first step.
      const moved = d.parameters.flatMap((p, i) => (/scale3\/conv\d\/weights$/.test(p.key) ? [!same([before[i]], [after[i]])] : []));
      const last = d.parameters.find((p) => p.key === 'discriminator/scale3/fc2/weights')?.variable.dataSync() as Float32Array;
      disposeBatch(batch);
      g.dispose();
      d.dispose();
      return { moved, stats, lastStd: Math.sqrt(Array.from(before[d.parameters.findIndex((p) => p.key === 'discriminator/scale3/fc2/weights')]).reduce((s, x) => s + x * x, 0) / last.length) };
    };
    const he = tinyModelConfig({ initialization: 'he', predictChange: true });
    const zero = lower(he);
    expect(zero.lastStd).toBe(0);
    expect(zero.stats.realMean).toEqual([0.5, 0.5, 0.5, 0.5]);
    expect(zero.moved.every((m) => !m)).toBe(true);
    const small = lower({ ...he, discriminatorOutputStdDev: 0.01 });
    expect(small.lastStd).toBeGreaterThan(0.005);
    expect(small.lastStd).toBeLessThan(0.015);
    small.stats.realMean.forEach((m) => expect(Math.abs(m - 0.5)).toBeLessThan(0.05));
    expect(small.moved.every((m) => m)).toBe(true);
  });
});

describe('networks: outputs', () => {
  it('predicts one frame per scale, coarse to fine, and D one probability per scale', () => {
    const g = createGenerator(tiny, 1);
    const d = createDiscriminator(tiny, 1);
    const input = clips(1);
    const batch = prepareBatch(input, tiny);
    const outputs = g.predictScales(batch.history);
    expect(outputs.map((o) => o.shape)).toEqual([[2, 4, 4, 3], [2, 8, 8, 3], [2, 16, 16, 3], [2, 32, 32, 3]]);
    const probabilities = d.predict(outputs, batch.historyScales);
    expect(probabilities.map((p) => p.shape)).toEqual([[2, 1], [2, 1], [2, 1], [2, 1]]);
    for (const p of probabilities) for (const v of p.dataSync()) expect(v >= 0.1 - 1e-6 && v <= 0.9 + 1e-6).toBe(true);
    tf.dispose([...outputs, ...probabilities, input]);
    disposeBatch(batch);
    g.dispose();
    d.dispose();
  });

  it('runs the generator on frames of any size', () => {
    const g = createGenerator(tiny, 2);
    const frames = tf.randomUniform([1, 37, 53, 12], -1, 1, 'float32', 3) as tf.Tensor4D;
    const out = g.predict(frames);
    expect(out.shape).toEqual([1, 37, 53, 3]);
    expect(() => g.predictScales(frames)).toThrow('generator input 37x53 must be a multiple of 8');
    tf.dispose([frames, out]);
    g.dispose();
  });
});

describe('networks: parameters and initialisation', () => {
  it("has the spec's parameter count in the paper preset", () => {
    const config = resolveModelConfig('paper');
    expect(config.generator.map((s) => s.featureMaps[0])).toEqual([12, 15, 15, 15]);
    // Σ k²·in·out + out over each conv, from the spec's tables.
    const conv = (k: number, i: number, o: number) => k * k * i * o + o;
    const fc = (i: number, o: number) => i * o + o;
    const generator =
      conv(3, 12, 128) + conv(3, 128, 256) + conv(3, 256, 128) + conv(3, 128, 3) +
      conv(5, 15, 128) + conv(3, 128, 256) + conv(3, 256, 128) + conv(5, 128, 3) +
      conv(5, 15, 128) + conv(3, 128, 256) + conv(3, 256, 512) + conv(3, 512, 256) + conv(3, 256, 128) + conv(5, 128, 3) +
      conv(7, 15, 128) + conv(5, 128, 256) + conv(5, 256, 512) + conv(5, 512, 256) + conv(5, 256, 128) + conv(7, 128, 3);
    // Discriminator, conditional (15 input channels): flatten sizes after VALID convs and a 2×2 pool:
    // 4→2→1 (×64), 8→2→1 (×128), 16→4→2 (×256), 32→12→6 (×128).
    const discriminator =
      conv(3, 15, 64) + fc(1 * 64, 512) + fc(512, 256) + fc(256, 1) +
      conv(3, 15, 64) + conv(3, 64, 128) + conv(3, 128, 128) + fc(1 * 128, 1024) + fc(1024, 512) + fc(512, 1) +
      conv(5, 15, 128) + conv(5, 128, 256) + conv(5, 256, 256) + fc(2 * 2 * 256, 1024) + fc(1024, 512) + fc(512, 1) +
      conv(7, 15, 128) + conv(7, 128, 256) + conv(5, 256, 512) + conv(5, 512, 128) + fc(6 * 6 * 128, 1024) + fc(1024, 512) + fc(512, 1);
    expect(generator).toBe(12_569_740);
    const g = createGenerator(config, 0);
    const d = createDiscriminator(config, 0);
    expect(parameterCount(g.parameters)).toBe(generator);
    expect(parameterCount(d.parameters)).toBe(discriminator);
    g.dispose();
    d.dispose();
    expect(PAPER_PRESET.generatorLearningRate).toBe(0.00004);
    // `spec` is docs/model-spec.md exactly; `paper` the same networks with the training that learns.
    expect(SPEC_PRESET).toMatchObject({
      initialization: 'port', initStdDev: 0.01, initBias: 0.1, downsampling: 'bilinear', predictChange: false, clipFeedback: false,
      lossReduction: 'sum', discriminatorOptimizer: 'sgd', discriminatorLearningRate: 0.02, discriminatorClip: [0.1, 0.9], adversarialWeight: 0.05,
    });
    expect(PAPER_PRESET.generator).toEqual(SPEC_PRESET.generator);
    expect(PAPER_PRESET.discriminator).toEqual(SPEC_PRESET.discriminator);
    expect(PAPER_PRESET).toMatchObject({ ...TRAINING_THAT_LEARNS, preset: 'paper' });
  });

  it('initialises weights from a truncated normal (σ 0.01) and biases at 0.1 (port), reproducibly', () => {
    const port = { ...tiny, initialization: 'port' as const };
    const a = createGenerator(port, 7);
    const b = createGenerator(port, 7);
    const c = createGenerator(port, 8);
    const weights = a.parameters[0].variable.dataSync() as Float32Array;
    const mean = weights.reduce((s, v) => s + v, 0) / weights.length;
    const std = Math.sqrt(weights.reduce((s, v) => s + (v - mean) ** 2, 0) / weights.length);
    expect(std).toBeGreaterThan(0.007);
    expect(std).toBeLessThan(0.0095); // truncated at 2σ: std ≈ 0.88σ
    expect(Math.max(...weights.map(Math.abs))).toBeLessThanOrEqual(0.02 + 1e-6);
    expect(Array.from(a.parameters[1].variable.dataSync()).every((v) => Math.abs(v - 0.1) < 1e-7)).toBe(true);
    expect(same(values(a.parameters), values(b.parameters))).toBe(true);
    expect(same(values(a.parameters), values(c.parameters))).toBe(false);
    [a, b, c].forEach((n) => n.dispose());
  });
});

let g: ReturnType<typeof createGenerator>;
let d: ReturnType<typeof createDiscriminator>;

/** Fresh tiny networks (seed 3) in `g` and `d` before each test of the calling describe block, disposed after it. */
function freshNetworks(): void {
  beforeEach(() => {
    g = createGenerator(tiny, 3);
    d = createDiscriminator(tiny, 3);
  });
  afterEach(() => {
    g.dispose();
    d.dispose();
  });
}

describe('training steps: what each step moves', () => {
  freshNetworks();

  it('a generator step moves only the generator; its total is the weighted sum of its parts', () => {
    const optimizers = createOptimizers(tiny);
    const input = clips(2);
    const batch = prepareBatch(input, tiny);
    const dBefore = values(d.parameters);
    const gBefore = values(g.parameters);
    const result = generatorStep({ generator: g, discriminator: d }, optimizers.generator, batch, { adversarial: true });
    expect(result.adversarial).toBeDefined();
    expect(result.total).toBeCloseTo(tiny.lpWeight * result.lp + tiny.gdlWeight * result.gdl + tiny.adversarialWeight * (result.adversarial as number), 3);
    expect(same(values(d.parameters), dBefore)).toBe(true);
    const gAfter = values(g.parameters);
    // Every generator parameter received a gradient.
    gAfter.forEach((v, i) => expect(v.some((x, j) => x !== gBefore[i][j])).toBe(true));
    disposeBatch(batch);
    input.dispose();
  });

  it('a discriminator step moves only the discriminator', () => {
    const optimizers = createOptimizers(tiny);
    const input = clips(3);
    const batch = prepareBatch(input, tiny);
    const gBefore = values(g.parameters);
    const dBefore = values(d.parameters);
    const { loss } = discriminatorStep({ generator: g, discriminator: d }, optimizers.discriminator, batch);
    expect(loss).toBeGreaterThan(0);
    expect(same(values(g.parameters), gBefore)).toBe(true);
    expect(same(values(d.parameters), dBefore)).toBe(false);
    disposeBatch(batch);
    input.dispose();
  });
});

describe('training steps: the adversarial gradient, and no leaks', () => {
  freshNetworks();

  it('the adversarial term reaches the generator through the discriminator', () => {
    const run = (adversarialWeight: number) => {
      const config = { ...tiny, adversarialWeight };
      const gen = createGenerator(config, 4);
      const disc = createDiscriminator(config, 4);
      const input = clips(4);
      const batch = prepareBatch(input, config);
      generatorStep({ generator: gen, discriminator: disc }, tf.train.sgd(1), batch, { adversarial: true });
      const after = values(gen.parameters);
      disposeBatch(batch);
      input.dispose();
      gen.dispose();
      disc.dispose();
      return after;
    };
    expect(same(run(0), run(10))).toBe(false);
  });

  it('leaks no tensors in either step', () => {
    const optimizers = createOptimizers(tiny);
    const input = clips(5);
    const batch = prepareBatch(input, tiny);
    // First steps create optimizer state; count after them.
    discriminatorStep({ generator: g, discriminator: d }, optimizers.discriminator, batch);
    generatorStep({ generator: g, discriminator: d }, optimizers.generator, batch, { adversarial: true });
    const before = tf.memory().numTensors;
    discriminatorStep({ generator: g, discriminator: d }, optimizers.discriminator, batch);
    generatorStep({ generator: g, discriminator: d }, optimizers.generator, batch, { adversarial: true });
    generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false });
    expect(tf.memory().numTensors).toBe(before);
    disposeBatch(batch);
    input.dispose();
  });
});

describe('training steps: learning', () => {
  freshNetworks();

  it('lowers the loss on a batch it trains on', () => {
    const optimizers = createOptimizers(tiny);
    // Dark history, a uniformly grey next frame: learnable in a few steps.
    const input = tf.concat([tf.fill([2, 32, 32, 12], -1), tf.fill([2, 32, 32, 3], 0.5)], 3) as tf.Tensor4D;
    const batch = prepareBatch(input, tiny);
    const first = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false }).total;
    let last = first;
    for (let i = 0; i < 15; i++) last = generatorStep({ generator: g }, optimizers.generator, batch, { adversarial: false }).total;
    expect(last).toBeLessThan(first * 0.5);
    disposeBatch(batch);
    input.dispose();
  });
});
