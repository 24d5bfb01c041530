/**
 * A run's folder, `runs/<run>`, and the runs a dataset trains: one place for the names that
 * `nextframe train`, `evaluate`, `curve` and the Nx plugin (tools/nx-datasets) all use. No
 * dependencies, so the plugin loads it without the manifest schema.
 */

import * as path from 'node:path';

/** The folder every run's folder is in, under the workspace (or the working directory). */
export const RUNS_FOLDER = 'runs';

/** `<root>/runs/<run>`. */
export function runFolder(root: string, run: string): string {
  return path.join(root, RUNS_FOLDER, run);
}

/** What is in `runs/<run>/`: train writes the first five, evaluate and curve the last two. */
export const RUN_LAYOUT = {
  /** `step-NNNNNNNNN/` checkpoint folders (libs/checkpoints). */
  checkpoints: 'checkpoints',
  /** TensorBoard event files. */
  summaries: 'summaries',
  /** `step_<n>/` batch images every imgSaveFreq steps. */
  images: 'images',
  /** `step_<n>/` recursive test predictions every testFreq steps. */
  test: 'test',
  /** One JSON row per summary, test and end of run. */
  metrics: 'metrics.jsonl',
  /** `nextframe evaluate`'s report. */
  eval: 'eval',
  /** `nextframe curve`'s learning curve. */
  curve: 'curve',
} as const;

/**
 * What `nextframe train` writes in a run folder. The Nx train target names these rather than the
 * folder: `evaluate` and `curve` write `eval/` and `curve/` inside it, and restoring a cached
 * folder whole would delete them.
 */
export const TRAINING_OUTPUTS: readonly string[] = [RUN_LAYOUT.checkpoints, RUN_LAYOUT.summaries, RUN_LAYOUT.images, RUN_LAYOUT.test, RUN_LAYOUT.metrics];

/** The run an adversarial fine-tune of run `name` writes (`stages.train.adversarialFineTune`). */
export function adversarialRunName(name: string): string {
  return `${name}-adversarial`;
}

/** The runs a dataset's training writes: `<name>`, and `<name>-adversarial` with an adversarial fine-tune. */
export function trainedRunNames(name: string, fineTune: boolean): string[] {
  return fineTune ? [name, adversarialRunName(name)] : [name];
}
