import * as tf from '@tensorflow/tfjs-core';
import { initTestBackend } from '@nextframe/tf-backend/testing';
import {
  checkpointFiles, checkpointFromFiles, createDiscriminator, createGenerator, createOptimizers, discriminatorStep, disposeBatch, generatorStep, prepareBatch,
  resolveModelConfig, restoreCheckpoint, serializeCheckpoint, type ModelConfig,
} from './index';
import { parameterValues as values, randomClips as clips, sameValues as same, tinyTrainingConfig } from './testing';

beforeAll(async () => {
  await initTestBackend();
});

const tiny: ModelConfig = tinyTrainingConfig();

describe('checkpoints: round-trip', () => {
  it('round-trip: identical outputs and an identical next training step', async () => {
    const g = createGenerator(tiny, 5);
    const d = createDiscriminator(tiny, 5);
    const optimizers = createOptimizers(tiny);
    const input = clips(7);
    const batch = prepareBatch(input, tiny);
    for (let i = 0; i < 2; i++) {
      discriminatorStep({ generator: g, discriminator: d }, optimizers.discriminator, batch);
      generatorStep({ generator: g, discriminator: d }, optimizers.generator, batch, { adversarial: true });
    }
    const serialized = await serializeCheckpoint({ generator: g, discriminator: d, optimizers, step: 2, seed: 5, trainer: { dataPosition: { epoch: 1, batch: 3 }, adversarial: true, savedAt: 5, trainingSeconds: 1.5 } });
    // Through the folder format (checkpoint.json + weights.bin), as bytes on disk would be.
    const files = checkpointFiles(serialized);
    expect(Object.keys(files)).toEqual(['checkpoint.json', 'weights.bin']);
    const saved = checkpointFromFiles(files['checkpoint.json'] as string, Buffer.from(files['weights.bin'] as Uint8Array));
    expect(() => checkpointFromFiles(files['checkpoint.json'] as string, new Uint8Array(8))).toThrow(/weights.bin is 8 bytes, checkpoint.json describes \d+/);
    expect(saved.manifest).toMatchObject({
      format: 'nextframe-checkpoint',
      version: 2,
      step: 2,
      seed: 5,
      trainer: { dataPosition: { epoch: 1, batch: 3 }, adversarial: true, savedAt: 5, trainingSeconds: 1.5 },
    });

    // A fresh pair from another seed, restored, predicts exactly the same…
    const g2 = createGenerator(tiny, 99);
    const d2 = createDiscriminator(tiny, 99);
    const optimizers2 = createOptimizers(tiny);
    await restoreCheckpoint(saved, { generator: g2, discriminator: d2, optimizers: optimizers2 });
    const out1 = g.predict(batch.history);
    const out2 = g2.predict(batch.history);
    expect(Array.from(out2.dataSync())).toEqual(Array.from(out1.dataSync()));

    // A generator alone loads for inference at any size.
    const g3 = createGenerator(tiny, 123);
    await restoreCheckpoint(saved, { generator: g3 });
    const frame = tf.randomUniform([1, 41, 30, 12], -1, 1, 'float32', 9) as tf.Tensor4D;
    const a = g.predict(frame); // g is still at step 2 here
    const b = g3.predict(frame);
    expect(Array.from(b.dataSync())).toEqual(Array.from(a.dataSync()));

    // …and the next step lands on the same weights (Adam's moments and step count came along).
    discriminatorStep({ generator: g, discriminator: d }, optimizers.discriminator, batch);
    const r1 = generatorStep({ generator: g, discriminator: d }, optimizers.generator, batch, { adversarial: true });
    discriminatorStep({ generator: g2, discriminator: d2 }, optimizers2.discriminator, batch);
    const r2 = generatorStep({ generator: g2, discriminator: d2 }, optimizers2.generator, batch, { adversarial: true });
    expect(r2).toEqual(r1);
    expect(same(values(g2.parameters), values(g.parameters))).toBe(true);
    expect(same(values(d2.parameters), values(d.parameters))).toBe(true);

    tf.dispose([out1, out2, input, frame, a, b]);
    disposeBatch(batch);
    [g, d, g2, d2, g3].forEach((n) => n.dispose());
  });
});

describe('checkpoints of another shape', () => {
  it('refuses a checkpoint of another shape', async () => {
    const g = createGenerator(tiny, 1);
    const saved = await serializeCheckpoint({ generator: g, step: 0, seed: 1 });
    const other = createGenerator(resolveModelConfig('small'), 1);
    await expect(restoreCheckpoint(saved, { generator: other })).rejects.toThrow(/generator\/scale0\/conv0\/weights is 3x3x12x8 in the checkpoint but 3x3x12x32 in the model/);
    g.dispose();
    other.dispose();
  });
});
