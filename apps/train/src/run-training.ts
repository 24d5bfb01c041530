import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { ClipStore, listFrameFolders } from '@nextframe/data';
import { NextframeError } from '@nextframe/errors';
import { acquireRunLock, removeStaleStagingDirs } from '@nextframe/files';
import { CHECKPOINTS_FOLDER, CheckpointStore } from '@nextframe/checkpoints';
import { closeSession, openSession, runRecursiveTest } from './training-session';
import { trainSteps, type TrainingHooks, type TrainingResult } from './training-loop';
import type { TrainOptions } from './train-options';

export { TrainingDivergedError, type TrainingHooks, type TrainingResult } from './training-loop';

/**
 * A training run. Adversarial: a discriminator step on one fresh batch, then a generator step
 * on the next; otherwise generator steps only. Statistics every `statsFreq` steps, TensorBoard
 * scalars and `metrics.jsonl` every `summaryFreq`, checkpoints every `modelSaveFreq`, at the end
 * and when stopped. The data order is part of the checkpoint, so a resumed run continues exactly.
 *
 * The phases, in order: open the clips and check their shape → lock the run folder → prepare it
 * (overwrite, stale staging folders, existing checkpoints) → build the networks and restore the
 * starting point (resume, load_path, fine-tune: training-session.ts) → train steps, reporting and
 * checkpointing (training-loop.ts; one step: train-step.ts) → close.
 */
export async function runTraining(options: TrainOptions, hooks: TrainingHooks = {}): Promise<TrainingResult> {
  const store = await openClips(options);
  const checkpoints = new CheckpointStore(path.join(options.runDir, CHECKPOINTS_FOLDER));
  try {
    // A missing test folder fails now, not at the first test thousands of steps in.
    if (options.testDir) await listFrameFolders(options.testDir);
    // One writer per run folder: a second `train -n same` is refused, naming the first.
    const lock = await acquireRunLock(path.join(options.runDir, TRAIN_LOCK), `nextframe train -n ${options.name}`);
    try {
      const existing = await prepareRunFolder(options, checkpoints);
      const session = await openSession(options, hooks.log ?? (() => undefined), store, checkpoints, existing);
      hooks.onStart?.(session.step);
      try {
        if (options.testOnly) {
          if (!options.testDir) throw new NextframeError('-T/--test_only needs -t/--test_dir');
          if (!session.loaded && !existing.length) throw new NextframeError('-T/--test_only needs a trained model: --load_path, or a run with checkpoints', { file: options.runDir });
          await runRecursiveTest(session);
          return { step: session.step, reason: 'done' };
        }
        return await trainSteps(session, hooks);
      } finally {
        await closeSession(session);
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

