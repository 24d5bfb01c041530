import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
// tfjs-core's CommonJS build registers no gradients; the @tensorflow/tfjs bundle registers them all
// (into tfjs-core's global registry) along with the cpu backend.
import '@tensorflow/tfjs';
import { NextframeError, UsageError } from '@nextframe/errors';
import { registerWasmChunkedConv } from './wasm-chunked-conv';
import { registerWasmConvGradients } from './wasm-conv-gradients';
import { registerWasmTransposedMatMul } from './wasm-transposed-matmul';
import { MAX_WASM_THREADS, startSingleThreadedWasm, startThreadedWasm } from './wasm-threads';
import { NATIVE_PACKAGES, nativeBindingPath, nativePackageDir, nativeTurnedOff, readNativeBuildRecord } from './native-build';
import { configureNativeEnv, describeNative, type NativeDetails } from './native-env';

export type BackendRequest = 'auto' | 'tensorflow' | 'wasm' | 'cpu';
export const BACKEND_REQUESTS: readonly BackendRequest[] = ['auto', 'tensorflow', 'wasm', 'cpu'];

export interface BackendChoice {
  /** The tfjs backend now active. */
  name: 'tensorflow' | 'wasm' | 'cpu';
  /** Which package provides it. */
  package: string;
  /** Whether it runs on a GPU (tfjs-node-gpu). */
  gpu: boolean;
  /** CPU threads it computes with (0: the native library decides). */
  threads: number;
  /** Why that many threads (`all cores`, `--threads 1`, …). */
  threadsWhy: string;
  /** Why each better backend was not used (empty when the best one was). */
  skipped: string[];
  /** Things the user asked for that were adjusted (one line each). */
  warnings: string[];
  /** The native library's version, origin and settings (tensorflow only). */
  native?: NativeDetails;
}

export interface InitBackendOptions {
  /** Let TensorFlow print its own log lines (otherwise only its errors). */
  verbose?: boolean;
}

/** Threads asked for: a count and where it came from. */
export interface ThreadsRequest {
  threads: number;
  why: string;
  warnings: string[];
}

export class BackendError extends NextframeError {}

/**
 * How many threads the wasm backend runs: `threads` (from `--threads`), else `NEXTFRAME_THREADS`,
 * else every core (`os.availableParallelism()`), at most the cores and at most the wasm build's 8.
 * A value that is not a positive integer is an error; more than that is used as the most allowed,
 * with a warning saying so.
 */
export function resolveThreads(threads?: string | number, env: NodeJS.ProcessEnv = process.env, most = MAX_WASM_THREADS): ThreadsRequest {
  const cores = Math.max(1, os.availableParallelism());
  const limit = Math.min(cores, most);
  const [raw, source] = threads !== undefined ? [String(threads), '--threads'] : env.NEXTFRAME_THREADS ? [env.NEXTFRAME_THREADS, 'NEXTFRAME_THREADS'] : [undefined, ''];
  if (raw === undefined) {
    return { threads: limit, why: limit === cores ? (cores === 1 ? 'this machine has 1 core' : 'all cores') : `the wasm build's most; ${cores} cores`, warnings: [] };
  }
  const value = Number(raw);
  if (raw.trim() === '' || !Number.isInteger(value) || value < 1) {
    throw new UsageError(`${source} must be a whole number of threads, at least 1, got '${raw}'`);
  }
  if (value <= limit) return { threads: value, why: `${source} ${value}`, warnings: [] };
  const bound = limit === cores ? `this machine has ${cores} core${cores === 1 ? '' : 's'}` : `the wasm build runs at most ${most}`;
  return { threads: limit, why: `${source} ${value}, capped`, warnings: [`${source} ${value}: ${bound}, using ${limit} thread${limit === 1 ? '' : 's'}`] };
}

/**
 * The TF.js environment flag that tells @nextframe/model's generator to run one clip as a pair at
 * inference: TensorFlow's oneDNN CPU kernels run a batch of one through 5×5 and 7×7 convolutions
 * 100–1000× slower than a batch of two, and without oneDNN a pair costs twice one clip.
 */
export const ONE_CLIP_AS_PAIR_FLAG = 'NEXTFRAME_ONE_CLIP_AS_PAIR';

function markOneClipAsPair(on: boolean): void {
  tf.env().registerFlag(ONE_CLIP_AS_PAIR_FLAG, () => false);
  tf.env().set(ONE_CLIP_AS_PAIR_FLAG, on);
}

/**
 * Choose and start the TensorFlow.js backend. `auto` tries `@tensorflow/tfjs-node-gpu`, then
 * `@tensorflow/tfjs-node` (only where their native TensorFlow is built and loads; see
 * tools/native-tensorflow), then `wasm` (XNNPACK, with nextframe's convolution-gradient kernels;
 * multi-threaded, see `resolveThreads`), then `cpu`. The request comes from the argument, else
 * `NEXTFRAME_BACKEND`, else `auto`. Threads apply to TensorFlow's intra- and inter-op pools too.
 */
