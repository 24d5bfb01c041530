import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { SeededRandom } from '@nextframe/random';
import * as os from 'node:os';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { MAX_WASM_THREADS, describeBackend, initBackend } from './index';
import { nativeTensorFlowBuilt } from './testing';

/** Gradients of Σ conv2d(x, w) · r with respect to x and w (r fixed random weights). */
function convGradients(x: Float32Array, xShape: number[], w: Float32Array, wShape: number[], r: Float32Array, pad: 'same' | 'valid') {
  return tf.tidy(() => {
    const xt = tf.tensor4d(x, xShape as [number, number, number, number]);
    const wt = tf.tensor4d(w, wShape as [number, number, number, number]);
    const f = (a: tf.Tensor4D, b: tf.Tensor4D) => {
      const y = tf.conv2d(a, b, 1, pad);
      return tf.sum(tf.mul(y, tf.tensor(r, y.shape)));
    };
    const [dx, dw] = tf.grads(f as (...args: tf.Tensor[]) => tf.Tensor)([xt, wt]);
    return { dx: dx.dataSync().slice() as Float32Array, dw: dw.dataSync().slice() as Float32Array };
  });
}

function random(n: number, rng: SeededRandom): Float32Array {
  return Float32Array.from({ length: n }, () => rng.uniform(-1, 1));
}

const cores = Math.min(os.availableParallelism(), MAX_WASM_THREADS);

describe.each([
  ['1 thread (tfjs single-threaded build)', 1],
  [`${cores} threads (threaded build)`, cores],
])('wasm convolution gradients (forward-convolution kernels), %s', (_label: string, threads: number) => {
  beforeAll(async () => {
    const choice = await initBackend('wasm', threads);
    expect(choice).toMatchObject({ name: 'wasm', threads });
    expect(getThreadsCount()).toBe(threads);
    // Both gradient kernels are ours (the backend has no filter-gradient kernel of its own).
    expect((tf.getKernel('Conv2DBackpropInput', 'wasm') as unknown as { nextframe?: boolean }).nextframe).toBe(true);
    expect(tf.getKernel('Conv2DBackpropFilter', 'wasm')).toBeDefined();
  });

  it.each([
    ['SAME', 'odd 3×3', [2, 7, 6, 3], [3, 3, 3, 4]],
    ['SAME', 'odd 5×5', [1, 9, 8, 2], [5, 5, 2, 3]],
    ['SAME', 'even 2×2', [2, 6, 7, 3], [2, 2, 3, 2]],
    ['SAME', 'even 4×4', [1, 8, 8, 2], [4, 4, 2, 3]],
    ['VALID', 'odd 3×3', [2, 7, 6, 3], [3, 3, 3, 4]],
    ['VALID', 'even 2×2', [2, 6, 7, 3], [2, 2, 3, 2]],
    ['VALID', 'odd 7×7 (discriminator size)', [2, 12, 12, 3], [7, 7, 3, 5]],
    ['SAME', 'non-square 3×5', [2, 9, 8, 2], [3, 5, 2, 3]],
  ])('%s, %s kernel: equal to the cpu backend', async (pad: string, _label: string, xShape: number[], wShape: number[]) => {
    const rng = new SeededRandom(`${pad}${xShape}${wShape}`);
    const x = random(xShape.reduce((a, b) => a * b), rng);
    const w = random(wShape.reduce((a, b) => a * b), rng);
    const mode = pad.toLowerCase() as 'same' | 'valid';
    await tf.setBackend('cpu');
    const [b, h, w0] = xShape;
    const outShape = mode === 'same' ? [b, h, w0, wShape[3]] : [b, h - wShape[0] + 1, w0 - wShape[1] + 1, wShape[3]];
    const r = random(outShape.reduce((a, b) => a * b), rng);
    const cpu = convGradients(x, xShape, w, wShape, r, mode);
    await tf.setBackend('wasm');
    expect(getThreadsCount()).toBe(threads);
    const before = tf.memory().numTensors;
    const wasm = convGradients(x, xShape, w, wShape, r, mode);
    expect(tf.memory().numTensors).toBe(before);
    expect(wasm.dx.length).toBe(cpu.dx.length);
    expect(wasm.dw.length).toBe(cpu.dw.length);
    const maxDiff = (a: Float32Array, b: Float32Array) => a.reduce((m, v, i) => Math.max(m, Math.abs(v - b[i])), 0);
    expect(maxDiff(wasm.dx, cpu.dx)).toBeLessThan(1e-4);
    expect(maxDiff(wasm.dw, cpu.dw)).toBeLessThan(1e-4);
    // Not trivially zero.
    expect(Math.max(...cpu.dw.map(Math.abs))).toBeGreaterThan(0.1);
  });
});

describe('one tfjs-core', () => {
  it('every installed tfjs package resolves the same @tensorflow/tfjs-core', () => {
    const core = require.resolve('@tensorflow/tfjs-core');
    const packages = ['@tensorflow/tfjs', '@tensorflow/tfjs-backend-wasm', '@tensorflow/tfjs-backend-cpu', '@tensorflow/tfjs-node', '@tensorflow/tfjs-node-gpu'];
    let checked = 0;
    for (const name of packages) {
      let entry: string;
      try {
        entry = require.resolve(name);
      } catch {
        continue; // an optional package that is not installed here
      }
      expect(require.resolve('@tensorflow/tfjs-core', { paths: [entry] })).toBe(core);
      checked++;
    }
    expect(checked).toBeGreaterThanOrEqual(3);
  });
});

describe('initBackend', () => {
  it('picks native TensorFlow where it is built, else wasm, and says why better ones were not used', async () => {
    const choice = await initBackend('auto');
    expect(tf.getBackend()).toBe(choice.name);
    if (nativeTensorFlowBuilt()) {
      expect(choice.name).toBe('tensorflow');
      expect(choice.native?.version).toMatch(/^2\.\d+\.\d+/);
      expect(describeBackend(choice)).toMatch(/^backend: tensorflow \(@tensorflow\/tfjs-node, TensorFlow 2\.\d+\.\d+ from .+, CPU, \d threads?: .+, oneDNN (on|off) \([^)]*\)\)$/);
    } else {
      expect(choice.name).toBe('wasm');
      expect(choice.skipped).toEqual([expect.stringMatching(/^@tensorflow\/tfjs-node: (not (built|installed)|NEXTFRAME_NATIVE=off)/)]);
    }
  });

  it('starts cpu on request, and rejects unknown names', async () => {
    expect((await initBackend('cpu')).name).toBe('cpu');
    expect(tf.getBackend()).toBe('cpu');
    await expect(initBackend('gpu')).rejects.toThrow("unknown backend 'gpu' (choose auto, tensorflow, wasm, cpu)");
  });

  it('without the native build (NEXTFRAME_NATIVE=off): auto takes wasm saying why, tensorflow fails in one line', async () => {
    process.env.NEXTFRAME_NATIVE = 'off';
    try {
      const choice = await initBackend('auto');
      expect(choice.name).toBe('wasm');
      expect(describeBackend(choice)).toMatch(/^backend: wasm \(XNNPACK, SIMD, \d threads?: [^)]+\); not used: @tensorflow\/tfjs-node: NEXTFRAME_NATIVE=off$/);
      await expect(initBackend('tensorflow')).rejects.toThrow('the tensorflow backend is not available (@tensorflow/tfjs-node: NEXTFRAME_NATIVE=off)');
    } finally {
      delete process.env.NEXTFRAME_NATIVE;
    }
  });
});
