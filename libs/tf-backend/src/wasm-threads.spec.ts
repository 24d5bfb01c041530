import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import '@tensorflow/tfjs-backend-cpu';
import { getThreadsCount } from '@tensorflow/tfjs-backend-wasm';
import { SeededRandom } from '@nextframe/random';
import { MAX_WASM_THREADS, THREADED_WASM_VERSION, convChunkChannels, describeBackend, initBackend, resolveThreads, startThreadedWasm } from './index';

const cores = Math.min(os.availableParallelism(), MAX_WASM_THREADS);
const ROOT = path.resolve(__dirname, '../../..');

function random(shape: number[], seed: string): tf.Tensor {
  const rng = new SeededRandom(seed);
  return tf.tensor(Float32Array.from({ length: shape.reduce((a, b) => a * b) }, () => rng.uniform(-1, 1)), shape);
}

/** A conv layer, a matmul with a transposed operand, and their gradients: every kernel nextframe replaces. */
function layerWithGradients(seed: string): Float32Array[] {
  return tf.tidy(() => {
    const x = random([2, 10, 9, 160], `${seed}x`) as tf.Tensor4D; // 5×5×160 = 4000 > 3200: split into channel chunks
    const w = random([5, 5, 160, 24], `${seed}w`) as tf.Tensor4D;
    const v = random([10 * 9 * 24, 6], `${seed}v`) as tf.Tensor2D;
    const f = (a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) => {
      const y = tf.relu(tf.conv2d(a as tf.Tensor4D, b as tf.Tensor4D, 1, 'same'));
      return tf.sum(tf.square(tf.matMul(tf.reshape(y, [2, -1]), c as tf.Tensor2D)));
    };
    const { value, grads } = tf.valueAndGrads(f)([x, w, v]);
    return [value, ...grads, tf.conv2d(x, w, 1, 'valid')].map((t) => t.dataSync().slice() as Float32Array);
  });
}

describe('resolveThreads', () => {
  const cpuCount = os.availableParallelism();
  it('defaults to every core (at most 8), else NEXTFRAME_THREADS, and --threads beats both', () => {
    expect(resolveThreads(undefined, {})).toMatchObject({ threads: Math.min(cpuCount, 8), warnings: [] });
    expect(resolveThreads(undefined, { NEXTFRAME_THREADS: '1' })).toEqual({ threads: 1, why: 'NEXTFRAME_THREADS 1', warnings: [] });
    expect(resolveThreads('1', { NEXTFRAME_THREADS: '2' })).toEqual({ threads: 1, why: '--threads 1', warnings: [] });
  });

  it('rejects what is not a positive whole number in one line, naming where it came from', () => {
    expect(() => resolveThreads('0', {})).toThrow("--threads must be a whole number of threads, at least 1, got '0'");
    expect(() => resolveThreads('x', {})).toThrow("--threads must be a whole number of threads, at least 1, got 'x'");
    expect(() => resolveThreads('1.5', {})).toThrow("--threads must be a whole number of threads, at least 1, got '1.5'");
    expect(() => resolveThreads(undefined, { NEXTFRAME_THREADS: '-2' })).toThrow("NEXTFRAME_THREADS must be a whole number of threads, at least 1, got '-2'");
  });

  it('uses the cores there are when asked for more, and says so', () => {
    const limit = Math.min(cpuCount, 8);
    const over = resolveThreads('64', {});
    expect(over.threads).toBe(limit);
    expect(over.warnings).toEqual([expect.stringMatching(new RegExp(`^--threads 64: .*, using ${limit} threads?$`))]);
  });
});

describe('the threaded wasm build under Node', () => {
  it(`is the pinned tfjs ${THREADED_WASM_VERSION}, and starts with the threads asked for (fails here if a tfjs upgrade changed its internals)`, async () => {
    expect(require('@tensorflow/tfjs-backend-wasm/package.json').version).toBe(THREADED_WASM_VERSION);
    const workspace = require(path.join(ROOT, 'package.json')) as { dependencies: Record<string, string> };
    expect(workspace.dependencies['@tensorflow/tfjs-backend-wasm']).toBe(THREADED_WASM_VERSION);
    expect(workspace.dependencies['@tensorflow/tfjs-core']).toBe(THREADED_WASM_VERSION);
    await startThreadedWasm(2); // no fallback here: any change in what it relies on throws
    expect(tf.getBackend()).toBe('wasm');
    expect(getThreadsCount()).toBe(2);
  });

  it('gives the cpu backend’s values for a layer and its gradients, with no tensor leak', async () => {
    expect(convChunkChannels(5, 5, 160)).toBe(80); // the layer below really runs in chunks
    await tf.setBackend('cpu');
    const cpu = layerWithGradients('a');
    await initBackend('wasm', 2);
    const before = tf.memory().numTensors;
    const wasm = layerWithGradients('a');
    expect(tf.memory().numTensors).toBe(before);
    cpu.forEach((expected, i) => {
      const scale = Math.max(...expected.map(Math.abs));
      expect(scale).toBeGreaterThan(0.1);
      const worst = expected.reduce((m, v, j) => Math.max(m, Math.abs(v - wasm[i][j])), 0);
      expect(worst / scale).toBeLessThan(1e-5);
    });
  });

  it('1 thread and 2 threads give the same bytes', async () => {
    await initBackend('wasm', 1);
    expect(getThreadsCount()).toBe(1);
    const one = layerWithGradients('b');
    const choice = await initBackend('wasm', 2);
    expect(describeBackend(choice)).toMatch(cores >= 2 ? /^backend: wasm \(XNNPACK, SIMD, 2 threads: --threads 2\)/ : /using 1 thread/);
    const two = layerWithGradients('b');
    one.forEach((values, i) => expect(Buffer.from(two[i].buffer).equals(Buffer.from(values.buffer))).toBe(true));
  });

  it('lets the process exit when its work is done: no worker keeps Node alive', () => {
    const script = [
      "const tf = require('@tensorflow/tfjs-core');",
      "const { initBackend } = require('@nextframe/tf-backend');",
      "initBackend('wasm', 2).then((c) => { const y = tf.conv2d(tf.ones([1, 16, 16, 256]), tf.ones([5, 5, 256, 8]), 1, 'same'); process.stdout.write(`${c.threads} ${y.dataSync()[0]}\\n`); });",
    ].join('\n');
    const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 60_000 });
    expect(run.error).toBeUndefined(); // a hanging worker would end in a timeout error
    expect(run.status).toBe(0);
    // The corner pixel of a SAME 5×5 convolution of ones sees 3×3 taps × 256 channels.
    expect(run.stdout.trim()).toBe(`${Math.min(2, cores)} 2304`);
  }, 90_000);
});