export async function initBackend(request: string = process.env.NEXTFRAME_BACKEND || 'auto', threads?: string | number, options: InitBackendOptions = {}): Promise<BackendChoice> {
  if (!BACKEND_REQUESTS.includes(request as BackendRequest)) {
    throw new BackendError(`unknown backend '${request}' (choose ${BACKEND_REQUESTS.join(', ')})`);
  }
  const wanted = resolveThreads(threads);
  const warnings = [...wanted.warnings];
  markOneClipAsPair(false);
  const skipped: string[] = [];
  if (request === 'auto' || request === 'tensorflow') {
    const nativeThreads = resolveThreads(threads, process.env, Number.MAX_SAFE_INTEGER);
    if (nativeTurnedOff()) skipped.push('@tensorflow/tfjs-node: NEXTFRAME_NATIVE=off');
    for (const pkg of nativeTurnedOff() ? [] : NATIVE_PACKAGES) {
      const dir = nativePackageDir(pkg);
      if (!dir || !nativeBindingPath(dir)) {
        // The GPU package is installed everywhere but built only where there is a GPU: no news.
        if (!pkg.endsWith('-gpu')) skipped.push(`${pkg}: ${dir ? 'not built (npm run native-tensorflow builds it)' : 'not installed'}`);
        continue;
      }
      const settings = configureNativeEnv({ threads: nativeThreads.threads, asked: threads !== undefined || Boolean(process.env.NEXTFRAME_THREADS), verbose: options.verbose === true });
      const failure = await tryNative(pkg);
      if (!failure) {
        const native = describeNative(settings, readNativeBuildRecord(dir));
        markOneClipAsPair(settings.oneDnn && !pkg.endsWith('-gpu'));
        const kept = settings.threadsFixed ? { threads: settings.threads, why: 'fixed when TensorFlow first loaded in this process' } : nativeThreads;
        return { name: 'tensorflow', package: pkg, gpu: pkg.endsWith('-gpu'), threads: kept.threads, threadsWhy: kept.why, skipped, warnings: [...nativeThreads.warnings, ...native.warnings], native };
      }
      skipped.push(`${pkg}: ${failure}`);
    }
    if (request === 'tensorflow') throw new BackendError(`the tensorflow backend is not available (${skipped.join('; ')})`);
  }
  if (request === 'auto' || request === 'wasm') {
    const started = await tryWasm(wanted);
    if (typeof started !== 'string') {
      return { name: 'wasm', package: '@tensorflow/tfjs-backend-wasm', gpu: false, threads: started.threads, threadsWhy: started.why, skipped, warnings: started.warnings };
    }
    if (request === 'wasm') throw new BackendError(`the wasm backend did not start (${started})`);
    skipped.push(`wasm: ${started}`);
  }
  await import('@tensorflow/tfjs-backend-cpu');
  if (!(await tf.setBackend('cpu'))) throw new BackendError('the cpu backend did not start');
  await tf.ready();
  return { name: 'cpu', package: '@tensorflow/tfjs-backend-cpu', gpu: false, threads: 1, threadsWhy: 'plain JavaScript', skipped, warnings };
}

/**
 * One line for the user, `backend: wasm (XNNPACK, SIMD, 2 threads: all cores); not used: …`,
 * then a `warning: …` line for each adjusted request.
 */
export function describeBackend(choice: BackendChoice): string {
  const threads = `${choice.threads} thread${choice.threads === 1 ? '' : 's'}: ${choice.threadsWhy}`;
  const native = choice.native;
  const what =
    choice.name === 'tensorflow'
      ? `tensorflow (${choice.package}, TensorFlow ${native?.version ?? '?'} from ${native?.source ?? 'an unknown build'}, ${choice.gpu ? 'GPU' : 'CPU'}, ${threads}, ${native?.oneDnn ?? 'oneDNN unknown'})`
      : choice.name === 'wasm'
        ? `wasm (XNNPACK, SIMD, ${threads})`
        : 'cpu (plain JavaScript, slow)';
  const line = `backend: ${what}${choice.skipped.length ? `; not used: ${choice.skipped.join('; ')}` : ''}`;
  return [line, ...choice.warnings.map((w) => `warning: ${w}`)].join('\n');
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

/** Start wasm with the threads asked for; a threaded start that fails falls back to 1 thread, saying why. */
async function tryWasm(wanted: ThreadsRequest): Promise<ThreadsRequest | string> {
  try {
    const wasm = await import('@tensorflow/tfjs-backend-wasm');
    const dist = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm'));
    wasm.setWasmPaths(`${dist}${path.sep}`);
    registerWasmConvGradients();
    registerWasmChunkedConv();
    registerWasmTransposedMatMul();
    if (wanted.threads > 1) {
      try {
        await startThreadedWasm(wanted.threads);
        return wanted;
      } catch (error) {
        wanted = { threads: 1, why: 'the threaded build did not start', warnings: [...wanted.warnings, `wasm threads did not start (${firstLine(error)}): using 1 thread`] };
      }
    }
    await startSingleThreadedWasm();
    return wanted;
  } catch (error) {
    return firstLine(error);
  }
}

function firstLine(error: unknown): string {
  return String(error instanceof Error ? error.message : error).split('\n')[0];
}
