import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients; the @tensorflow/tfjs bundle registers them all
// (into tfjs-core's global registry) along with the cpu backend.
import '@tensorflow/tfjs';
import { NextframeError } from '@nextframe/errors';
import { registerWasmConvGradients } from './wasm-conv-gradients';

export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  /** The tfjs backend now active. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Which package provides it. */
  package: string;
  /** Whether it runs on a GPU (tfjs-node-gpu). */
  gpu: boolean;
  /** CPU threads it computes with. */
  threads: number;
  /** Why each better backend was not used (empty when the best one was). */
  skipped: string[];
}

export class BackendError extends NextframeError {}

/**
 * Choose and start the TensorFlow.js backend. `auto` tries `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node` (only where their native libtensorflow loads), then `wasm` (XNNPACK,
 * with nextframe's convolution-gradient kernels), then `cpu`. The request comes from the argument,
 * else `NEXTFRAME_BACKEND`, else `auto`.
 */
export async function initBackend(request: string = process.env.NEXTFRAME_BACKEND || 'auto'): Promise<BackendChoice> {
  if (!BACKEND_REQUESTS.includes(request as BackendRequest)) {
    throw new BackendError(`unknown backend '${request}' (choose ${BACKEND_REQUESTS.join(', ')})`);
  }
  const skipped: string[] = [];
  if (request === 'auto' || request === 'tensorflow') {
    for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
      const failure = await tryNative(pkg);
      if (!failure) {
        return { name: 'tensorflow', package: pkg, gpu: pkg.endsWith('-gpu'), threads: 0, skipped };
      }
      skipped.push(`${pkg}: ${failure}`);
    }
    if (request === 'tensorflow') throw new BackendError(`the tensorflow backend is not available (${skipped.join('; ')})`);
  }
  if (request === 'auto' || request === 'wasm') {
    const failure = await tryWasm();
    if (!failure) return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, threads: 1, skipped };
    if (request === 'wasm') throw new BackendError(`the wasm backend did not start (${failure})`);
    skipped.push(`wasm: ${failure}`);
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new BackendError('the cpu backend did not start');
  await tf.ready();
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', gpu: false, threads: 1, skipped };
}

/** One line for the user: `backend: wasm (XNNPACK, 1 thread); not used: …`. */
export function describeBackend(choice: BackendChoice): string {
  const what =
    choice.name === 'tensorflow'
      ? `tensorflow (${choice.package}${choice.gpu ? ', GPU' : ', CPU'})`
      : choice.name === 'wasm'
        ? 'wasm (XNNPACK, 1 thread: Node has no wasm threads)'
        : 'cpu (plain JavaScript, slow)';
  return `backend: ${what}${choice.skipped.length ? `; not used: ${choice.skipped.join('; ')}` : ''}`;
}

async function tryNative(pkg: string): Promise<string | undefined> {
  let entry: string;
  try {
    entry = require.resolve(pkg);
  } catch {
    return 'not installed';
  }
  try {
    // Loading registers the 'tensorflow' backend; it throws when libtensorflow is missing.
    require(entry);
  } catch (error) {
    return `native library did not load (${firstLine(error)})`;
  }
  try {
    if (!(await tf.setBackend('tensorflow'))) return 'backend did not start';
    await tf.ready();
    return undefined;
  } catch (error) {
    return `backend did not start (${firstLine(error)})`;
  }
}

async function tryWasm(): Promise<string | undefined> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dist}${path.sep}`);
    registerWasmConvGradients();
    if (!(await tf.setBackend('wasm'))) return 'backend did not start';
    await tf.ready();
    return undefined;
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
