import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { ClipStore, clipBatchToTensor, listFrameFolders, type EpochBatch } from '@nextframe/data';
import { NextframeError, guardWrite } from '@nextframe/errors';
import { acquireRunLock, removeStaleStagingDirs } from '@nextframe/files';
import {
  createDiscriminator,
  createGenerator,
  createOptimizers,
  discriminatorStep,
  disposeBatch,
  generatorLearningRate,
  generatorStep,
  prepareBatch,
  restoreCheckpoint,
  serializeCheckpoint,
  type CheckpointContent,
  type Discriminator,
  type DiscriminatorStats,
  type Generator,
  type TrainingBatch,
  WeightAverage,
} from '@nextframe/model';
import { fromSigned, psnr, sharpnessDifference, summarize } from '@nextframe/metrics';
import { EventFileWriter } from '@nextframe/tensorboard';
import { CheckpointStore, loadCheckpointFolder } from '@nextframe/checkpoints';
import { describeRecursiveTest, recursiveTest, recursiveTestScalars } from './recursive-test';
import { saveStepImages } from './step-images';
import type { TrainOptions } from './train-options';

export class TrainingDivergedError extends NextframeError {}

export interface TrainingResult {
  /** Steps done when the run ended. */
  step: number;
  /** Why it ended. */
  reason: 'done' | 'stopped';
  lastCheckpoint?: string;
}

export interface TrainingHooks {
  log?: (line: string) => void;
  /** Checked after every step: true stops the run after a checkpoint (Ctrl-C). */
  shouldStop?: () => boolean;
  onStep?: (step: number) => void;
  /** Called once the starting point is restored, with the step training continues from. */
  onStart?: (step: number) => void;
}

/**
 * The training loop. Adversarial: a discriminator step on one fresh batch, then a generator step
 * on the next; otherwise generator steps only. Statistics every `statsFreq` steps, TensorBoard
 * scalars and `metrics.jsonl` every `summaryFreq`, checkpoints every `modelSaveFreq`, at the end
 * and when stopped. The data order is part of the checkpoint, so a resumed run continues exactly.
 *
 * The phases, in order: open the clips and check their shape → lock the run folder → prepare it
 * (overwrite, stale staging folders, existing checkpoints) → build the networks and restore the
 * starting point (resume, load_path, fine-tune) → train steps, reporting and checkpointing → close.
 */
export async function runTraining(options: TrainOptions, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  const store = await openClips(options);
  const checkpoints = new CheckpointStore(path.join(options.runDir, 'checkpoints'));
  try {
    // A missing test folder fails now, not at the first test thousands of steps in.
    if (options.testDir) await listFrameFolders(options.testDir);
    // One writer per run folder: a second `train -n same` is refused, naming the first.
    const lock = await acquireRunLock(path.join(options.runDir, TRAIN_LOCK), `nextframe train -n ${options.name}`);
    try {
      const existing = await prepareRunFolder(options, checkpoints);
      const session = await startSession(options, hooks, store, checkpoints, existing);
      hooks.onStart?.(session.step);
      try {
        if (options.testOnly) {
          if (!options.testDir) throw new NextframeError('-T/--test_only needs -t/--test_dir');
          if (!session.loaded && !existing.length) throw new NextframeError('-T/--test_only needs a trained model: --load_path, or a run with checkpoints', { file: options.runDir });
          await session.test();
          return { step: session.step, reason: 'done' };
        }
        return await trainSteps(session);
      } finally {
        await session.close();
      }
    } finally {
      await lock.release();
    }
  } finally {
    await store.close();
  }
}

/** The lock file of a run folder while `train` writes it. */
export const TRAIN_LOCK = 'train.lock';

