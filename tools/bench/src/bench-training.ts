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

export function benchTraining(preset: string): BenchTraining {
  const config = resolveModelConfig(preset);
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
