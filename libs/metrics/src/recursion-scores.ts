import { BASELINES, baselineFrames } from './baselines';
import { frameMetrics, summarize, type FrameMetrics, type Summary } from './frame-metrics';
import type { MetricImage } from './metric-image';
import { movingMask } from './moving-mask';

/** Per metric, one summary (over clips) per recursion step. */
export interface MetricSeries {
  psnr: Summary[];
  sharpnessDifference: Summary[];
  sharpnessRatio: Summary[];
  ssim: Summary[];
  movingPsnr: Summary[];
  brightest: Summary[];
}
export const SERIES_METRICS = ['psnr', 'sharpnessDifference', 'sharpnessRatio', 'ssim', 'movingPsnr', 'brightest'] as const;

/**
 * Metrics of one clip's recursive predictions, per step (index 0 = the first predicted frame):
 * each method in `predictions` (e.g. `model`, `compare`) and every baseline (`copyLast`, `blank`,
 * `meanOfInputs`). With `movingThreshold`, metrics inside the pixels that change by more than it
 * between the last input and the true frame are added (`moving`). The one evaluation core of
 * `nextframe evaluate` and training's recursive test.
 */
export function scoreRecursion(args: {
  inputs: readonly MetricImage[];
  truth: readonly MetricImage[];
  predictions: Record<string, readonly MetricImage[]>;
  movingThreshold?: number;
}): Record<string, FrameMetrics>[] {
  const baselines = baselineFrames(args.inputs);
  const last = baselines.copyLast;
  return args.truth.map((target, k) => {
    const mask = args.movingThreshold === undefined ? undefined : movingMask(last, target, args.movingThreshold);
    const step: Record<string, FrameMetrics> = {};
    for (const [method, frames] of Object.entries(args.predictions)) step[method] = frameMetrics(frames[k], target, { mask });
    for (const name of BASELINES) step[name] = frameMetrics(baselines[name], target, { mask });
    return step;
  });
}

/** One method's summaries over clips (`clips[c][k][method]`), per step. */
export function summarizeMethod(clips: readonly (readonly Record<string, FrameMetrics>[])[], method: string): MetricSeries {
  const steps = Math.min(...clips.map((c) => c.length));
  const at = (k: number, pick: (m: FrameMetrics) => number) => summarize(clips.map((c) => pick(c[k][method])));
  const series = (pick: (m: FrameMetrics) => number) => Array.from({ length: clips.length ? steps : 0 }, (_, k) => at(k, pick));
  return {
    psnr: series((m) => m.psnr),
    sharpnessDifference: series((m) => m.sharpnessDifference),
    sharpnessRatio: series((m) => m.sharpnessRatio),
    ssim: series((m) => m.ssim),
    movingPsnr: series((m) => m.moving?.psnr ?? NaN),
    brightest: series((m) => m.brightest),
  };
}

/**
 * Recursion steps (1-based) where the model's mean PSNR is no more than `marginDb` above the blank
 * frame's: there it predicts about as well as a black frame does, and has most likely stopped
 * predicting the moving objects.
 */
export function nearBlankSteps(model: readonly Summary[], blank: readonly Summary[], marginDb = 0.1): number[] {
  return model.flatMap((s, k) => (Number.isFinite(s.mean) && Number.isFinite(blank[k]?.mean) && s.mean - blank[k].mean <= marginDb ? [k + 1] : []));
}