/** Open the clip store and check its clips fit the model (patch size, history + 1 frames). */
async function openClips(options: TrainOptions): Promise<ClipStore> {
  const store = await ClipStore.open(options.clipsDir);
  const config = options.model;
  const [frames, height, width] = store.clipShape;
  const needed = config.historyLength + config.rolloutSteps;
  if (frames !== needed || height !== config.patchSizePx || width !== config.patchSizePx) {
    await store.close();
    const rollout = config.rolloutSteps > 1 ? `, rollout ${config.rolloutSteps}: crop with --history ${needed - 1}` : '';
    throw new NextframeError(
      `holds ${width}x${height}x${frames} clips but the model needs ${config.patchSizePx}x${config.patchSizePx}x${needed} ` +
        `(patch ${config.patchSizePx}, history ${config.historyLength} + ${config.rolloutSteps}${rollout})`,
      { file: options.clipsDir },
    );
  }
  return store;
}

/** Empty the run folder for -O (all but the lock), clear staging folders of a killed run, refuse to overwrite checkpoints silently. */
async function prepareRunFolder(options: TrainOptions, checkpoints: CheckpointStore): Promise<number[]> {
  if (options.overwrite) {
    for (const entry of await fs.readdir(options.runDir)) if (entry !== TRAIN_LOCK) await fs.rm(path.join(options.runDir, entry), { recursive: true, force: true });
  }
  // A run killed while writing a checkpoint leaves only its staging folder: clear it.
  await removeStaleStagingDirs(checkpoints.dir);
  const existing = await checkpoints.steps();
  if (existing.length && !options.resume && !options.testOnly) {
    throw new NextframeError('already holds checkpoints: use --resume to continue, or -O/--overwrite to start over', { file: options.runDir });
  }
  return existing;
}

/** Everything a training run holds while it runs: networks, optimisers, the data order, the writers. */
interface TrainingSession {
  options: TrainOptions;
  hooks: TrainingHooks;
  log: (line: string) => void;
  store: ClipStore;
  checkpoints: CheckpointStore;
  existing: number[];
  loaded?: CheckpointContent;
  generator: Generator;
  /** The running average of the generator's weights (`generatorAverageDecay` > 0): what tests and checkpoints predict with. */
  average?: WeightAverage;
  discriminator?: Discriminator;
  optimizers: ReturnType<typeof createOptimizers>;
  step: number;
  position: { epoch: number; batch: number };
  /** Wall-clock seconds of training before this session (from the checkpoint it resumed or loaded), and when this one started. */
  clock: { priorSeconds: number; startedAt: number };
  saved?: string;
  /** Scalars to TensorBoard and a row of metrics.jsonl. */
  record: (scalars: Record<string, number>) => Promise<void>;
  /** The recursive test on the test frames, if there are any. */
  test: () => Promise<void>;
  checkpoint: () => Promise<void>;
  close: () => Promise<void>;
}

