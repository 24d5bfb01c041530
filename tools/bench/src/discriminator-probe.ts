/**
 * Can each discriminator scale learn? Trains only a fresh discriminator against a fixed, trained
 * generator and prints each scale's accuracy over every 50 steps (issue #20: the finest scale).
 * Not a test: a diagnostic.
 *   npx nx run bench:discriminator -- --checkpoint runs/demo/checkpoints/step-000000900 --clips data/demo/clips [--steps 300] [--set discriminatorLearningRate=0.0003]
 */
import * as tf from '@tensorflow/tfjs-core';
import { loadCheckpointFolder } from '@nextframe/checkpoints';
import { ClipStore, clipBatchToTensor, type EpochBatch } from '@nextframe/data';
import { createDiscriminator, createGenerator, createOptimizers, discriminatorStep, disposeBatch, parseModelField, prepareBatch, restoreCheckpoint, type ModelConfig } from '@nextframe/model';
import { describeBackend, initBackend } from '@nextframe/tf-backend';
import { argument } from './bench-args';

/** `--set FIELD=VALUE` overrides (JSON values), each checked. */
function overrides(): Partial<ModelConfig> {
  const sets = process.argv.flatMap((a, i) => (process.argv[i - 1] === '--set' ? [a] : []));
  return Object.fromEntries(
    sets.map((s) => {
      const [field, ...rest] = s.split('=');
      return [field, parseModelField(field, JSON.parse(rest.join('=')))];
    }),
  );
}

async function main(): Promise<void> {
  const checkpointDir = argument('checkpoint');
  const clipsDir = argument('clips');
  if (!checkpointDir || !clipsDir) throw new Error('--checkpoint DIR and --clips DIR are required');
  process.stderr.write(`${describeBackend(await initBackend(argument('backend'), argument('threads')))}\n`);
  const content = await loadCheckpointFolder(checkpointDir);
  const config: ModelConfig = { ...content.manifest.config, ...overrides() };
  const generator = createGenerator(config, 0);
  await restoreCheckpoint(content, { generator });
  const discriminator = createDiscriminator(config, Number(argument('seed') ?? 0));
  const optimizer = createOptimizers(config).discriminator;
  const store = await ClipStore.open(clipsDir);
  const order = store.batches({ batchSize: config.batchSize, seed: Number(argument('seed') ?? 0) });
  const recent: number[][] = [];
  for (let step = 1; step <= Number(argument('steps') ?? 300); step++) {
    const clips = clipBatchToTensor((await order.next()).value as EpochBatch);
    const batch = prepareBatch(clips, config);
    recent.push(discriminatorStep({ generator, discriminator }, optimizer, batch).stats.accuracy);
    disposeBatch(batch);
    clips.dispose();
    if (step % 50 === 0) {
      const mean = recent[0].map((_, k) => recent.reduce((sum, a) => sum + a[k], 0) / recent.length);
      console.log(`step ${step}: accuracy per scale ${mean.map((m) => m.toFixed(2)).join(' ')} (over the last ${recent.length} steps; 0.5 is chance)`);
      recent.length = 0;
    }
  }
  await order.return(undefined);
  await store.close();
  generator.dispose();
  discriminator.dispose();
  tf.disposeVariables();
}

main().catch((error) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
