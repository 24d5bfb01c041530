import * as tf from '@tensorflow/tfjs-core';
import { SeededRandom } from '@nextframe/random';
import { initBackend } from './index';
import { nativeTensorFlowBuilt } from './testing';

/**
 * oneDNN stays on (native-env.ts) only because every gradient our networks take is right with it:
 * each distinct convolution of the demo, `small` and `paper` networks (kernel, channels, SAME
 * for the generator, VALID for the discriminator), odd and even kernels, 1- and 3-channel cases,
 * the bilinear resize, the max-pool and the discriminator's dense layers, on `tensorflow`
 * against the plain-JavaScript `cpu` backend. (TF 2.21's oneDNN gets the input gradient wrong
 * for a 1×1 kernel at stride 2, and on some CPUs a 1→1 convolution's; nextframe uses neither.) Maps are kept small (cpu computes
 * the reference), with a few cases at 8×8 and 16×16.
 */
const built = nativeTensorFlowBuilt();
if (!built) process.stderr.write('native-gradients.spec: @tensorflow/tfjs-node is not built here; its specs are skipped (npm test says why)\n');

type Case = { name: string; run: () => tf.Tensor[] };

/** Seeded uniform values made once in JavaScript: tfjs's seeded random ops are slow and differ by backend. */
const cache = new Map<string, Float32Array>();
function uniform(shape: number[], low: number, high: number, seed: number): tf.Tensor {
  const key = `${shape.join('x')}/${low}/${high}/${seed}`;
  let values = cache.get(key);
  if (!values) {
    const random = new SeededRandom(seed);
    values = Float32Array.from({ length: shape.reduce((a, b) => a * b, 1) }, () => random.uniform(low, high));
    cache.set(key, values);
  }
  return tf.tensor(values, shape);
}

function convCase(kernel: number, inChannels: number, outChannels: number, padding: 'same' | 'valid', sidePx?: number): Case {
  // A 4×4 map for SAME (the coarsest scale's size), two output pixels a side for VALID; half
  // that for the 256- and 512-channel layers, whose cpu reference takes seconds even so.
  const big = inChannels * outChannels >= 256 * 256;
  const side = sidePx ?? (padding === 'same' ? (big ? 2 : 4) : kernel + (big ? 0 : 1));
  return {
    name: `${kernel}×${kernel} conv ${inChannels}→${outChannels} ${padding} at ${side}×${side}`,
    run: () => {
      const x = uniform([1, side, side, inChannels], -1, 1, 1);
      const w = uniform([kernel, kernel, inChannels, outChannels], -0.2, 0.2, 2);
      const dy = uniform([1, padding === 'same' ? side : side - kernel + 1, padding === 'same' ? side : side - kernel + 1, outChannels], -1, 1, 3);
      const loss = (a: tf.Tensor, b: tf.Tensor) => tf.sum(tf.mul(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, padding), dy));
      return tf.grads(loss)([x, w]);
    },
  };
}

// Every (kernel, in, out, padding) our presets and the demo's generator use.
const LAYERS: [number, number, number, 'same' | 'valid'][] = [
  // generator (SAME), small/paper/demo
  [3, 12, 128, 'same'], [3, 128, 256, 'same'], [3, 256, 128, 'same'], [3, 128, 3, 'same'], [5, 15, 128, 'same'], [5, 128, 3, 'same'],
  [5, 15, 128, 'same'], [5, 128, 256, 'same'], [5, 256, 512, 'same'], [5, 512, 256, 'same'], [7, 15, 128, 'same'], [7, 128, 3, 'same'],
  [3, 12, 32, 'same'], [3, 32, 64, 'same'], [3, 64, 32, 'same'], [3, 32, 3, 'same'], [5, 15, 32, 'same'], [5, 32, 3, 'same'], [7, 15, 32, 'same'],
  [3, 12, 16, 'same'], [3, 16, 32, 'same'], [3, 32, 16, 'same'], [3, 16, 3, 'same'], [5, 64, 128, 'same'], [7, 16, 3, 'same'],
  // discriminator (VALID)
  [3, 15, 64, 'valid'], [3, 64, 128, 'valid'], [5, 15, 128, 'valid'], [5, 128, 256, 'valid'], [7, 15, 128, 'valid'], [7, 128, 256, 'valid'], [5, 256, 512, 'valid'], [5, 512, 128, 'valid'],
  [3, 15, 16, 'valid'], [3, 16, 32, 'valid'], [7, 32, 64, 'valid'], [5, 128, 32, 'valid'],
];

