import type { ModelConfig } from '@nextframe/model';

/** Everything a training run uses (flags override the manifest, which overrides the preset). */
export interface TrainOptions {
  /** The clip store to train on. */
  clipsDir: string;
  /** `runs/<name>`: checkpoints, summaries, metrics.jsonl. */
  runDir: string;
  name: string;
  model: ModelConfig;
  /** Adversarial (generator + discriminator) or not (generator only). Seed: -a t|f, default t. */
  adversarial: boolean;
  /** Train until this many steps are done. */
  steps: number;
  /** Seeds the networks' initial weights and the order clips are drawn in. */
  seed: number;
  /** Seed defaults: stats 10, summaries 100, checkpoints 10000 steps. */
  statsFreq: number;
  summaryFreq: number;
  modelSaveFreq: number;
  /** Checkpoints kept: the newest `keepLast`, plus the first one of every `keepEveryHours`. */
  keepLast: number;
  keepEveryHours: number;
  /** Continue from the newest checkpoint in `runDir`. */
  resume: boolean;
  /** Remove `runDir` first. */
  overwrite: boolean;
  /** Start from these weights (a checkpoint folder) instead of random ones. */
  loadPath?: string;
}

export const SEED_DEFAULTS = { statsFreq: 10, summaryFreq: 100, modelSaveFreq: 10000, keepLast: 3, keepEveryHours: 2 };
