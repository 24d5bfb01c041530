import { initBackend, type BackendChoice } from './init-backend';
import { nativeBindingPath, nativePackageDir, nativeTurnedOff } from './native-build';

/**
 * The backend the backend-sensitive specs run on: `NEXTFRAME_BACKEND` (`npm test` runs them once
 * on wasm and once on tensorflow, see tools/workspace-scripts/test-on-tensorflow.sh), else wasm.
 */
export function testBackendName(): 'wasm' | 'tensorflow' {
  return process.env.NEXTFRAME_BACKEND === 'tensorflow' ? 'tensorflow' : 'wasm';
}

/** Start the specs' backend (`threads` for wasm; TensorFlow keeps the count it first loaded with). */
export function initTestBackend(threads?: number): Promise<BackendChoice> {
  return initBackend(testBackendName(), threads);
}

/** Whether @tensorflow/tfjs-node is built here and not turned off (the native specs run only then). */
export function nativeTensorFlowBuilt(): boolean {
  if (nativeTurnedOff()) return false;
  const dir = nativePackageDir('@tensorflow/tfjs-node');
  return Boolean(dir && nativeBindingPath(dir));
}

/**
 * stderr without the one notice native TensorFlow prints past its log level when oneDNN is on
 * (absl's line about logging before InitializeLog, then `oneDNN custom operations are on…`,
 * whose text contains the word "errors"): what a spec checks for real errors.
 */
export function withoutOneDnnNotice(stderr: string): string {
  return stderr
    .split('\n')
    .filter((line) => !/^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/.test(line) && !/port\.cc:\d+\] oneDNN custom operations are on\./.test(line))
    .join('\n');
}
