import * as tf from '@tensorflow/tfjs-core';
import { ONE_CLIP_AS_PAIR_FLAG as TF_BACKEND_ONE_CLIP_AS_PAIR_FLAG, type BackendChoice } from '@nextframe/tf-backend';
import { initTestBackend, testBackendName } from '@nextframe/tf-backend/testing';
import { ONE_CLIP_AS_PAIR_FLAG, PAPER_PRESET, SMALL_PRESET, createGenerator, generatorReach, predictFrame, predictRecursively, type Frame8 } from './index';
import { tinyModelConfig } from './testing';

let backend: BackendChoice;
beforeAll(async () => {
  backend = await initTestBackend();
});

/** Larger initial weights than training uses, so predictions vary across the frame and tiling errors would show. */
// The port's initialisation, rebuilding every pixel (a change-predicting fresh model would copy the last frame: no test).
const config = tinyModelConfig({ initialization: 'port', predictChange: false, initStdDev: 0.25, initBias: 0 });

function maxAbsDifference(a: tf.Tensor, b: tf.Tensor): number {
  return tf.tidy(() => tf.max(tf.abs(tf.sub(a, b))).dataSync()[0]);
}

function randomFrame(width: number, height: number, seed: number): Frame8 {
  const data = new Uint8Array(width * height * 3);
  let s = seed;
  for (let i = 0; i < data.length; i++) {
    s = (s * 1103515245 + 12345) >>> 0;
    data[i] = (s >>> 16) & 255;
  }
  return { data, width, height };
}

describe('generatorReach', () => {
  it('adds each scale’s conv half-widths times its stride and one coarse pixel per upsampling', () => {
    // Scale strides 8, 4, 2, 1. Paper kernels: 3,3,3,3 → 4·8 = 32; 5,3,3,5 → 6·4 + 8 = 32;
    // 5,3,3,3,3,5 → 8·2 + 4 = 20; 7,5,5,5,5,7 → 14·1 + 2 = 16. Total 100.
    expect(generatorReach(PAPER_PRESET)).toBe(100);
    expect(generatorReach(SMALL_PRESET)).toBe(100);
    const oneScale = { ...PAPER_PRESET, generator: [{ featureMaps: [12, 8, 3], kernelSizes: [3, 7] }] };
    expect(generatorReach(oneScale)).toBe(1 + 3);
    // flowPx 1: each scale samples up to 1 + 1 of its pixels away: 2 · (8 + 4 + 2 + 1) = 30 more.
    expect(generatorReach({ ...PAPER_PRESET, flowPx: 1 })).toBe(130);
  });
});

describe('predictFrame (tiles)', () => {
  it('gives the whole-frame prediction when tiled with the default margin, and not with a margin too small', () => {
    const g = createGenerator(config, 5);
    // 290×283: neither side a multiple of 8 (reflect padding), both beyond one tile + margins.
    const history = tf.randomUniform([283, 290, 12], -1, 1, 'float32', 9) as tf.Tensor3D;
    const before = tf.memory().numTensors;
    const whole = predictFrame(g, history, { tileSize: 0 });
    const tiled = predictFrame(g, history, { tileSize: 64 });
    const cramped = predictFrame(g, history, { tileSize: 64, margin: 8 });
    expect(tf.memory().numTensors).toBe(before + 3);
    expect(whole.shape).toEqual([283, 290, 3]);
    expect(tiled.shape).toEqual([283, 290, 3]);
    // The prediction varies over the frame, so equality is not trivial.
    const spread = tf.tidy(() => tf.moments(whole).variance.sqrt().dataSync()[0]);
    expect(spread).toBeGreaterThan(0.05);
    // Native TensorFlow picks its convolution algorithm by size: a tile's sums round differently
    // (2.4e-4 here, a thirtieth of a grey level), where wasm's are the same to 1e-5.
    const tolerance = testBackendName() === 'wasm' ? 1e-5 : 5e-4;
    expect(maxAbsDifference(whole, tiled)).toBeLessThan(tolerance);
    expect(maxAbsDifference(whole, cramped)).toBeGreaterThan(20 * tolerance);
    // The same as the generator's own any-size predict.
    const direct = tf.tidy(() => tf.squeeze(g.predict(tf.expandDims(history, 0) as tf.Tensor4D), [0]));
    expect(maxAbsDifference(whole, direct)).toBe(0);
    tf.dispose([history, whole, tiled, cramped, direct]);
    g.dispose();
  });

  it('frees each layer early at inference: the same pixels with a lower memory peak', async () => {
    const g = createGenerator(config, 4);
    // Two clips: one alone would run as a pair on tensorflow (next test), with another convolution algorithm.
    const history = tf.randomUniform([2, 64, 64, 12], -1, 1, 'float32', 4) as tf.Tensor4D;
    let kept: tf.Tensor4D[] = [];
    let released: tf.Tensor4D[] = [];
    const before = tf.memory().numTensors;
    // tf.profile returns the engine's one profile object: read each peak before the next call.
    const keptPeak = (await tf.profile(() => void (kept = g.predictScales(history)))).peakBytes;
    const releasedPeak = (await tf.profile(() => void (released = g.predictScales(history, { releaseEarly: true })))).peakBytes;
    expect(tf.memory().numTensors).toBe(before + 8); // only the 4 + 4 scale outputs remain
    kept.forEach((k, i) => expect(maxAbsDifference(k, released[i])).toBe(0));
    // The finest scale alone keeps 6 layers' 64×64×8 activations (plus pre-activations) without release.
    expect(releasedPeak).toBeLessThan(keptPeak - 5 * 64 * 64 * 8 * 4);
    tf.dispose([history, ...kept, ...released]);
    g.dispose();
  });
});

