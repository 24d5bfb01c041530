import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { writeFileAtomic } from '@nextframe/files';
import { NextframeError } from '@nextframe/errors';

/**
 * The exact `@tensorflow/tfjs-backend-wasm` version whose internals `startThreadedWasm` relies on:
 * the Emscripten module factory in `wasm-out/tfjs-backend-wasm-threaded-simd.js`, its pthread
 * worker source (`…worker.js` exports `wasmWorkerContents`), the `emscripten_num_logical_cores`
 * import the C++ side sizes its pool from, and `BackendWasm`'s use of `module.tfjs`.
 */
export const THREADED_WASM_VERSION = '4.22.0';

/**
 * XNNPACK threads the wasm build can use: `max_num_threads` in tfjs's `backend.cc`, also the
 * build's `PTHREAD_POOL_SIZE` (the workers Emscripten starts up front).
 */
export const MAX_WASM_THREADS = 8;

export class ThreadedWasmError extends NextframeError {}

interface EmscriptenWorker {
  unref(): void;
  terminate(): Promise<number>;
}

interface ThreadedModule {
  cwrap(name: string, returnType: string | null, argTypes: string[]): (...args: number[]) => number;
  PThread: { runningWorkers: EmscriptenWorker[]; unusedWorkers: EmscriptenWorker[]; terminateAllThreads(): void };
  tfjs?: Record<string, unknown>;
}

interface WasmImports {
  env: Record<string, unknown>;
  [module: string]: Record<string, unknown>;
}

type ModuleFactory = (config: Record<string, unknown>) => Promise<ThreadedModule>;

/** The part of the WebAssembly API used here (the workspace compiles without lib dom). */
interface WebAssemblyApi {
  instantiate(binary: Uint8Array, imports: WasmImports): Promise<{ instance: unknown; module: unknown }>;
}
const webAssembly = (globalThis as unknown as { WebAssembly: WebAssemblyApi }).WebAssembly;

let current: ThreadedModule | undefined;
/** The package's own (single-threaded) `wasm` factory, kept to switch back to it. */
let singleThreaded: { factory: () => tf.KernelBackend | Promise<tf.KernelBackend>; priority: number } | undefined;

function keepSingleThreadedFactory(): void {
  require('@tensorflow/tfjs-backend-wasm'); // registers it on first import
  singleThreaded ??= (tf.engine() as unknown as { registryFactory: Record<string, typeof singleThreaded> }).registryFactory.wasm;
}

/** Make tfjs's own single-threaded SIMD build the `wasm` backend again (the default when nothing else was started). */
export async function startSingleThreadedWasm(): Promise<void> {
  keepSingleThreadedFactory();
  stopThreadedWasm();
  if (!singleThreaded) throw new ThreadedWasmError('@tensorflow/tfjs-backend-wasm registered no wasm backend');
  if (tf.findBackendFactory('wasm') !== singleThreaded.factory) {
    if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
    tf.registerBackend('wasm', singleThreaded.factory, singleThreaded.priority);
  }
  if (!(await tf.setBackend('wasm'))) throw new ThreadedWasmError('the wasm backend did not start');
  await tf.ready();
}

/**
 * Register tfjs's *threaded* SIMD wasm build as the `wasm` backend, running XNNPACK on
 * `threads` threads under Node, where tfjs 4.22 turns threads off (tensorflow/tfjs#3830).
 *
 * Nothing in node_modules is modified. tfjs's own `init()` cannot start the threaded build in
 * Node: it hands Emscripten's pthread workers `blob:` URLs, which Node's `Worker` rejects. This
 * does what `init()` does with paths instead: the worker source (exported by the package) written
 * once to a file in the temp folder, the threaded module script by its path, and the package's
 * exported `BackendWasm` around the module. The C++ side caps its pool at
 * `emscripten_num_logical_cores() / 2` (it assumes hyper-threading), so that import is answered
 * with `2 · threads`. Kernels registered for `wasm` (tfjs's and nextframe's) apply unchanged.
 *
 * The pool's workers are unref'd: they never keep the process alive after its work is done.
 */
export async function startThreadedWasm(threads: number): Promise<void> {
  if (!Number.isInteger(threads) || threads < 2 || threads > MAX_WASM_THREADS) {
    throw new RangeError(`the threaded wasm backend takes 2 to ${MAX_WASM_THREADS} threads, got ${threads}`);
  }
  const build = await threadedBuild();
  const { wasmPackage } = build;
  keepSingleThreadedFactory();
  stopThreadedWasm();
  if (tf.findBackendFactory('wasm')) tf.removeBackend('wasm');
  tf.registerBackend(
    'wasm',
    async () => {
      const module = await createThreadedModule(build, threads);
      current = module;
      wasmPackage.setThreadsCount(threads);
      const backend = new wasmPackage.BackendWasm(module as never);
      // The pool's threads now wait for work; they must not keep Node running.
      for (const worker of [...module.PThread.runningWorkers, ...module.PThread.unusedWorkers]) worker.unref();
      return backend;
    },
    2,
  );
  if (!(await tf.setBackend('wasm'))) throw new ThreadedWasmError('the threaded wasm backend did not start');
  await tf.ready();
  const running = wasmPackage.getThreadsCount();
  if (running !== threads) {
    throw new ThreadedWasmError(`the threaded wasm backend runs ${running} threads, ${threads} were asked for`);
  }
}

