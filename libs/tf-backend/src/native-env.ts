import * as fs from 'node:fs';
import * as tf from '@tensorflow/tfjs-core';
import type { NativeBuildRecord } from './native-build';

/** What native TensorFlow was (or will be) loaded with: it reads these once, when it loads. */
export interface NativeSettings {
  /** Intra- and inter-op threads (`TF_NUM_INTRAOP_THREADS`, `TF_NUM_INTEROP_THREADS`). */
  threads: number;
  /** The library had already loaded with other threads in this process. */
  threadsFixed: boolean;
  /** oneDNN on: `TF_ENABLE_ONEDNN_OPTS` where the user set it, else TensorFlow's default for this CPU. */
  oneDnn: boolean;
  /** Whether the user set it (else nextframe did). */
  oneDnnFromUser: boolean;
}

/** Version, origin and settings of the native TensorFlow in use, for the backend line. */
export interface NativeDetails {
  version: string;
  source: string;
  oneDnn: string;
  warnings: string[];
}

let loadedWith: NativeSettings | undefined;

/** CPU features for which TensorFlow's Linux x86 build turns oneDNN on by default (TF ≥ 2.9). */
const ONEDNN_DEFAULT_FEATURES = ['avx512_vnni', 'avx512_bf16', 'avx_vnni', 'amx_tile', 'amx_int8', 'amx_bf16'];

/**
 * Whether TensorFlow turns oneDNN on by itself on a CPU with these `/proc/cpuinfo` flags: only
 * where it has neural-network instructions (VNNI, BF16, AMX); elsewhere it stays off unless
 * `TF_ENABLE_ONEDNN_OPTS=1`.
 */
export function tensorflowOneDnnDefault(cpuFlags: string): boolean {
  const flags = new Set(cpuFlags.split(/\s+/));
  return ONEDNN_DEFAULT_FEATURES.some((feature) => flags.has(feature));
}

function cpuFlags(): string {
  try {
    return /^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '';
  } catch {
    return '';
  }
}

/**
 * Set what TensorFlow reads from the environment when its library loads, once per process:
 * - threads for both of its pools when asked for (so `--threads 1` compares fairly with wasm and
 *   PyTorch); otherwise TensorFlow's default, every core;
 * - oneDNN left to TensorFlow (on where the CPU has VNNI/BF16/AMX, see `tensorflowOneDnnDefault`):
 *   TF 2.21's oneDNN path gets some convolution input gradients wrong, but only for strides larger
 *   than the kernel (a 1×1 kernel at stride 2) and, on some CPUs, a 1→1 convolution's, which nextframe's networks never train — every
 *   layer's gradients are checked against the cpu backend in native-gradients.spec.ts;
 *   `TF_ENABLE_ONEDNN_OPTS` is honoured. With oneDNN on, TensorFlow prints one notice saying so
 *   past `TF_CPP_MIN_LOG_LEVEL` (absl logs it before TensorFlow sets its log level);
 * - its log lines below errors hidden unless `verbose` or `TF_CPP_MIN_LOG_LEVEL` says otherwise.
 */
export function configureNativeEnv(wanted: { threads: number; asked: boolean; verbose: boolean }, env: NodeJS.ProcessEnv = process.env): NativeSettings {
  if (loadedWith) return { ...loadedWith, threadsFixed: loadedWith.threads !== wanted.threads };
  if (env.TF_CPP_MIN_LOG_LEVEL === undefined) env.TF_CPP_MIN_LOG_LEVEL = wanted.verbose ? '0' : '2';
  const oneDnnFromUser = env.TF_ENABLE_ONEDNN_OPTS !== undefined;
  // Only a count asked for is set: TensorFlow's own default (every core) measured faster than
  // setting both pools to the core count (a `demo` adversarial iteration 1.03 s against 1.19 s).
  if (wanted.asked) {
    env.TF_NUM_INTRAOP_THREADS = String(wanted.threads);
    env.TF_NUM_INTEROP_THREADS = String(wanted.threads);
  }
  loadedWith = { threads: wanted.threads, threadsFixed: false, oneDnn: oneDnnFromUser ? !['0', 'false', 'off'].includes(String(env.TF_ENABLE_ONEDNN_OPTS).toLowerCase()) : tensorflowOneDnnDefault(cpuFlags()), oneDnnFromUser };
  return loadedWith;
}

/** Describe the loaded native backend (call after it started). */
export function describeNative(settings: NativeSettings, record: NativeBuildRecord | undefined): NativeDetails {
  const binding = (tf.engine().findBackend('tensorflow') as unknown as { binding?: { TF_Version?: string } } | null)?.binding;
  const version = binding?.TF_Version ?? record?.tensorflowVersion ?? 'unknown';
  const why = settings.oneDnnFromUser ? `TF_ENABLE_ONEDNN_OPTS=${process.env.TF_ENABLE_ONEDNN_OPTS}` : "TensorFlow's default on this CPU";
  const oneDnn = `oneDNN ${settings.oneDnn ? 'on' : 'off'} (${why})`;
  const warnings = settings.threadsFixed ? [`TensorFlow already loaded in this process with ${settings.threads} thread${settings.threads === 1 ? '' : 's'}; a new count applies from the next run`] : [];
  return { version, source: record?.source ?? 'a build nextframe did not make', oneDnn, warnings };
}
