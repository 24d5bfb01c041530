/**
 * Training and inference speed of the networks (issues #4, #10). Not a test.
 *   npx nx run bench:model     (or: node --require tsx/cjs tools/bench/src/model-bench.ts [--presets small,paper] [--iterations N])
 *
 * One run measures, per preset (`demo`: the demo's recipe, `small`, `paper`), on the wasm backend and on native TensorFlow (`tensorflow`, where
 * @tensorflow/tfjs-node is built) with 1 thread and with every core (each in its own child
 * process, one after the other), and — where Debian's python3-torch is installed — the same
 * networks in PyTorch on CPU with the same thread counts (tools/bench/src/model-bench-torch.py):
 * ms per adversarial iteration (a discriminator step on one batch, then a generator step on
 * another; batch 8 of 32×32), per non-adversarial generator step, and per full-frame (210×160)
 * inference, with the GFLOP/s those reach (FLOPs counted from the networks' shapes).
 */
import * as tf from '@tensorflow/tfjs-core';
import { generatorStep, scaleSize, type ModelConfig } from '@nextframe/model';
import { spawnSync } from 'node:child_process';
import * as os from 'node:os';
import * as path from 'node:path';
import { MAX_WASM_THREADS, describeBackend, initBackend } from '@nextframe/tf-backend';
import { benchConfig, benchTraining } from './bench-training';
import { argument } from './bench-args';

const FRAME: [number, number] = [160, 210];

/** Forward FLOPs (2 per multiply-add) of the generator and discriminator for one 32×32 sample. */
export function forwardFlops(config: ModelConfig): { generator: number; discriminator: number } {
  const count = config.generator.length;
  let generator = 0;
  config.generator.forEach((scale, k) => {
    const side = scaleSize(config.patchSizePx, k, count);
    scale.kernelSizes.forEach((kernel, i) => (generator += 2 * kernel * kernel * scale.featureMaps[i] * scale.featureMaps[i + 1] * side * side));
  });
  let discriminator = 0;
  config.discriminator.forEach((scale, k) => {
    let side = scaleSize(config.patchSizePx, k, count);
    scale.kernelSizes.forEach((kernel, i) => {
      side -= kernel - 1;
      discriminator += 2 * kernel * kernel * scale.featureMaps[i] * scale.featureMaps[i + 1] * side * side;
    });
    const flat = Math.floor(side / 2) ** 2 * scale.featureMaps[scale.featureMaps.length - 1];
    [flat, ...scale.fullyConnected].slice(0, -1).forEach((inputs, i) => (discriminator += 2 * inputs * scale.fullyConnected[i]));
  });
  return { generator, discriminator };
}

async function timeIt(runs: number, body: () => void): Promise<number> {
  body(); // warm-up: kernels compiled, optimizer state created
  const started = process.hrtime.bigint();
  for (let i = 0; i < runs; i++) body();
  return Number(process.hrtime.bigint() - started) / 1e6 / runs;
}

async function benchPreset(preset: string, runs: number) {
  const bench = benchTraining(preset);
  const { config, generator: g, optimizers } = bench;
  const adversarialMs = await timeIt(runs, bench.adversarialIteration);
  const generatorStepMs = await timeIt(runs, () => generatorStep({ generator: g }, optimizers.generator, bench.batches[1], { adversarial: false }));
  const frame = tf.randomUniform([1, ...FRAME, 12], -1, 1, 'float32', 3) as tf.Tensor4D;
  const inferenceMs = await timeIt(runs, () => g.predict(frame).dispose());
  const flops = forwardFlops(config);
  // D step: G forward, D forward+backward on real and fake; G step: G forward+backward, D forward+input-gradient.
  const adversarialFlops = 8 * (flops.generator + 2 * 3 * flops.discriminator + 3 * flops.generator + 2 * flops.discriminator);
  const generatorStepFlops = 8 * 3 * flops.generator;
  frame.dispose();
  bench.dispose();
  return {
    preset,
    generatorForwardGflopPerSample: round(flops.generator / 1e9),
    adversarialIterationMs: Math.round(adversarialMs),
    adversarialGflops: round(adversarialFlops / 1e9 / (adversarialMs / 1000)),
    generatorStepMs: Math.round(generatorStepMs),
    generatorStepGflops: round(generatorStepFlops / 1e9 / (generatorStepMs / 1000)),
    fullFrameInferenceMs: Math.round(inferenceMs),
  };
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}

type Measured = { adversarialIterationMs: number; generatorStepMs: number; fullFrameInferenceMs: number };

