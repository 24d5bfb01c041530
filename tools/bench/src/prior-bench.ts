/**
 * The constant-velocity prior's cost (issue #20): block matching (`velocityFlow`) at the demo's
 * training batch (8 clips of 32×32, 4 frames) and at evaluation size (1 frame of 64×64), for the
 * matching windows tried. Not a test.
 *   npx nx run bench:prior     (or: node --require tsx/cjs tools/bench/src/prior-bench.ts [--backend tensorflow] [--threads 1] [--repeats 30])
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { velocityFlow } from '@nextframe/model';
import { argument } from './bench-args';

/** Median milliseconds of `repeats` runs of `run` (after 3 warm-ups), its result read back each time. */
function medianMs(run: () => tf.Tensor, repeats: number): number {
  const times: number[] = [];
  for (let i = 0; i < repeats + 3; i++) {
    const started = process.hrtime.bigint();
    const out = run();
    out.dataSync();
    out.dispose();
    if (i >= 3) times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  return times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
}

async function main(): Promise<void> {
  const choice = await initBackend(argument('backend') ?? 'wasm', argument('threads'));
  const repeats = Number(argument('repeats') ?? 30);
  console.log(describeBackend(choice));
  const shapes: [string, [number, number, number, number]][] = [['training batch 8×32×32', [8, 32, 32, 12]], ['evaluation 1×64×64', [1, 64, 64, 12]]];
  console.log('\n| velocityFlow (span 3, radius 4, smooth 9) | window 7 ms | window 11 ms | window 15 ms |\n| --- | --- | --- | --- |');
  for (const [label, shape] of shapes) {
    const history = tf.randomUniform(shape, -1, 1, 'float32', 1) as tf.Tensor4D;
    const ms = [7, 11, 15].map((w) => medianMs(() => velocityFlow(history, 3, 4, w, 9), repeats).toFixed(1));
    console.log(`| ${label} | ${ms.join(' | ')} |`);
    history.dispose();
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