/** Build the networks, restore the starting point, open the event file: a session ready to train or test. */
async function startSession(options: TrainOptions, hooks: TrainingHooks, store: ClipStore, checkpoints: CheckpointStore, existing: number[]): Promise<TrainingSession> {
  const config = options.model;
  // Check a starting checkpoint before building anything (the paper networks take seconds to build).
  const loaded = options.loadPath && !(options.resume && existing.length) ? await loadCheckpointFolder(options.loadPath) : undefined;
  if (loaded && !sameNetworks(loaded, config)) {
    throw new NextframeError(`is a '${loaded.manifest.config.preset}' checkpoint with other networks than this run's '${config.preset}' preset`, {
      file: options.loadPath,
    });
  }
  const generator = createGenerator(config, options.seed);
  const discriminator = options.adversarial ? createDiscriminator(config, options.seed) : undefined;
  const average = config.generatorAverageDecay > 0 ? new WeightAverage(generator.parameters, config.generatorAverageDecay) : undefined;
  const session: TrainingSession = {
    options,
    hooks,
    log: hooks.log ?? (() => undefined),
    store,
    checkpoints,
    existing,
    loaded,
    generator,
    average,
    discriminator,
    optimizers: createOptimizers(config),
    step: 0,
    position: { epoch: 0, batch: 0 },
    clock: { priorSeconds: 0, startedAt: Date.now() },
    record: async () => undefined,
    test: async () => undefined,
    checkpoint: async () => undefined,
    close: async () => {
      generator.dispose();
      average?.dispose();
      discriminator?.dispose();
    },
  };
  try {
    await restoreStart(session);
    const events = await EventFileWriter.create(path.join(options.runDir, 'summaries'));
    const metricsFile = path.join(options.runDir, 'metrics.jsonl');
    session.close = async () => {
      await events.close();
      generator.dispose();
      average?.dispose();
      discriminator?.dispose();
    };
    session.record = async (scalars) => {
      await events.scalars(session.step, scalars);
      await guardWrite(metricsFile, () => fs.appendFile(metricsFile, `${JSON.stringify({ step: session.step, ...scalars })}\n`));
    };
    session.test = async () => {
      if (!options.testDir) return;
      const testDir = options.testDir;
      const run = () => recursiveTest({ generator, testDir, recursions: options.recursions, imagesDir: path.join(options.runDir, 'test', `step_${session.step}`) });
      const result = average ? await average.withAverage(run) : await run();
      session.log(describeRecursiveTest(session.step, result));
      await session.record(recursiveTestScalars(result));
    };
    session.checkpoint = async () => {
      const content = await serializeCheckpoint({
        generator,
        discriminator,
        optimizers: session.optimizers,
        average,
        step: session.step,
        seed: options.seed,
        // testDir: the run's held-out frames (export takes its sample clips from there);
        // trainingSeconds: wall time since step 0, across resumes and the run it was loaded from (learning curves).
        extra: {
          dataPosition: session.position,
          adversarial: options.adversarial,
          testDir: options.testDir,
          savedAt: Date.now(),
          trainingSeconds: Math.round(session.clock.priorSeconds * 1000 + Date.now() - session.clock.startedAt) / 1000,
        },
      });
      session.saved = await checkpoints.save(content);
      await checkpoints.prune(options.keepLast, options.keepEveryHours, pinnedSteps(options));
    };
    return session;
  } catch (error) {
    await session.close();
    throw error;
  }
}

/** Resume the run's newest checkpoint, or start from --load_path (a non-adversarial one into adversarial training: a fresh discriminator). */
async function restoreStart(session: TrainingSession): Promise<void> {
  const { options, loaded, checkpoints, existing, generator, discriminator, average } = session;
  const restoreFrom = async (content: CheckpointContent, what: string, withState: boolean) => {
    if (!sameNetworks(content, options.model)) {
      throw new NextframeError(`is a '${content.manifest.config.preset}' checkpoint with other networks than this run's '${options.model.preset}' preset`, { file: what });
    }
    await restoreCheckpoint(content, { generator, discriminator, optimizers: withState ? session.optimizers : undefined, average, training: true });
  };
  if ((options.resume || (options.testOnly && !loaded)) && existing.length) {
    const content = (await checkpoints.newest()) as CheckpointContent;
    await restoreFrom(content, checkpoints.dir, true);
    session.step = content.manifest.step;
    session.position = content.manifest.extra.dataPosition as { epoch: number; batch: number };
    session.clock.priorSeconds = Number(content.manifest.extra.trainingSeconds ?? 0);
    session.log(`resuming from step ${session.step}`);
  } else if (loaded && options.loadPath) {
    const hasDiscriminator = loaded.manifest.tensors.some((t) => t.group === 'discriminator');
    if (discriminator && !hasDiscriminator) {
      // Fine-tuning a non-adversarial model adversarially: the generator's weights, a fresh discriminator.
      await restoreCheckpoint(loaded, { generator, average, training: true });
      session.log(
        `starting from the generator in ${options.loadPath} at step ${loaded.manifest.step}; it has no discriminator, so the discriminator starts fresh (seed ${options.seed})`,
      );
    } else {
      await restoreFrom(loaded, options.loadPath, false);
      session.log(`starting from the weights in ${options.loadPath} at step ${loaded.manifest.step}`);
    }
    // As the seed's load_path restores its global step: -s counts the loaded steps too.
    session.step = loaded.manifest.step;
    session.clock.priorSeconds = Number(loaded.manifest.extra.trainingSeconds ?? 0);
  }
}

