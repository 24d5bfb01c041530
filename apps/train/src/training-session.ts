import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ClipStore } from '@nextframe/data';
import { NextframeError, guardWrite } from '@nextframe/errors';
import {
  createDiscriminator,
  createGenerator,
  createOptimizers,
  restoreCheckpoint,
  serializeCheckpoint,
  type CheckpointContent,
  WeightAverage,
} from '@nextframe/model';
import { RUN_LAYOUT } from '@nextframe/manifest';
import { EventFileWriter } from '@nextframe/tensorboard';
import { type CheckpointStore, loadCheckpointFolder } from '@nextframe/checkpoints';
import { describeRecursiveTest, recursiveTest, recursiveTestScalars } from './recursive-test';
import type { StepNetworks } from './train-step';
import type { TrainOptions } from './train-options';

/** Everything a training run holds while it runs: plain state, changed by the functions of this file and the loop. */
export interface TrainingSession extends StepNetworks {
  options: TrainOptions;
  log: (line: string) => void;
  store: ClipStore;
  checkpoints: CheckpointStore;
  /** Steps of the checkpoints the run folder held when the run started. */
  existing: number[];
  /** The --load_path checkpoint, if the run starts from one. */
  loaded?: CheckpointContent;
  step: number;
  position: { epoch: number; batch: number };
  /** Wall-clock seconds of training before this session (from the checkpoint it resumed or loaded), and when this one started. */
  clock: { priorSeconds: number; startedAt: number };
  /** The folder of the last checkpoint this session saved. */
  saved?: string;
  events: EventFileWriter;
  metricsFile: string;
}

/** Build the networks, restore the starting point, open the event file: a session ready to train or test. */
export async function openSession(
  options: TrainOptions,
  log: (line: string) => void,
  store: ClipStore,
  checkpoints: CheckpointStore,
  existing: number[],
): Promise<TrainingSession> {
  const config = options.model;
  // Check a starting checkpoint before building anything (the paper networks take seconds to build).
  const loaded = options.loadPath && !(options.resume && existing.length) ? await loadCheckpointFolder(options.loadPath) : undefined;
  if (loaded) checkNetworks(loaded, options, options.loadPath as string);
  const generator = createGenerator(config, options.seed);
  const discriminator = options.adversarial ? createDiscriminator(config, options.seed) : undefined;
  const average = config.generatorAverageDecay > 0 ? new WeightAverage(generator.parameters, config.generatorAverageDecay) : undefined;
  const nets = { generator, discriminator, average, optimizers: createOptimizers(config) };
  try {
    const start = await restoreStart(options, log, nets, checkpoints, existing, loaded);
    const events = await EventFileWriter.create(path.join(options.runDir, RUN_LAYOUT.summaries));
    return { options, log, store, checkpoints, existing, loaded, ...nets, ...start, events, metricsFile: path.join(options.runDir, RUN_LAYOUT.metrics) };
  } catch (error) {
    disposeNetworks(nets);
    throw error;
  }
}

/** Close the event file and free the networks. */
export async function closeSession(session: TrainingSession): Promise<void> {
  await session.events.close();
  disposeNetworks(session);
}

function disposeNetworks(nets: StepNetworks): void {
  nets.generator.dispose();
  nets.average?.dispose();
  nets.discriminator?.dispose();
}

/** Scalars to TensorBoard and a row of metrics.jsonl, at the session's step. */
export async function record(session: TrainingSession, scalars: Record<string, number>): Promise<void> {
  await session.events.scalars(session.step, scalars);
  await guardWrite(session.metricsFile, () => fs.appendFile(session.metricsFile, `${JSON.stringify({ step: session.step, ...scalars })}\n`));
}

/** The recursive test on the test frames (with the weight average, when there is one), logged and recorded; nothing without test frames. */
export async function runRecursiveTest(session: TrainingSession): Promise<void> {
  const { options, generator, average } = session;
  if (!options.testDir) return;
  const testDir = options.testDir;
  const run = () => recursiveTest({ generator, testDir, recursions: options.recursions, imagesDir: path.join(options.runDir, RUN_LAYOUT.test, `step_${session.step}`) });
  const result = average ? await average.withAverage(run) : await run();
  session.log(describeRecursiveTest(session.step, result));
  await record(session, recursiveTestScalars(result));
}

