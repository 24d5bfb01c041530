import * as tf from '@tensorflow/tfjs-core';
import type { NativeBuildRecord } from './native-build';

/** What native TensorFlow was (or will be) loaded with: it reads these once, when it loads. */
export interface NativeSettings {
  /** Intra- and inter-op threads (`TF_NUM_INTRAOP_THREADS`, `TF_NUM_INTEROP_THREADS`). */
  threads: number;
  /** The library had already loaded with other threads in this process. */
  threadsFixed: boolean;
  /** `TF_ENABLE_ONEDNN_OPTS`: on unless the user turned it off. */
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

/**
 * Set what TensorFlow reads from the environment when its library loads, once per process:
 * - threads for both of its pools when asked for (so `--threads 1` compares fairly with wasm and
 *   PyTorch); otherwise TensorFlow's default, every core;
 * - oneDNN left on (TensorFlow's default on x86): TF 2.21's oneDNN path gets some convolution
 *   input gradients wrong, but only for strides larger than the kernel (a 1×1 kernel at stride
 *   2), which nextframe's networks never use — every layer's gradients are checked against the
 *   cpu backend in native-gradients.spec.ts; `TF_ENABLE_ONEDNN_OPTS=0` (≈15% slower) is honoured;
 * - its log lines below errors hidden unless `verbose` or `TF_CPP_MIN_LOG_LEVEL` says otherwise.
 */
export function configureNativeEnv(wanted: { threads: number; asked: boolean; verbose: boolean }, env: NodeJS.ProcessEnv = process.env): NativeSettings {
  if (loadedWith) return { ...loadedWith, threadsFixed: loadedWith.threads !== wanted.threads };
  if (env.TF_CPP_MIN_LOG_LEVEL === undefined) env.TF_CPP_MIN_LOG_LEVEL = wanted.verbose ? '0' : '2';
  // Left unset when on: TensorFlow logs its oneDNN notice past TF_CPP_MIN_LOG_LEVEL when the variable is set.
  const oneDnnFromUser = env.TF_ENABLE_ONEDNN_OPTS !== undefined;
  // Only a count asked for is set: TensorFlow's own default (every core) measured faster than
  // setting both pools to the core count (a `demo` adversarial iteration 1.03 s against 1.19 s).
  if (wanted.asked) {
    env.TF_NUM_INTRAOP_THREADS = String(wanted.threads);
    env.TF_NUM_INTEROP_THREADS = String(wanted.threads);
  }
  loadedWith = { threads: wanted.threads, threadsFixed: false, oneDnn: !oneDnnFromUser || !['0', 'false', 'off'].includes(String(env.TF_ENABLE_ONEDNN_OPTS).toLowerCase()), oneDnnFromUser };
  return loadedWith;
}

/** Describe the loaded native backend (call after it started). */
export function describeNative(settings: NativeSettings, record: NativeBuildRecord | undefined): NativeDetails {
  const binding = (tf.engine().findBackend('tensorflow') as unknown as { binding?: { TF_Version?: string } } | null)?.binding;
  const version = binding?.TF_Version ?? record?.tensorflowVersion ?? 'unknown';
  const oneDnn = `oneDNN ${settings.oneDnn ? 'on' : 'off'}${settings.oneDnnFromUser ? ` (TF_ENABLE_ONEDNN_OPTS=${process.env.TF_ENABLE_ONEDNN_OPTS})` : ''}`;
  const warnings = settings.threadsFixed ? [`TensorFlow already loaded in this process with ${settings.threads} thread${settings.threads === 1 ? '' : 's'}; a new count applies from the next run`] : [];
  return { version, source: record?.source ?? 'a build nextframe did not make', oneDnn, warnings };
}
