import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import { nativeTensorFlowBuilt } from './testing';

/**
 * What native TensorFlow is loaded with, seen from fresh processes (TensorFlow reads its
 * environment once, when it loads): the threads asked for, oneDNN, and no log noise.
 */
const built = nativeTensorFlowBuilt();
const workspace = path.resolve(__dirname, '..', '..', '..');

function start(args: { threads?: number; verbose?: boolean; env?: NodeJS.ProcessEnv }) {
  const script = [
    "const tf = require('@tensorflow/tfjs-core');",
    "const { initBackend, describeBackend } = require('@nextframe/tf-backend');",
    `initBackend('tensorflow', ${args.threads ?? 'undefined'}, { verbose: ${args.verbose === true} }).then((choice) => {`,
    '  const x = tf.randomUniform([4, 32, 32, 64]); const w = tf.randomUniform([5, 5, 64, 64]);',
    "  tf.conv2d(x, w, 1, 'same').dataSync();",
    '  process.stdout.write(JSON.stringify({ line: describeBackend(choice), intra: process.env.TF_NUM_INTRAOP_THREADS, inter: process.env.TF_NUM_INTEROP_THREADS }));',
    '});',
  ].join('\n');
  const env = { ...process.env, ...args.env };
  for (const key of ['TF_CPP_MIN_LOG_LEVEL', 'TF_ENABLE_ONEDNN_OPTS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'NEXTFRAME_THREADS']) {
    if (!(args.env && key in args.env)) delete env[key];
  }
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: workspace, encoding: 'utf8', env });
  expect(run.status).toBe(0);
  return { ...(JSON.parse(run.stdout) as { line: string; intra: string; inter: string }), stderr: run.stderr };
}

(built ? describe : describe.skip)('initBackend(tensorflow)', () => {
  it('sets both thread pools from --threads, keeps oneDNN on and TensorFlow quiet', () => {
    const one = start({ threads: 1 });
    expect(one.line).toMatch(/^backend: tensorflow \(@tensorflow\/tfjs-node, TensorFlow 2\.\d+\.\d+ from .+, CPU, 1 thread: --threads 1, oneDNN on\)$/);
    expect([one.intra, one.inter]).toEqual(['1', '1']);
    expect(one.stderr).toBe('');
  });

  it('honours TF_ENABLE_ONEDNN_OPTS=0 and says so; --verbose lets TensorFlow log', () => {
    const off = start({ env: { TF_ENABLE_ONEDNN_OPTS: '0' } });
    expect(off.line).toMatch(/, oneDNN off \(TF_ENABLE_ONEDNN_OPTS=0\)\)$/);
    expect(off.line).toMatch(/\d threads?: (all cores|this machine has 1 core)/);
    const verbose = start({ verbose: true });
    expect(verbose.stderr).toMatch(/cpu_feature_guard|oneDNN custom operations|TensorFlow binary is optimized/);
  });
});