const CASES: Case[] = [
  ...LAYERS.map(([k, i, o, p]) => convCase(k, i, o, p)),
  // Odd and even kernels, three- and one-channel outputs, at the coarsest scale's 4×4 too. Not 1→1:
  // on an AMD EPYC with AVX-512 (2026-12-02) TF 2.21's oneDNN returned wrong gradients for 1→1
  // convolutions (2×2 at 8×8, 3×3 at 3×3; relative errors 0.1–0.76, not on every run). No network
  // of nextframe has a one-channel input with a gradient (LAYERS above lists every convolution
  // they train; block matching's one-channel convolution is forward only, checked in model's specs).
  convCase(4, 3, 3, 'same', 8), convCase(2, 3, 1, 'valid', 8), convCase(7, 15, 32, 'same', 16), convCase(3, 3, 3, 'same', 4), convCase(1, 3, 3, 'valid', 4),
  {
    name: 'bilinear resize 4×4 → 8×8 (the generator upsamples the coarser prediction)',
    run: () => {
      const x = uniform([2, 4, 4, 3], -1, 1, 4);
      const dy = uniform([2, 8, 8, 3], -1, 1, 5);
      return tf.grads((a: tf.Tensor) => tf.sum(tf.mul(tf.image.resizeBilinear(a as tf.Tensor4D, [8, 8]), dy)))([x]);
    },
  },
  {
    name: '2×2 max-pool and dense layers with ReLU and sigmoid (the discriminator head)',
    run: () => {
      const x = uniform([2, 6, 6, 8], -1, 1, 6);
      const w1 = uniform([72, 16], -0.3, 0.3, 7);
      const w2 = uniform([16, 1], -0.3, 0.3, 8);
      const head = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
        const pooled = tf.reshape(tf.maxPool(a as tf.Tensor4D, 2, 2, 'valid'), [2, 72]);
        return tf.sum(tf.sigmoid(tf.matMul(tf.relu(tf.matMul(pooled, b as tf.Tensor2D)), c as tf.Tensor2D)));
      };
      return tf.grads(head)([x, w1, w2]);
    },
  },
];

function values(run: () => tf.Tensor[]): Float32Array[] {
  return tf.tidy(() => run().map((t) => t.dataSync() as Float32Array));
}

(built ? describe : describe.skip)('native TensorFlow gradients (oneDNN as nextframe loads it) against cpu', () => {
  const reference = new Map<string, Float32Array[]>();
  beforeAll(async () => {
    await initBackend('cpu');
    for (const c of CASES) reference.set(c.name, values(c.run));
    const choice = await initBackend('tensorflow');
    expect(choice.native?.oneDnn).toMatch(/^oneDNN (on|off)/);
  }, 600000);

  it.each(CASES.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const expected = reference.get(c.name) as Float32Array[];
    // Compared as tensors: element loops over typed arrays are slow inside Jest's sandbox.
    const [scales, worst] = tf.tidy(() => {
      const grads = c.run();
      expect(grads.length).toBe(expected.length);
      const wanted = grads.map((g, i) => tf.tensor(expected[i], g.shape));
      return [
        wanted.map((w) => tf.max(tf.abs(w)).dataSync()[0]),
        grads.map((g, i) => tf.max(tf.abs(tf.sub(g, wanted[i]))).dataSync()[0]),
      ];
    });
    scales.forEach((scale, i) => {
      expect(scale).toBeGreaterThan(0);
      // float32 sums in another order: relative to the gradient's largest entry.
      expect(worst[i] / scale).toBeLessThan(1e-5);
    });
  });
});
