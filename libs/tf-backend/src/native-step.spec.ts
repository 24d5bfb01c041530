import * as tf from '@tensorflow/tfjs-core';
import { getKernel } from '@tensorflow/tfjs-core';
import { initBackend } from './index';
import { nativeTensorFlowBuilt } from './testing';

/**
 * nextframe's `Step` kernel for native TensorFlow (native-step.ts) gives tfjs's values: 1 where
 * x > 0, else alpha, NaN for NaN; and so the ReLU and leaky-ReLU gradients of the cpu backend.
 */
const built = nativeTensorFlowBuilt();
if (!built) process.stderr.write('native-step.spec: @tensorflow/tfjs-node is not built here; its specs are skipped (npm test says why)\n');

const VALUES = [-2, -0.5, -1e-30, 0, 1e-30, 0.25, 3, NaN, -Infinity, Infinity];

async function on<T>(backend: 'cpu' | 'tensorflow', run: () => T): Promise<T> {
  await tf.setBackend(backend);
  let result: T | undefined;
  tf.tidy(() => {
    result = run();
  });
  return result as T;
}

(built ? describe : describe.skip)('Step on native TensorFlow', () => {
  beforeAll(async () => {
    await import('@tensorflow/tfjs-backend-cpu');
    await initBackend('tensorflow', 1);
  });
  afterAll(async () => {
    await tf.setBackend('tensorflow');
  });

  it('is nextframe\'s kernel, and gives 1 above 0, alpha elsewhere and NaN for NaN, as the cpu backend does', async () => {
    expect((getKernel('Step', 'tensorflow') as { nextframe?: boolean }).nextframe).toBe(true);
    for (const alpha of [0, 0.2]) {
      const native = await on('tensorflow', () => Array.from(tf.step(tf.tensor1d(VALUES), alpha).dataSync()));
      const cpu = await on('cpu', () => Array.from(tf.step(tf.tensor1d(VALUES), alpha).dataSync()));
      expect(native).toEqual(cpu);
      expect(native).toEqual([alpha, alpha, alpha, alpha, 1, 1, 1, NaN, alpha, 1].map((v) => Math.fround(v)));
    }
  });

  it('gives the ReLU and leaky-ReLU gradients of the cpu backend to the bit, and leaks no tensors', async () => {
    const x = () => tf.tensor4d(VALUES.slice(0, 7).concat([0.5, -0.75, 2]), [1, 2, 5, 1]);
    const dy = () => tf.tensor4d([1, -2, 3, -4, 5, -6, 7, -8, 9, -10], [1, 2, 5, 1]);
    const grads = () => [tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.relu(a), dy())))(x()), tf.grad((a: tf.Tensor) => tf.sum(tf.mul(tf.leakyRelu(a, 0.2), dy())))(x())].map((g) => Array.from(g.dataSync()));
    const before = tf.memory().numTensors;
    const native = await on('tensorflow', grads);
    expect(tf.memory().numTensors).toBe(before);
    expect(native).toEqual(await on('cpu', grads));
    expect(native[0]).toEqual([0, -0, 0, -0, 5, -6, 7, -8, 0, -10]);
    const slope = Math.fround(0.2);
    expect(native[1]).toEqual([1 * slope, -2 * slope, 3 * slope, -4 * slope, 5, -6, 7, -8, 9 * slope, -10].map((v) => Math.fround(v)));
  });
});
