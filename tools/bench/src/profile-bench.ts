/**
 * Where an adversarial training iteration spends its time, per kernel (issue #10). Not a test.
 *   npx nx run bench:profile     (or: node --require tsx/cjs tools/bench/src/profile-bench.ts [--presets small,paper] [--threads N])
 *
 * One warm-up iteration, then one under `tf.profile`: kernel times summed by kernel name and by
 * kind (convolutions, their gradients, matmuls, resizes, concats/slices, transposes, element-wise),
 * against the iteration's wall time. Data loading is not in it: training reads batches ahead with
 * the clip store's prefetching iterator, about 5 ms a batch (`bench:crop`), off the step's path.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { benchTraining } from './bench-training';
import { argument } from './bench-args';

const KINDS: [string, RegExp][] = [
  ['convolution (forward)', /^(Conv2D|FusedConv2D)$/],
  ['convolution input gradient', /^Conv2DBackpropInput$/],
  ['convolution filter gradient', /^Conv2DBackpropFilter$/],
  ['matmul (discriminator dense layers)', /^(BatchMatMul|_FusedMatMul)$/],
  ['resize (and its gradient)', /^Resize/],
  ['concat / slice / pad', /^(Concat|Slice|SplitV|PadV2|MirrorPad)$/],
  ['transpose / reshape / identity', /^(Transpose|Reshape|Identity|Cast)$/],
];

async function profilePreset(preset: string): Promise<void> {
  const bench = benchTraining(preset);
  const iteration = bench.adversarialIteration;
  iteration();
  const started = process.hrtime.bigint();
  const info = await tf.profile(iteration);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const kernel of info.kernels) {
    const entry = byName.get(kernel.name) ?? { ms: 0, calls: 0 };
    entry.ms += (await kernel.kernelTimeMs) as number;
    entry.calls++;
    byName.set(kernel.name, entry);
  }
  const byKind = new Map<string, number>();
  for (const [name, { ms }] of byName) {
    const kind = KINDS.find(([, pattern]) => pattern.test(name))?.[0] ?? 'element-wise and reductions';
    byKind.set(kind, (byKind.get(kind) ?? 0) + ms);
  }
  const kernelMs = [...byName.values()].reduce((s, e) => s + e.ms, 0);
  const pct = (x: number) => `${((100 * x) / wallMs).toFixed(1)}%`;
  console.log(`\n### \`${preset}\`: one adversarial iteration, ${(wallMs / 1000).toFixed(2)} s wall, ${info.kernels.length} kernel calls\n`);
  console.log('| kind | ms | share of wall time |\n| --- | --- | --- |');
  for (const [kind, ms] of [...byKind].sort((x, y) => y[1] - x[1])) console.log(`| ${kind} | ${Math.round(ms)} | ${pct(ms)} |`);
  console.log(`| outside kernels (JavaScript, tape, optimizer bookkeeping) | ${Math.round(wallMs - kernelMs)} | ${pct(wallMs - kernelMs)} |`);
  console.log('\n| kernel | calls | ms |\n| --- | --- | --- |');
  for (const [name, e] of [...byName].sort((x, y) => y[1].ms - x[1].ms).slice(0, 12)) console.log(`| ${name} | ${e.calls} | ${Math.round(e.ms)} |`);
  bench.dispose();
}

async function main(): Promise<void> {
  const choice = await initBackend(argument('backend') ?? 'wasm', argument('threads'));
  console.log(describeBackend(choice));
  for (const preset of (argument('presets') ?? 'small,paper').split(',')) await profilePreset(preset);
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
