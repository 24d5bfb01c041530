import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { checkpointName } from '@nextframe/checkpoints';
import { clipBatchToTensor, type EpochBatch } from '@nextframe/data';
import { NextframeError } from '@nextframe/errors';
import { RUN_LAYOUT } from '@nextframe/manifest';
import type { DiscriminatorStats } from '@nextframe/model';
import { saveStepImages } from './step-images';
import { describeJudgement, describeStep, judgementScalars, JUDGEMENT_WINDOW, type StepOutcome } from './step-report';
import { batchQuality, divergedLoss, trainStep, type BatchInspector } from './train-step';
import { record, runRecursiveTest, saveCheckpoint, type TrainingSession } from './training-session';
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

/** A job the loop runs after every step whose number `due` accepts, in the table's order. */
interface PeriodicJob {
  due: (step: number) => boolean;
  run: (outcome: StepOutcome) => Promise<void> | void;
}

/** Checkpoints the run must save and never prune: the step an adversarial fine-tune starts from, whatever modelSaveFreq and keepLast say. */
export function pinnedSteps(options: Pick<TrainOptions, 'adversarialFineTune'>): number[] {
  return options.adversarialFineTune ? [options.adversarialFineTune.fromStep] : [];
}

/** Steps until `steps` or a stop request, running the periodic jobs after each; then a final checkpoint. */
export async function trainSteps(session: TrainingSession, hooks: TrainingHooks): Promise<TrainingResult> {
  const { options, store } = session;
  const config = options.model;
  const order = store.batches({ batchSize: config.batchSize, seed: options.seed, startEpoch: session.position.epoch, startBatch: session.position.batch });
  const perEpoch = Math.floor(store.count / config.batchSize);
  const take = async (): Promise<tf.Tensor4D> => {
    const next = (await order.next()).value as EpochBatch;
    session.position = next.batchInEpoch + 1 >= perEpoch ? { epoch: next.epoch + 1, batch: 0 } : { epoch: next.epoch, batch: next.batchInEpoch + 1 };
    return clipBatchToTensor(next);
  };
  const pinned = pinnedSteps(options);
  const judged = new Judgements();
  const jobs = periodicJobs(session, judged, pinned);
  try {
    let reason: TrainingResult['reason'] = 'done';
    while (session.step < options.steps) {
      const outcome = await trainStep(session, config, session.step, take, inspector(session, session.step + 1));
      const diverged = divergedLoss(outcome);
      if (diverged !== undefined) throw divergedError(session, diverged);
      session.step += 1;
      hooks.onStep?.(session.step);
      if (outcome.judged) judged.add(outcome.judged);
      for (const job of jobs) if (job.due(session.step)) await job.run(outcome);
      if (hooks.shouldStop?.()) {
        reason = 'stopped';
        break;
      }
    }
    if (judged.recent.length) {
      session.log(describeJudgement(judged.recent));
      await record(session, judgementScalars(judged.recent));
    }
    if (!session.saved || path.basename(session.saved) !== checkpointName(session.step)) await saveCheckpoint(session, pinned);
    return { step: session.step, reason, lastCheckpoint: session.saved };
  } finally {
    await order.return(undefined);
  }
}

/**
 * The discriminator's judgements: since the last stats line (one batch of 2·B frames is too few to
 * tell chance from learning), and of the last JUDGEMENT_WINDOW steps for the end of the run.
 */
class Judgements {
  since: DiscriminatorStats[] = [];
  recent: DiscriminatorStats[] = [];
  add(stats: DiscriminatorStats): void {
    this.since.push(stats);
    this.recent.push(stats);
    if (this.recent.length > JUDGEMENT_WINDOW) this.recent.shift();
  }
}

/** The jobs after a step: the stats line, TensorBoard scalars and metrics.jsonl, the recursive test, checkpoints. */
function periodicJobs(session: TrainingSession, judged: Judgements, pinned: readonly number[]): PeriodicJob[] {
  const { options } = session;
  const started = Date.now();
  const startStep = session.step;
  return [
    {
      due: (step) => step % options.statsFreq === 0,
      run: (outcome) => {
        session.log(describeStep(session.step, outcome, judged.since, (session.step - startStep) / ((Date.now() - started) / 1000)));
        judged.since = [];
      },
    },
    { due: (step) => step % options.summaryFreq === 0, run: (outcome) => record(session, outcome.scalars) },
    { due: (step) => step % options.testFreq === 0, run: () => runRecursiveTest(session) },
    { due: (step) => step % options.modelSaveFreq === 0 || pinned.includes(step), run: () => saveCheckpoint(session, pinned) },
  ];
}

/** What the step about to be done as `step` looks at in its batch: its quality when a stats line or summary is due, images every imgSaveFreq. */
function inspector(session: TrainingSession, step: number): BatchInspector {
  const { options, generator } = session;
  return async (batch): Promise<Record<string, number>> => {
    const quality = step % options.statsFreq === 0 || step % options.summaryFreq === 0 ? batchQuality(generator, batch) : undefined;
    if (step % options.imgSaveFreq === 0) {
      const predictions = tf.tidy(() => generator.predictScales(batch.history));
      await saveStepImages(path.join(options.runDir, RUN_LAYOUT.images, `step_${step}`), batch.history, predictions, batch.targets);
      tf.dispose(predictions);
    }
    return quality ? { 'train/psnr': quality.psnr, 'train/sharpness_difference': quality.sharpnessDifference } : {};
  };
}

function divergedError(session: TrainingSession, loss: number): TrainingDivergedError {
  const kept = session.saved || session.existing.length ? `The last good checkpoint is kept in ${session.checkpoints.dir}` : 'No checkpoint was written yet';
  return new TrainingDivergedError(`loss became ${loss} at step ${session.step + 1}; stopped. ${kept}`, { file: session.options.runDir });
}