describe('predictFrame: one clip as a pair, and small frames', () => {
  it('runs one clip as a pair where @nextframe/tf-backend asks for it (native TensorFlow with oneDNN)', () => {
    expect(ONE_CLIP_AS_PAIR_FLAG).toBe(TF_BACKEND_ONE_CLIP_AS_PAIR_FLAG);
    // The test backend was started by initBackend: the flag is set, true only for TensorFlow's CPU kernels with oneDNN on.
    const oneDnn = backend.name === 'tensorflow' && !backend.gpu && /^oneDNN on/.test(backend.native?.oneDnn ?? '');
    expect(tf.env().getFlags()[ONE_CLIP_AS_PAIR_FLAG]).toBe(oneDnn);
  });

  it('predicts one clip as the first of a pair (oneDNN runs a batch of one 100× slower on tensorflow), leaking nothing', () => {
    const g = createGenerator(config, 4);
    const one = tf.randomUniform([1, 32, 32, 12], -1, 1, 'float32', 5) as tf.Tensor4D;
    const pair = tf.concat([one, tf.zerosLike(one)]) as tf.Tensor4D;
    const before = tf.memory().numTensors;
    const alone = g.predictScales(one, { releaseEarly: true });
    expect(tf.memory().numTensors).toBe(before + 4);
    const paired = g.predictScales(pair, { releaseEarly: true });
    alone.forEach((scale, k) => {
      expect(scale.shape[0]).toBe(1);
      // Exactly the pair's first where one clip runs as a pair; elsewhere a batch of one may take another
      // convolution algorithm (up to 1.5·10⁻⁴ apart on tensorflow without oneDNN).
      expect(tf.tidy(() => tf.max(tf.abs(tf.sub(scale, tf.slice(paired[k], 0, 1)))).dataSync()[0])).toBeLessThan(tf.env().getFlags()[ONE_CLIP_AS_PAIR_FLAG] ? 1e-7 : 1e-3);
    });
    tf.dispose([one, pair, ...alone, ...paired]);
    g.dispose();
  });

  it('predicts a small frame whole whatever the tile size', () => {
    const g = createGenerator(config, 6);
    const history = tf.randomUniform([40, 48, 12], -1, 1, 'float32', 2) as tf.Tensor3D;
    const a = predictFrame(g, history, { tileSize: 8 });
    const b = predictFrame(g, history, { tileSize: 0 });
    expect(maxAbsDifference(a, b)).toBe(0);
    tf.dispose([history, a, b]);
    g.dispose();
  });
});

describe('predictRecursively', () => {
  it('predicts each frame from the previous predictions, tiled or not, without leaking tensors', () => {
    const g = createGenerator(config, 7);
    const history = [0, 1, 2, 3].map((i) => randomFrame(290, 100, i + 1));
    const before = tf.memory().numTensors;
    const done: number[] = [];
    const whole = predictRecursively(g, history, 3, { tileSize: 0, onFrame: (n) => done.push(n) });
    expect(tf.memory().numTensors).toBe(before);
    const tiled = predictRecursively(g, history, 3, { tileSize: 64 });
    expect(tf.memory().numTensors).toBe(before);
    expect(done).toEqual([1, 2, 3]);
    expect(whole.map((f) => [f.width, f.height, f.data.length])).toEqual([[290, 100, 87000], [290, 100, 87000], [290, 100, 87000]]);
    for (const [k, frame] of whole.entries()) {
      let most = 0;
      for (let i = 0; i < frame.data.length; i++) most = Math.max(most, Math.abs(frame.data[i] - tiled[k].data[i]));
      expect(most).toBeLessThanOrEqual(1); // float differences below 1e-5 can flip a rounding
    }
    expect(() => predictRecursively(g, history.slice(1), 1)).toThrow('predictRecursively needs 4 history frames, got 3');
    expect(() => predictRecursively(g, [...history.slice(1), randomFrame(290, 99, 5)], 1)).toThrow('predictRecursively: history frame 3 is not 290x100 RGB like frame 0');
    g.dispose();

    // Step 2 sees step 1's prediction, unrounded, in place of the oldest frame: done by hand with predictFrame.
    const calm = createGenerator(tinyModelConfig({ initialization: 'port', predictChange: false, clipFeedback: false, initStdDev: 0.1, initBias: 0 }), 8);
    const [first, second] = predictRecursively(calm, history, 2, { tileSize: 0 });
    const byHand = tf.tidy(() => {
      const frames = history.map((f) => tf.sub(tf.div(tf.tensor3d(f.data, [100, 290, 3], 'float32'), 127.5), 1) as tf.Tensor3D);
      const p1 = predictFrame(calm, tf.concat(frames, 2), { tileSize: 0 });
      const p2 = predictFrame(calm, tf.concat([...frames.slice(1), p1], 2), { tileSize: 0 });
      return [p1, p2].map((p) => Uint8Array.from(tf.clipByValue(tf.round(tf.mul(tf.add(p, 1), 127.5)), 0, 255).dataSync()));
    });
    expect(first.data).toEqual(byHand[0]);
    expect(second.data).toEqual(byHand[1]);
    expect(first.data).not.toEqual(second.data);
    calm.dispose();
  });
});
