import * as fs from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import {
  createDiscriminator,
  createGenerator,
  createOptimizers,
  discriminatorStep,
  disposeBatch,
  generatorStep,
  prepareBatch,
  resolveModelConfig,
  type Discriminator,
  type Generator,
  type ModelConfig,
  type Optimizers,
  type TrainingBatch,
} from '@nextframe/model';

/** A preset's networks, optimisers and two fixed random batches (8 clips of 32×32×5), for benchmarks. */
export interface BenchTraining {
  config: ModelConfig;
  generator: Generator;
  discriminator: Discriminator;
  optimizers: Optimizers;
  batches: [TrainingBatch, TrainingBatch];
  /** A discriminator step on the first batch, then an adversarial generator step on the second. */
  adversarialIteration(): void;
  dispose(): void;
}

/**
 * A preset's resolved config; `demo` is the demo's recipe (data-manifests/demo.json's
 * `stages.train`: `small` with half its generator's feature maps).
 */
export function benchConfig(preset: string): ModelConfig {
  if (preset !== 'demo') return resolveModelConfig(preset);
  const manifest = JSON.parse(fs.readFileSync(path.join(__dirname, '..', '..', '..', 'data-manifests', 'demo.json'), 'utf8')) as {
    stages: { train: { preset: string; model?: Partial<ModelConfig> } };
  };
  return resolveModelConfig(manifest.stages.train.preset, manifest.stages.train.model ?? {});
}

export function benchTraining(preset: string): BenchTraining {
  const config = benchConfig(preset);
  const generator = createGenerator(config, 1);
  const discriminator = createDiscriminator(config, 1);
  const optimizers = createOptimizers(config);
  const batches = [1, 2].map((seed) => {
    const clips = tf.randomUniform([8, 32, 32, 15], -1, 1, 'float32', seed) as tf.Tensor4D;
    const batch = prepareBatch(clips, config);
    clips.dispose();
    return batch;
  }) as [TrainingBatch, TrainingBatch];
  const networks = { generator, discriminator };
  return {
    config,
    generator,
    discriminator,
    optimizers,
    batches,
    adversarialIteration: () => {
      discriminatorStep(networks, optimizers.discriminator, batches[0]);
      generatorStep(networks, optimizers.generator, batches[1], { adversarial: true });
    },
    dispose: () => {
      batches.forEach(disposeBatch);
      generator.dispose();
      discriminator.dispose();
    },
  };
}
