import * as tf from '@tensorflow/tfjs-core';
import { adversarialLoss, discriminatorLoss } from './adversarial-loss';
import type { Discriminator } from './discriminator';
import type { Generator } from './generator';
import { downsample } from './downsample';
import { feedBack } from './frame-io';
import { generatorLoss } from './generator-loss';
import { gradientDifferenceLoss } from './gradient-difference-loss';
import { lpLoss, releaseOvershoot } from './lp-loss';
import { scaleSize, type ModelConfig } from './model-config';

/**
 * Adam (tfjs's, with its defaults β1 0.9, β2 0.999) whose learning rate a schedule can change
 * between steps without losing its moments: tfjs keeps `learningRate` protected, with no setter.
 */
export class ScheduledAdam extends tf.AdamOptimizer {
  constructor(learningRate: number) {
    super(learningRate, 0.9, 0.999);
  }

  /** The learning rate the next update uses. */
  get rate(): number {
    return this.learningRate;
  }

  set rate(value: number) {
    this.learningRate = value;
  }
}

export interface Optimizers {
  /** Adam (spec: generator), its learning rate set by the schedule before each step. */
  generator: ScheduledAdam;
  /** Plain gradient descent (spec), or Adam (`discriminatorOptimizer`). */
  discriminator: tf.Optimizer;
}

export function createOptimizers(config: ModelConfig): Optimizers {
  const discriminator = config.discriminatorOptimizer === 'adam' ? tf.train.adam(config.discriminatorLearningRate) : tf.train.sgd(config.discriminatorLearningRate);
  return { generator: new ScheduledAdam(config.generatorLearningRate), discriminator };
}

/** A clip batch split for training: the history (full size and per scale) and the targets per scale. */
export interface TrainingBatch {
  /** `[B, P, P, 3·history]`, the generator's input. */
  history: tf.Tensor4D;
  /** The history resized to each scale (for the conditional discriminator). */
  historyScales: tf.Tensor4D[];
  /** The true next frame resized to each scale, coarsest first. */
  targets: tf.Tensor4D[];
  /**
   * With `rolloutSteps` k > 1: the true frames after the next one (k − 1 of them), each resized
   * to each scale, coarsest first. Empty otherwise.
   */
  laterTargets: tf.Tensor4D[][];
}

/**
 * Split `[B, P, P, 3·(history + rolloutSteps)]` clips (frames stacked oldest first) into a
 * `TrainingBatch`. The caller disposes it with `disposeBatch`.
 */
export function prepareBatch(clips: tf.Tensor4D, config: ModelConfig): TrainingBatch {
  return tf.tidy(() => {
    const [b, h, w, c] = clips.shape;
    const historyChannels = 3 * config.historyLength;
    const rollout = config.rolloutSteps;
    if (c !== historyChannels + 3 * rollout) {
      throw new RangeError(`clips have ${c} channels, the model needs ${historyChannels + 3 * rollout} (history ${config.historyLength} + ${rollout} frames)`);
    }
    const history = tf.slice(clips, [0, 0, 0, 0], [b, h, w, historyChannels]);
    const count = config.generator.length;
    const sizeAt = (k: number): [number, number] => [scaleSize(h, k, count), scaleSize(w, k, count)];
    const historyScales = config.generator.map((_, k) => (k === count - 1 ? history : downsample(history, sizeAt(k), config.downsampling)));
    const targetsOf = (i: number) => {
      const target = tf.slice(clips, [0, 0, 0, historyChannels + 3 * i], [b, h, w, 3]);
      return config.generator.map((_, k) => (k === count - 1 ? target : downsample(target, sizeAt(k), config.downsampling)));
    };
    const laterTargets = Array.from({ length: rollout - 1 }, (_, i) => targetsOf(i + 1));
    return { history, historyScales, targets: targetsOf(0), laterTargets };
  });
}

export function disposeBatch(batch: TrainingBatch): void {
  tf.dispose([batch.history, ...batch.historyScales, ...batch.targets, ...batch.laterTargets.flat()]);
}

/** What the discriminator said on one batch, per scale (coarsest first). */
export interface DiscriminatorStats {
  /** Mean output (probability "real", after the clip) on the true frames. */
  realMean: number[];
  /** Mean output on the generated frames. */
  generatedMean: number[];
  /** Share of the 2·B frames judged right (real > 0.5, generated < 0.5; 0.5 counts as wrong). */
  accuracy: number[];
}

/**
 * Per-scale means and accuracy from the discriminator's outputs (`[B, 1]` each) on real and on
 * generated frames: a discriminator stuck at 0.5 everywhere (accuracy 0) gives the generator no
 * signal.
 */
export function discriminatorStats(real: readonly Float32Array[], generated: readonly Float32Array[]): DiscriminatorStats {
  const mean = (v: Float32Array) => v.reduce((a, b) => a + b, 0) / v.length;
  return {
    realMean: real.map(mean),
    generatedMean: generated.map(mean),
    accuracy: real.map((r, k) => (r.filter((p) => p > 0.5).length + generated[k].filter((p) => p < 0.5).length) / (r.length + generated[k].length)),
  };
}

