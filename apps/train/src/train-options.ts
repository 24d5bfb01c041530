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
  /** Seed default 1000: input, generated and true frames of the batch as PNGs. */
  imgSaveFreq: number;
  /** Seed default 5000: recursive predictions on `testDir`. */
  testFreq: number;
  /** Folder of test videos' frames (-t); no tests without it. */
  testDir?: string;
  /** Frames predicted recursively in a test (-r; seed default 1). */
  recursions: number;
  /** Only run a test (-T), from `--resume`'s newest checkpoint or `--load_path`. */
  testOnly: boolean;
  /** Checkpoints kept: the newest `keepLast`, plus the first one of every `keepEveryHours`. */
  keepLast: number;
  keepEveryHours: number;
  /** Continue from the newest checkpoint in `runDir`. */
  resume: boolean;
  /** Remove `runDir` first. */
  overwrite: boolean;
  /** Start from these weights (a checkpoint folder) instead of random ones, at its step. */
  loadPath?: string;
  /** After this run: an adversarial run `<name>-adversarial` from this run's checkpoint at `fromStep` (manifest only). */
  adversarialFineTune?: { fromStep: number };
}

export const SEED_DEFAULTS = { statsFreq: 10, summaryFreq: 100, modelSaveFreq: 10000, imgSaveFreq: 1000, testFreq: 5000, recursions: 1, keepLast: 3, keepEveryHours: 2 };