/** Save a checkpoint of the session's step, then prune old ones (never a pinned step). */
export async function saveCheckpoint(session: TrainingSession, pinned: readonly number[]): Promise<void> {
  const { options } = session;
  const content = await serializeCheckpoint({
    generator: session.generator,
    discriminator: session.discriminator,
    optimizers: session.optimizers,
    average: session.average,
    step: session.step,
    seed: options.seed,
    trainer: {
      dataPosition: session.position,
      adversarial: options.adversarial,
      ...(options.testDir ? { testDir: options.testDir } : {}),
      savedAt: Date.now(),
      trainingSeconds: Math.round(session.clock.priorSeconds * 1000 + Date.now() - session.clock.startedAt) / 1000,
    },
  });
  session.saved = await session.checkpoints.save(content);
  await session.checkpoints.prune(options.keepLast, options.keepEveryHours, pinned);
}

/** Where a session starts: its step, its place in the data order, the training time before it. */
interface Start {
  step: number;
  position: { epoch: number; batch: number };
  clock: { priorSeconds: number; startedAt: number };
}

/** Resume the run's newest checkpoint, or start from --load_path (a non-adversarial one into adversarial training: a fresh discriminator). */
async function restoreStart(
  options: TrainOptions,
  log: (line: string) => void,
  nets: StepNetworks,
  checkpoints: CheckpointStore,
  existing: number[],
  loaded?: CheckpointContent,
): Promise<Start> {
  const { generator, discriminator, average } = nets;
  const start: Start = { step: 0, position: { epoch: 0, batch: 0 }, clock: { priorSeconds: 0, startedAt: Date.now() } };
  if ((options.resume || (options.testOnly && !loaded)) && existing.length) {
    const content = (await checkpoints.newest()) as CheckpointContent;
    checkNetworks(content, options, checkpoints.dir);
    await restoreCheckpoint(content, { generator, discriminator, optimizers: nets.optimizers, average, training: true });
    start.step = content.manifest.step;
    start.position = content.manifest.trainer?.dataPosition ?? start.position;
    start.clock.priorSeconds = content.manifest.trainer?.trainingSeconds ?? 0;
    log(`resuming from step ${start.step}`);
  } else if (loaded && options.loadPath) {
    const hasDiscriminator = loaded.manifest.tensors.some((t) => t.group === 'discriminator');
    if (discriminator && !hasDiscriminator) {
      // Fine-tuning a non-adversarial model adversarially: the generator's weights, a fresh discriminator.
      await restoreCheckpoint(loaded, { generator, average, training: true });
      log(`starting from the generator in ${options.loadPath} at step ${loaded.manifest.step}; it has no discriminator, so the discriminator starts fresh (seed ${options.seed})`);
    } else {
      await restoreCheckpoint(loaded, { generator, discriminator, average, training: true });
      log(`starting from the weights in ${options.loadPath} at step ${loaded.manifest.step}`);
    }
    // As the seed's load_path restores its global step: -s counts the loaded steps too.
    start.step = loaded.manifest.step;
    start.clock.priorSeconds = loaded.manifest.trainer?.trainingSeconds ?? 0;
  }
  return start;
}

/** A checkpoint of other networks than the run's cannot be restored into them: one line naming it. */
function checkNetworks(content: CheckpointContent, options: TrainOptions, file: string): void {
  const theirs = content.manifest.config;
  const config = options.model;
  const same =
    theirs.preset === config.preset && JSON.stringify(theirs.generator) === JSON.stringify(config.generator) && Boolean(theirs.predictChange) === config.predictChange;
  if (!same) throw new NextframeError(`is a '${theirs.preset}' checkpoint with other networks than this run's '${config.preset}' preset`, { file });
}