/** The installed package's threaded build, checked: its version, its files, what its scripts export; the worker source written to a file. */
async function threadedBuild() {
  const pkg = packageDir();
  const wasmPackage = require('@tensorflow/tfjs-backend-wasm') as typeof import('@tensorflow/tfjs-backend-wasm');
  const version = (wasmPackage as unknown as { version_wasm?: string }).version_wasm;
  if (version !== THREADED_WASM_VERSION) {
    throw new ThreadedWasmError(
      `@tensorflow/tfjs-backend-wasm is ${version}, but nextframe's threaded start was written for ${THREADED_WASM_VERSION} (use --threads 1, or pin ${THREADED_WASM_VERSION})`,
    );
  }
  const files = {
    script: path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.js'),
    workerSource: path.join(pkg, 'wasm-out', 'tfjs-backend-wasm-threaded-simd.worker.js'),
    binary: path.join(pkg, 'dist', 'tfjs-backend-wasm-threaded-simd.wasm'),
  };
  for (const file of Object.values(files)) {
    if (!existsSync(file)) throw new ThreadedWasmError('the threaded build is missing from the installed package', { file });
  }
  const factory = require(files.script) as ModuleFactory;
  const { wasmWorkerContents } = require(files.workerSource) as { wasmWorkerContents?: string };
  if (typeof factory !== 'function' || typeof wasmWorkerContents !== 'string') {
    throw new ThreadedWasmError('the threaded build does not export what nextframe expects', { file: files.script });
  }
  const workerFile = await writeWorkerScript(wasmWorkerContents);
  const binary = await fs.readFile(files.binary);
  return { pkg, wasmPackage, files, factory, workerFile, binary };
}

/** The threaded module, started with paths instead of blob: URLs and answering the core count so its pool has `threads` threads. */
async function createThreadedModule(build: Awaited<ReturnType<typeof threadedBuild>>, threads: number): Promise<ThreadedModule> {
  const { pkg, files, factory, workerFile, binary } = build;
  let coresAsked = false;
  let instantiationFailed: (error: unknown) => void = () => undefined;
  const failure = new Promise<never>((_, reject) => (instantiationFailed = reject));
  const starting = factory({
    locateFile: (file: string) => (file.endsWith('.worker.js') ? workerFile : file.endsWith('.wasm') ? files.binary : path.join(pkg, 'wasm-out', file)),
    // The workers `importScripts` this: a path works in Node, where tfjs passes a Blob.
    mainScriptUrlOrBlob: files.script,
    instantiateWasm: (imports: WasmImports, receive: (instance: unknown, module: unknown) => void) => {
      if (typeof imports.env.emscripten_num_logical_cores !== 'function') {
        throw new ThreadedWasmError('the threaded build no longer asks for emscripten_num_logical_cores', { file: files.script });
      }
      const env = {
        ...imports.env,
        emscripten_num_logical_cores: () => {
          coresAsked = true;
          return 2 * threads;
        },
      };
      webAssembly.instantiate(binary, { ...imports, env }).then((result) => receive(result.instance, result.module), instantiationFailed);
      return {};
    },
  });
  const module = await Promise.race([starting, failure]);
  if (!coresAsked || !module.PThread) throw new ThreadedWasmError('the threaded build did not start as expected', { file: files.script });
  // What tfjs's init() attaches; BackendWasm calls these.
  module.tfjs = {
    init: module.cwrap('init', null, []),
    initWithThreadsCount: module.cwrap('init_with_threads_count', null, ['number']),
    getThreadsCount: module.cwrap('get_threads_count', 'number', []),
    registerTensor: module.cwrap('register_tensor', null, ['number', 'number', 'number']),
    disposeData: module.cwrap('dispose_data', null, ['number']),
    dispose: module.cwrap('dispose', null, []),
  };
  return module;
}

/** Terminate the threaded module's workers (a later `startThreadedWasm` does this itself). */
export function stopThreadedWasm(): void {
  current?.PThread.terminateAllThreads();
  current = undefined;
}

function packageDir(): string {
  return path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
}

/**
 * Node's `Worker` needs a file. The source is the package's own (newlines inside its strings
 * escaped, as tfjs does before making a Blob of it), written once per content to the temp folder.
 */
async function writeWorkerScript(contents: string): Promise<string> {
  const source = contents.replace(/\n/g, '\\n');
  const hash = createHash('sha256').update(source).digest('hex').slice(0, 16);
  const file = path.join(os.tmpdir(), `nextframe-tfjs-wasm-${THREADED_WASM_VERSION}-${hash}.worker.js`);
  const existing = await fs.readFile(file, 'utf8').catch(() => undefined);
  if (existing !== source) await writeFileAtomic(file, source);
  return file;
}