/** The losses of one training step and the discriminator's judgement of its batch. */
interface StepOutcome {
  scalars: Record<string, number>;
  judged?: DiscriminatorStats;
}

/** Steps until `steps` or a stop request; then a final checkpoint. */
async function trainSteps(session: TrainingSession): Promise<TrainingResult> {
  const { options, store, hooks } = session;
  const config = options.model;
  const order = store.batches({ batchSize: config.batchSize, seed: options.seed, startEpoch: session.position.epoch, startBatch: session.position.batch });
  const perEpoch = Math.floor(store.count / config.batchSize);
  const take = async (): Promise<tf.Tensor4D> => {
    const next = (await order.next()).value as EpochBatch;
    session.position = next.batchInEpoch + 1 >= perEpoch ? { epoch: next.epoch + 1, batch: 0 } : { epoch: next.epoch, batch: next.batchInEpoch + 1 };
    return clipBatchToTensor(next);
  };
  try {
    let reason: TrainingResult['reason'] = 'done';
    const started = Date.now();
    const startStep = session.step;
    // The discriminator's judgement since the last stats line: one batch of 2·B frames is too few to tell chance from learning.
    let judgedSince: DiscriminatorStats[] = [];
    while (session.step < options.steps) {
      const outcome = await trainStep(session, take);
      session.step += 1;
      hooks.onStep?.(session.step);
      const step = session.step;
      if (outcome.judged) judgedSince.push(outcome.judged);
      if (step % options.statsFreq === 0) {
        session.log(describeStep(step, outcome, judgedSince, (step - startStep) / ((Date.now() - started) / 1000)));
        judgedSince = [];
      }
      if (step % options.summaryFreq === 0) await session.record(outcome.scalars);
      if (step % options.testFreq === 0) await session.test();
      if (step % options.modelSaveFreq === 0 || pinnedSteps(options).includes(step)) await session.checkpoint();
      if (hooks.shouldStop?.()) {
        reason = 'stopped';
        break;
      }
    }
    if (!session.saved || !session.saved.endsWith(String(session.step).padStart(9, '0'))) await session.checkpoint();
    return { step: session.step, reason, lastCheckpoint: session.saved };
  } finally {
    await order.return(undefined);
  }
}

/** One step: the discriminator on a fresh batch (adversarial), then the generator on the next; images every imgSaveFreq. */
async function trainStep(session: TrainingSession, take: () => Promise<tf.Tensor4D>): Promise<StepOutcome> {
  const { options, generator, discriminator, optimizers } = session;
  const config = options.model;
  const step = session.step;
  (optimizers.generator as unknown as { learningRate: number }).learningRate = generatorLearningRate(config, step);
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
  session.average?.update(step + 1);
  const quality = (step + 1) % options.statsFreq === 0 || (step + 1) % options.summaryFreq === 0 ? batchQuality(generator, batch) : undefined;
  if ((step + 1) % options.imgSaveFreq === 0) {
    const predictions = tf.tidy(() => generator.predictScales(batch.history));
    await saveStepImages(path.join(options.runDir, 'images', `step_${step + 1}`), batch.history, predictions, batch.targets);
    tf.dispose(predictions);
  }
  disposeBatch(batch);
  clips.dispose();
  const values = [result.total, result.lp, result.gdl, result.adversarial ?? 0, discriminatorLoss ?? 0];
  if (!values.every(Number.isFinite)) {
    throw new TrainingDivergedError(
      `loss became ${values.find((v) => !Number.isFinite(v))} at step ${step + 1}; stopped. ` +
        (session.saved || session.existing.length ? `The last good checkpoint is kept in ${session.checkpoints.dir}` : 'No checkpoint was written yet'),
      { file: options.runDir },
    );
  }
  const scalars: Record<string, number> = {
    'loss/generator': result.total,
    'loss/lp': result.lp,
    'loss/gdl': result.gdl,
    ...(result.adversarial !== undefined ? { 'loss/adversarial': result.adversarial } : {}),
    ...(discriminatorLoss !== undefined ? { 'loss/discriminator': discriminatorLoss } : {}),
    ...(quality ? { 'train/psnr': quality.psnr, 'train/sharpness_difference': quality.sharpnessDifference } : {}),
    ...(judged ? discriminatorScalars(judged) : {}),
  };
  return { scalars, judged };
}

