import { spawnSync } from 'node:child_process';
import * as path from 'node:path';
import * as fs from 'node:fs';
import { nativeTensorFlowBuilt, withoutOneDnnNotice } from './testing';
import { tensorflowOneDnnDefault } from './native-env';
import { nativeTurnedOff } from './native-build';

/**
 * What native TensorFlow is loaded with, seen from fresh processes (TensorFlow reads its
 * environment once, when it loads): the threads asked for, oneDNN, and no log noise.
 */
const built = nativeTensorFlowBuilt();
const workspace = path.resolve(__dirname, '..', '..', '..');

function start(args: { threads?: number; verbose?: boolean; env?: NodeJS.ProcessEnv; request?: string }) {
  const script = [
    "const tf = require('@tensorflow/tfjs-core');",
    "const { initBackend, describeBackend } = require('@nextframe/tf-backend');",
    `initBackend('${args.request ?? 'tensorflow'}', ${args.threads ?? 'undefined'}, { verbose: ${args.verbose === true} }).then((choice) => {`,
    '  const x = tf.randomUniform([4, 32, 32, 64]); const w = tf.randomUniform([5, 5, 64, 64]);',
    "  tf.conv2d(x, w, 1, 'same').dataSync();",
    '  process.stdout.write(JSON.stringify({ line: describeBackend(choice), intra: process.env.TF_NUM_INTRAOP_THREADS, inter: process.env.TF_NUM_INTEROP_THREADS }));',
    '});',
  ].join('\n');
  const env = { ...process.env, ...args.env };
  for (const key of ['NEXTFRAME_NATIVE', 'TF_CPP_MIN_LOG_LEVEL', 'TF_ENABLE_ONEDNN_OPTS', 'TF_NUM_INTRAOP_THREADS', 'TF_NUM_INTEROP_THREADS', 'NEXTFRAME_THREADS']) {
    if (!(args.env && key in args.env)) delete env[key];
  }
  const run = spawnSync(process.execPath, ['--require', 'tsx/cjs', '-e', script], { cwd: workspace, encoding: 'utf8', env });
  expect(run.status).toBe(0);
  return { ...(JSON.parse(run.stdout) as { line: string; intra: string; inter: string }), stderr: run.stderr };
}

describe('oneDNN and NEXTFRAME_NATIVE', () => {
  it("knows TensorFlow's oneDNN default from the CPU's flags", () => {
    expect(tensorflowOneDnnDefault('fpu sse2 avx avx2 fma avx512f avx512bw')).toBe(false);
    expect(tensorflowOneDnnDefault('fpu avx2 avx512f avx512_vnni')).toBe(true);
    expect(tensorflowOneDnnDefault('avx2 avx_vnni')).toBe(true);
    expect(tensorflowOneDnnDefault('avx512f amx_tile amx_bf16')).toBe(true);
    expect(tensorflowOneDnnDefault('')).toBe(false);
  });

  it('NEXTFRAME_NATIVE=off in any case turns native TensorFlow off', () => {
    expect(['off', 'OFF', ' Off '].map((v) => nativeTurnedOff({ NEXTFRAME_NATIVE: v }))).toEqual([true, true, true]);
    expect(['', 'on', 'rebuild'].map((v) => nativeTurnedOff({ NEXTFRAME_NATIVE: v }))).toEqual([false, false, false]);
    expect(nativeTurnedOff({})).toBe(false);
  });
});

/** The two lines absl prints when TensorFlow's oneDNN is on, before any log level applies. */
const ONEDNN_NOTICE = [/^WARNING: All log messages before absl::InitializeLog\(\) is called are written to STDERR$/, /port\.cc:\d+\] oneDNN custom operations are on\./];

(built ? describe : describe.skip)('initBackend(tensorflow)', () => {
  it("sets both thread pools from --threads, says whether oneDNN is on, and TensorFlow prints nothing but its oneDNN notice", () => {
    const one = start({ threads: 1 });
    const onByDefault = tensorflowOneDnnDefault(/^flags\s*:(.*)$/m.exec(fs.readFileSync('/proc/cpuinfo', 'utf8'))?.[1] ?? '');
    const oneDnn = `oneDNN ${onByDefault ? 'on' : 'off'} \\(TensorFlow's default on this CPU\\)`;
    expect(one.line).toMatch(new RegExp(`^backend: tensorflow \\(@tensorflow/tfjs-node, TensorFlow 2\\.\\d+\\.\\d+ from .+, CPU, 1 thread: --threads 1, ${oneDnn}\\)$`));
    expect([one.intra, one.inter]).toEqual(['1', '1']);
    const lines = one.stderr.split('\n').filter(Boolean);
    expect(lines.length).toBe(onByDefault ? 2 : 0);
    lines.forEach((line, i) => expect(line).toMatch(ONEDNN_NOTICE[i]));
    expect(withoutOneDnnNotice(one.stderr).trim()).toBe('');
    const quiet = start({ threads: 1, env: { TF_ENABLE_ONEDNN_OPTS: '0' } });
    expect(quiet.stderr).toBe('');
  });

  it('NEXTFRAME_NATIVE=off skips it under auto, saying why', () => {
    const off = start({ request: 'auto', env: { NEXTFRAME_NATIVE: 'Off' } });
    expect(off.line).toMatch(/^backend: wasm \(.*; not used: @tensorflow\/tfjs-node: NEXTFRAME_NATIVE=off$/);
  });

  it('honours TF_ENABLE_ONEDNN_OPTS=0 and says so; --verbose lets TensorFlow log', () => {
    const off = start({ env: { TF_ENABLE_ONEDNN_OPTS: '0' } });
    expect(off.line).toMatch(/, oneDNN off \(TF_ENABLE_ONEDNN_OPTS=0\)\)$/);
    expect(off.line).toMatch(/\d threads?: (all cores|this machine has 1 core)/);
    const verbose = start({ verbose: true });
    expect(verbose.stderr).toMatch(/cpu_feature_guard|oneDNN custom operations|TensorFlow binary is optimized/);
  });
});