/** Child mode: one backend, one thread count, every preset; one JSON line per preset. */
async function child(): Promise<void> {
  const choice = await initBackend(argument('backend') ?? 'wasm', argument('threads'));
  console.error(describeBackend(choice));
  for (const preset of (argument('presets') ?? 'demo,small,paper').split(',')) {
    const runs = Number(argument('iterations')) || (preset === 'paper' ? 1 : 4);
    console.log(`RESULT ${JSON.stringify({ backend: choice.name, threads: choice.threads, ...(await benchPreset(preset, runs)) })}`);
  }
}

/** A python3 that has torch (`PYTHON`, else each `python3` on the PATH in turn: a pyenv shim may hide Debian's), or undefined. */
function findTorchPython(): string | undefined {
  const onPath = (process.env.PATH ?? '').split(path.delimiter).filter(Boolean).map((dir) => path.join(dir, 'python3'));
  for (const candidate of [process.env.PYTHON, ...onPath].filter(Boolean) as string[]) {
    if (spawnSync(candidate, ['-c', 'import torch'], { stdio: 'ignore' }).status === 0) return candidate;
  }
  return undefined;
}

function runChild(command: string, args: string[], input?: string): Record<string, unknown>[] {
  const run = spawnSync(command, args, { input, encoding: 'utf8', maxBuffer: 1 << 26 });
  process.stderr.write(run.stderr ?? '');
  if (run.status !== 0) throw new Error(`${command} ${args.join(' ')} failed (${run.status})`);
  return run.stdout
    .split('\n')
    .filter((l) => l.startsWith('RESULT ') || l.startsWith('{'))
    .map((l) => JSON.parse(l.replace(/^RESULT /, '')));
}

async function main(): Promise<void> {
  if (process.argv.includes('--child')) return child();
  const presets = (argument('presets') ?? 'demo,small,paper').split(',');
  const all = Math.min(os.availableParallelism(), MAX_WASM_THREADS);
  const threadCounts = argument('thread-counts') ? (argument('thread-counts') as string).split(',').map(Number) : [...new Set([1, all])];
  const backends = (argument('backends') ?? 'wasm,tensorflow').split(',');
  const python = findTorchPython();
  console.log(python ? `PyTorch: ${python}` : 'PyTorch: not installed (apt-get install python3-torch), its column is skipped');
  const rows: { preset: string; backend: string; threads: number; ours: Measured; torch?: Measured }[] = [];
  const torchRuns = new Map<string, Measured>();
  for (const backend of backends) {
    for (const threads of threadCounts) {
      const extra = argument('iterations') ? ['--iterations', argument('iterations') as string] : [];
      let ours: Record<string, unknown>[];
      try {
        ours = runChild(process.execPath, ['--require', 'tsx/cjs', __filename, '--child', '--backend', backend, '--threads', String(threads), '--presets', presets.join(','), ...extra]);
      } catch (error) {
        console.log(`${backend} with ${threads} thread(s): not measured (${(error as Error).message})`);
        continue;
      }
      for (const result of ours) {
        const preset = String(result.preset);
        const key = `${preset}/${threads}`;
        if (python && !torchRuns.has(key)) {
          const job = { config: benchConfig(preset), threads, runs: preset === 'paper' ? 2 : 4, frame: FRAME };
          torchRuns.set(key, runChild(python, [path.join(__dirname, 'model-bench-torch.py')], JSON.stringify(job))[0] as unknown as Measured);
        }
        rows.push({ preset, backend, threads, ours: result as unknown as Measured, torch: torchRuns.get(key) });
        console.log(JSON.stringify(rows[rows.length - 1]));
      }
    }
  }
  const ms = (x: number) => (x >= 10000 ? `${(x / 1000).toFixed(1)} s` : `${Math.round(x)} ms`);
  const cell = (row: (typeof rows)[number], key: keyof Measured) => {
    const wasm = rows.find((r) => r.preset === row.preset && r.backend === 'wasm' && r.threads === row.threads);
    const vsWasm = wasm && wasm !== row ? `, **${round(wasm.ours[key] / row.ours[key])}× faster than wasm**` : '';
    const single = rows.find((r) => r.preset === row.preset && r.backend === row.backend && r.threads === 1);
    const speedup = single && row.threads > 1 ? `, ${round(single.ours[key] / row.ours[key])}× 1 thread` : '';
    const torch = row.torch ? `, ${round(row.ours[key] / row.torch[key])}× PyTorch's ${ms(row.torch[key])}` : '';
    return `${ms(row.ours[key])}${vsWasm}${speedup}${torch}`;
  };
  console.log('\n| preset | backend | threads | adversarial iteration | generator step | full-frame (210×160) inference |\n| --- | --- | --- | --- | --- | --- |');
  for (const row of rows) {
    console.log(`| \`${row.preset}\` | ${row.backend} | ${row.threads} | ${cell(row, 'adversarialIterationMs')} | ${cell(row, 'generatorStepMs')} | ${cell(row, 'fullFrameInferenceMs')} |`);
  }
}
main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
