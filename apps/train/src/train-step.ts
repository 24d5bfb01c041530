import * as tf from '@tensorflow/tfjs-core';
import {
  discriminatorStep,
  disposeBatch,
  generatorStep,
  prepareBatch,
  scheduleLearningRate,
  type Discriminator,
  type DiscriminatorStats,
  type Generator,
  type ModelConfig,
  type Optimizers,
  type TrainingBatch,
  type WeightAverage,
} from '@nextframe/model';
import { fromSigned, psnr, sharpnessDifference, summarize } from '@nextframe/metrics';
import { discriminatorScalars, type StepOutcome } from './step-report';

/** What a step changes: the networks, their optimisers and the running average of the generator's weights. */
export interface StepNetworks {
  generator: Generator;
  discriminator?: Discriminator;
  optimizers: Optimizers;
  /** The running average of the generator's weights (`generatorAverageDecay` > 0). */
  average?: WeightAverage;
}

/** Looks at the generator's batch of a step before it is freed (batch quality, images) and returns scalars to log with the step's. */
export type BatchInspector = (batch: TrainingBatch) => Promise<Record<string, number>>;

/**
 * Step `step` + 1 of training: the learning rate from the schedule, a discriminator step on one
 * fresh batch (adversarial), then a generator step on the next, then the weight average folds
 * the new weights in. `take` gives the next batch of clips (the caller owns the data order).
 */
export async function trainStep(nets: StepNetworks, config: ModelConfig, step: number, take: () => Promise<tf.Tensor4D>, inspect?: BatchInspector): Promise<StepOutcome> {
  const { generator, discriminator, optimizers } = nets;
  scheduleLearningRate(optimizers, config, step);
  let discriminatorLoss: number | undefined;
  let judged: DiscriminatorStats | undefined;
  if (discriminator) {
    const clips = await take();
    const batch = prepareBatch(clips, config);
    ({ loss: discriminatorLoss, stats: judged } = discriminatorStep({ generator, discriminator }, optimizers.discriminator, batch));
    disposeBatch(batch);
    clips.dispose();
  }
  const clips = await take();
  const batch = prepareBatch(clips, config);
  const result = generatorStep({ generator, discriminator }, optimizers.generator, batch, { adversarial: Boolean(discriminator) });
  nets.average?.update(step + 1);
  const inspected = inspect ? await inspect(batch) : {};
  disposeBatch(batch);
  clips.dispose();
  const scalars: Record<string, number> = {
    'loss/generator': result.total,
    'loss/lp': result.lp,
    'loss/gdl': result.gdl,
    ...(result.adversarial !== undefined ? { 'loss/adversarial': result.adversarial } : {}),
    ...(discriminatorLoss !== undefined ? { 'loss/discriminator': discriminatorLoss } : {}),
    ...inspected,
    ...(judged ? discriminatorScalars(judged) : {}),
  };
  return { scalars, judged };
}

/** The first loss of a step that is not a finite number (the run has diverged), if any. */
export function divergedLoss(outcome: StepOutcome): number | undefined {
  return Object.entries(outcome.scalars).find(([k, v]) => k.startsWith('loss/') && !Number.isFinite(v))?.[1];
}

/** PSNR and sharpness difference (dB) of the finest prediction on a training batch, averaged over its clips. */
export function batchQuality(generator: Generator, batch: TrainingBatch): { psnr: number; sharpnessDifference: number } {
  const [predicted, truth] = tf.tidy(() => {
    const scales = generator.predictScales(batch.history);
    return [scales[scales.length - 1], batch.targets[batch.targets.length - 1]].map((t) => t.dataSync().slice() as Float32Array);
  });
  const [b, h, w] = batch.history.shape;
  const per = h * w * 3;
  const psnrs: number[] = [];
  const sharpness: number[] = [];
  for (let i = 0; i < b; i++) {
    const p = fromSigned(predicted.subarray(i * per, (i + 1) * per), w, h);
    const t = fromSigned(truth.subarray(i * per, (i + 1) * per), w, h);
    psnrs.push(psnr(p, t));
    sharpness.push(sharpnessDifference(p, t));
  }
  return { psnr: summarize(psnrs).mean, sharpnessDifference: summarize(sharpness).mean };
}
