import * as path from 'node:path';
import { listFrameFolders } from '@nextframe/data';
import { readImageRgb, writeImageRgb } from '@nextframe/media';
import { fromBytes, nearBlankSteps, scoreRecursion, summarizeMethod, type MetricSeries } from '@nextframe/metrics';
import { predictRecursively, type Generator } from '@nextframe/model';

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
 * with the true frames — the model and every baseline, through the same scoring as `nextframe
 * evaluate`. Predictions are saved as `imagesDir/<video>/pred_<k>.png` next to `true_<k>.png`.
 */
export async function recursiveTest(args: { generator: Generator; testDir: string; recursions: number; imagesDir?: string }): Promise<RecursiveTestResult> {
  const history = args.generator.config.historyLength;
  const videos = (await listFrameFolders(args.testDir)).filter((v) => v.files.length >= history + args.recursions);
  const clips = [];
  for (const video of videos) {
    const frames = await Promise.all(video.files.slice(0, history + args.recursions).map((f) => readImageRgb(f)));
    const predictions = predictRecursively(args.generator, frames.slice(0, history), args.recursions);
    const truth = frames.slice(history);
    clips.push(scoreRecursion({ inputs: frames.slice(0, history).map((f) => fromBytes(f)), truth: truth.map((f) => fromBytes(f)), predictions: { model: predictions.map((f) => fromBytes(f)) } }));
    if (args.imagesDir) {
      for (const [k, pred] of predictions.entries()) {
        await writeImageRgb(path.join(args.imagesDir, video.name, `pred_${k + 1}.png`), pred);
        await writeImageRgb(path.join(args.imagesDir, video.name, `true_${k + 1}.png`), truth[k]);
      }
    }
  }
  const summary = {
    model: summarizeMethod(clips, 'model'),
    copyLast: summarizeMethod(clips, 'copyLast'),
    blank: summarizeMethod(clips, 'blank'),
    meanOfInputs: summarizeMethod(clips, 'meanOfInputs'),
  };
  return { summary, nearBlank: nearBlankSteps(summary.model.psnr, summary.blank.psnr), videos: videos.length };
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