/** One discriminator step (paper: on a fresh batch): real frames against 1, generated against 0. */
export function discriminatorStep(
  networks: { generator: Generator; discriminator: Discriminator },
  optimizer: tf.Optimizer,
  batch: TrainingBatch,
): { loss: number; stats: DiscriminatorStats } {
  const { generator, discriminator } = networks;
  const config = generator.config;
  const fake = tf.tidy(() => generator.predictScales(batch.history)); // constants: no gradient to G
  const kept: { real: tf.Tensor[]; generated: tf.Tensor[] } = { real: [], generated: [] };
  try {
    const variables = discriminator.parameters.map((p) => p.variable);
    const cost = optimizer.minimize(
      () => {
        const real = discriminator.predict(batch.targets, batch.historyScales);
        const generated = discriminator.predict(fake, batch.historyScales);
        kept.real = real.map((t) => tf.keep(t));
        kept.generated = generated.map((t) => tf.keep(t));
        return discriminatorLoss(real, generated, config.lossReduction);
      },
      true,
      variables,
    );
    const loss = (cost as tf.Scalar).dataSync()[0];
    cost?.dispose();
    const read = (ts: tf.Tensor[]) => ts.map((t) => t.dataSync() as Float32Array);
    return { loss, stats: discriminatorStats(read(kept.real), read(kept.generated)) };
  } finally {
    tf.dispose([...fake, ...kept.real, ...kept.generated]);
  }
}

export interface GeneratorStepResult {
  total: number;
  lp: number;
  gdl: number;
  adversarial?: number;
}

/**
 * One generator step. Adversarial: the adversarial term's gradient flows through the
 * discriminator into the generator (the port fed D's outputs back as constants); only the
 * generator's weights move. With `rolloutSteps` k > 1 the generator also predicts k − 1 frames
 * further, each from its own previous prediction fed back (clipped with `clipFeedback`), and the
 * lp and gdl terms are the means over the k steps, their gradients flowing back through the fed
 * back frames; the adversarial term judges the first step.
 */
export function generatorStep(
  networks: { generator: Generator; discriminator?: Discriminator },
  optimizer: tf.Optimizer,
  batch: TrainingBatch,
  options: { adversarial: boolean },
): GeneratorStepResult {
  const { generator, discriminator } = networks;
  const config = generator.config;
  if (options.adversarial && !discriminator) throw new Error('adversarial training needs a discriminator');
  const variables = generator.parameters.map((p) => p.variable);
  const kept: Record<string, tf.Scalar> = {};
  const cost = optimizer.minimize(
    () => {
      const predictions = generator.predictScales(batch.history);
      // What Lp and GDL judge: with freeOvershoot, overshoot past black or white targets is clipped away.
      const judged = (ps: tf.Tensor4D[], ts: readonly tf.Tensor4D[]) => (config.freeOvershoot ? ps.map((p, k) => releaseOvershoot(p, ts[k]) as tf.Tensor4D) : ps);
      let lp = lpLoss(judged(predictions, batch.targets), batch.targets, config.lpExponent, config.lossReduction);
      let gdl = gradientDifferenceLoss(judged(predictions, batch.targets), batch.targets, config.gdlExponent, config.lossReduction);
      let history = batch.history;
      let previous = predictions;
      for (const targets of batch.laterTargets) {
        history = feedBack(history, previous[previous.length - 1], config.clipFeedback);
        previous = generator.predictScales(history);
        lp = tf.add(lp, lpLoss(judged(previous, targets), targets, config.lpExponent, config.lossReduction));
        gdl = tf.add(gdl, gradientDifferenceLoss(judged(previous, targets), targets, config.gdlExponent, config.lossReduction));
      }
      if (batch.laterTargets.length) {
        lp = tf.div(lp, batch.laterTargets.length + 1);
        gdl = tf.div(gdl, batch.laterTargets.length + 1);
      }
      const adversarial = options.adversarial && discriminator ? adversarialLoss(discriminator.predict(predictions, batch.historyScales), config.lossReduction) : undefined;
      kept.lp = tf.keep(lp);
      kept.gdl = tf.keep(gdl);
      if (adversarial) kept.adversarial = tf.keep(adversarial);
      return generatorLoss({ lp, gdl, adversarial }, config);
    },
    true,
    variables,
  );
  const result: GeneratorStepResult = {
    total: (cost as tf.Scalar).dataSync()[0],
    lp: kept.lp.dataSync()[0],
    gdl: kept.gdl.dataSync()[0],
    ...(kept.adversarial ? { adversarial: kept.adversarial.dataSync()[0] } : {}),
  };
  tf.dispose([cost as tf.Scalar, ...Object.values(kept)]);
  return result;
}

/** The generator learning rate at `step`, from the schedule when there is one. */
export function generatorLearningRate(config: ModelConfig, step: number): number {
  let rate = config.generatorLearningRate;
  for (const entry of config.generatorLearningRateSchedule ?? []) if (step >= entry.fromStep) rate = entry.learningRate;
  return rate;
}

/** Set the generator optimiser's learning rate for `step` (the schedule's), keeping Adam's moments. */
export function scheduleLearningRate(optimizers: Pick<Optimizers, 'generator'>, config: ModelConfig, step: number): void {
  optimizers.generator.rate = generatorLearningRate(config, step);
}
