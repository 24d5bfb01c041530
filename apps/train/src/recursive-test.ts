import * as path from 'node:path';
import { listTestClips, predictAndScore, readClipFrames, summarizeClips } from '@nextframe/evaluation';
import { writeImageRgb } from '@nextframe/media';
import { nearBlankSteps, type MetricSeries } from '@nextframe/metrics';
import type { Generator } from '@nextframe/model';

export interface RecursiveTestResult {
  /** Per method (`model`, `copyLast`, `blank`, `meanOfInputs`), per metric: summaries over test videos per recursion step. */
  summary: Record<'model' | 'copyLast' | 'blank' | 'meanOfInputs', MetricSeries>;
  /** Steps (1-based) where the model is within 0.1 dB of the blank frame, or below it. */
  nearBlank: number[];
  videos: number;
}

/**
 * The seed's test: for each test video, feed its first `historyLength` true frames at full size,
 * predict `recursions` frames recursively (each prediction replaces the oldest input), and compare
 * with the true frames — the model and every baseline, through evaluate's own core
 * (@nextframe/evaluation), one clip per video from its first frame. Predictions are saved as `imagesDir/<video>/pred_<k>.png` next to `true_<k>.png`.
 */
export async function recursiveTest(args: { generator: Generator; testDir: string; recursions: number; imagesDir?: string }): Promise<RecursiveTestResult> {
  const clips = await listTestClips(args.testDir, args.generator.config.historyLength + args.recursions);
  const steps = [];
  for (const clip of clips) {
    const scored = predictAndScore({ generators: { model: args.generator }, frames: await readClipFrames(clip.files) });
    steps.push(scored.steps);
    if (args.imagesDir) {
      for (const [k, pred] of scored.predictions.model.entries()) {
        await writeImageRgb(path.join(args.imagesDir, clip.video, `pred_${k + 1}.png`), pred);
        await writeImageRgb(path.join(args.imagesDir, clip.video, `true_${k + 1}.png`), scored.truth[k]);
      }
    }
  }
  const summary = summarizeClips(steps, ['model', 'copyLast', 'blank', 'meanOfInputs'] as const);
  return { summary, nearBlank: nearBlankSteps(summary.model.psnr, summary.blank.psnr), videos: clips.length };
}

/** TensorBoard / metrics.jsonl scalars of a recursive test. */
export function recursiveTestScalars(result: RecursiveTestResult): Record<string, number> {
  const scalars: Record<string, number> = {};
  const { model, copyLast, blank, meanOfInputs } = result.summary;
  model.psnr.forEach((s, k) => {
    const r = `recursion_${k + 1}`;
    scalars[`test/psnr/${r}`] = s.mean;
    scalars[`test/sharpness_difference/${r}`] = model.sharpnessDifference[k].mean;
    scalars[`test/sharpness_ratio/${r}`] = model.sharpnessRatio[k].mean;
    scalars[`test/brightest/${r}`] = model.brightest[k].mean;
    scalars[`test/copy_last_psnr/${r}`] = copyLast.psnr[k].mean;
    scalars[`test/blank_psnr/${r}`] = blank.psnr[k].mean;
    scalars[`test/mean_of_inputs_psnr/${r}`] = meanOfInputs.psnr[k].mean;
  });
  return scalars;
}

/** The log line: PSNR per step for the model and each baseline, the model's sharpness ratio, and a warning near the blank frame. */
export function describeRecursiveTest(step: number, result: RecursiveTestResult): string {
  const fmt = (values: { mean: number }[]) => values.map((v) => v.mean.toFixed(2)).join(' ');
  const { model, copyLast, blank, meanOfInputs } = result.summary;
  const warning = result.nearBlank.length ? `; warning: within 0.1 dB of a blank frame at step ${result.nearBlank.join(', ')}` : '';
  return (
    `test at step ${step} (${result.videos} videos), PSNR per recursion step: model ${fmt(model.psnr)} dB; copy last ${fmt(copyLast.psnr)}; ` +
    `blank ${fmt(blank.psnr)}; mean of inputs ${fmt(meanOfInputs.psnr)}; model sharpness ratio ${fmt(model.sharpnessRatio)}, ` +
    `brightest ${fmt(model.brightest)}, sharpness difference ${fmt(model.sharpnessDifference)} dB${warning}`
  );
}