/** The stats line: losses and the batch's PSNR and sharpness, the discriminator's judgement over the steps since the last line, speed. */
function describeStep(step: number, outcome: StepOutcome, judged: DiscriminatorStats[], rate: number): string {
  const shown = Object.entries(outcome.scalars).filter(([k]) => !k.startsWith('discriminator/'));
  const over = judged.length > 1 ? ` over ${judged.length} steps` : '';
  return (
    `step ${step}: ${shown.map(([k, v]) => `${k.replace(/^(loss|train)\//, '')} ${v.toFixed(3)}`).join(', ')}` +
    `${judged.length ? `; ${describeDiscriminator(meanDiscriminatorStats(judged))}${over}` : ''} (${rate.toFixed(2)} steps/s)`
  );
}

/** The per-scale means of several steps' discriminator statistics (each step weighs the same: equal batches). */
export function meanDiscriminatorStats(list: readonly DiscriminatorStats[]): DiscriminatorStats {
  const mean = (pick: (s: DiscriminatorStats) => number[]) => pick(list[0]).map((_, k) => list.reduce((sum, s) => sum + pick(s)[k], 0) / list.length);
  return { realMean: mean((s) => s.realMean), generatedMean: mean((s) => s.generatedMean), accuracy: mean((s) => s.accuracy) };
}

/** TensorBoard scalars of the discriminator's judgement, per scale. */
export function discriminatorScalars(stats: DiscriminatorStats): Record<string, number> {
  const out: Record<string, number> = {};
  stats.accuracy.forEach((_, k) => {
    out[`discriminator/scale${k}/real_mean`] = stats.realMean[k];
    out[`discriminator/scale${k}/generated_mean`] = stats.generatedMean[k];
    out[`discriminator/scale${k}/accuracy`] = stats.accuracy[k];
  });
  return out;
}

/** `D(real) 0.71 0.64 0.60 0.58, D(generated) …, accuracy …` — one value per scale, coarsest first. */
export function describeDiscriminator(stats: DiscriminatorStats): string {
  const fmt = (v: number[]) => v.map((x) => x.toFixed(2)).join(' ');
  return `D(real) ${fmt(stats.realMean)}, D(generated) ${fmt(stats.generatedMean)}, D accuracy ${fmt(stats.accuracy)}`;
}

function sameNetworks(content: CheckpointContent, config: TrainOptions['model']): boolean {
  const theirs = content.manifest.config;
  return (
    theirs.preset === config.preset && JSON.stringify(theirs.generator) === JSON.stringify(config.generator) && Boolean(theirs.predictChange) === config.predictChange
  );
}

/** PSNR and sharpness difference (dB) of the finest prediction on a training batch, averaged over its clips. */
function batchQuality(generator: Generator, batch: TrainingBatch): { psnr: number; sharpnessDifference: number } {
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

/** Checkpoints the run must save and never prune: the step an adversarial fine-tune starts from, whatever modelSaveFreq and keepLast say. */
export function pinnedSteps(options: Pick<TrainOptions, 'adversarialFineTune'>): number[] {
  return options.adversarialFineTune ? [options.adversarialFineTune.fromStep] : [];
}
