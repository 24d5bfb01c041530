/**
 * Native TensorFlow for nextframe, run by `npm ci`/`npm install` (the workspace's postinstall) and
 * by hand: `node --require tsx/cjs tools/native-tensorflow/src/main.ts [--check]`.
 * It never fails the install: where no TensorFlow can be had, it says in one line why and what to
 * install, and nextframe runs on wasm. `--check` exits 1 unless @tensorflow/tfjs-node loads.
 * Environment: NEXTFRAME_NATIVE=off|rebuild, NEXTFRAME_TENSORFLOW_WHEEL, NEXTFRAME_TENSORFLOW_PIP,
 * NEXTFRAME_WHEEL_CACHE, PYTHON, and tfjs-node's own TFJS_NODE_BASE_URI / TFJS_NODE_CDN_STORAGE.
 */
import * as path from 'node:path';
import { NATIVE_PACKAGES } from '@nextframe/tf-backend';
import { installNative, type InstallOutcome } from './install-native';

const HOW_TO =
  'to build it: pip install tensorflow-cpu (or set NEXTFRAME_TENSORFLOW_WHEEL to a TensorFlow wheel), then npm run native-tensorflow';

export function summaryLine(outcome: InstallOutcome): string {
  if (outcome.record) {
    const how = outcome.builtNow ? 'built' : 'in place';
    return `native TensorFlow: ${outcome.pkg} ${how}, TensorFlow ${outcome.record.tensorflowVersion} from ${outcome.record.source}`;
  }
  return `native TensorFlow: ${outcome.pkg} not built (${outcome.why.join('; ') || 'no reason given'})`;
}

async function main(): Promise<void> {
  const started = Date.now();
  const root = path.resolve(__dirname, '..', '..', '..');
  const log = (line: string) => process.stderr.write(`native TensorFlow: ${line}\n`);
  const outcomes: InstallOutcome[] = [];
  for (const pkg of NATIVE_PACKAGES) {
    const outcome = await installNative(pkg, { root, log });
    outcomes.push(outcome);
    // The GPU package is optional and silent unless a GPU was found or it is built.
    if (!pkg.endsWith('-gpu') || outcome.record || !outcome.why.some((w) => w.startsWith('no NVIDIA GPU') || w === 'not installed')) {
      process.stderr.write(`${summaryLine(outcome)}\n`);
    }
  }
  const cpu = outcomes.find((o) => o.pkg === '@tensorflow/tfjs-node');
  if (!outcomes.some((o) => o.record)) process.stderr.write(`native TensorFlow: nextframe will run on wasm; ${HOW_TO}\n`);
  process.stderr.write(`native TensorFlow: done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
  if (process.argv.includes('--check') && !cpu?.record) process.exitCode = 1;
}

if (require.main === module) {
  main().catch((error: unknown) => {
    // An install must not fail on our account: say what broke and go on.
    process.stderr.write(`native TensorFlow: not built (${error instanceof Error ? error.message : String(error)}); nextframe will run on wasm\n`);
  });
}
