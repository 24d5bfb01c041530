import type { TrainSettings } from '@nextframe/manifest';
import type { ModelConfig } from '@nextframe/model';

/**
 * Everything a training run uses: the settings of TRAIN_SETTINGS (libs/manifest, where each is
 * described), resolved (flags over the manifest over the defaults), and where the run reads and writes.
 */
export interface TrainOptions extends Omit<TrainSettings, 'preset' | 'adversarial' | 'model'> {
  /** The clip store to train on. */
  clipsDir: string;
  /** `runs/<name>`: checkpoints, summaries, metrics.jsonl. */
  runDir: string;
  name: string;
  /** The preset with the manifest's `model`, `--batch-size`, `--history` and each `--set` applied. */
  model: ModelConfig;
  /** Adversarial (generator + discriminator) or not (generator only). */
  adversarial: boolean;
  /** Folder of test videos' frames (-t); no tests without it. */
  testDir?: string;
  /** Only run a test (-T), from `--resume`'s newest checkpoint or `--load_path`. */
  testOnly: boolean;
  /** Continue from the newest checkpoint in `runDir`. */
  resume: boolean;
  /** Remove `runDir` first. */
  overwrite: boolean;
  /** Start from these weights (a checkpoint folder) instead of random ones, at its step. */
  loadPath?: string;
}
