import * as path from 'node:path';
import { listTestClips, predictAndScore, readClipFrames, summarizeClips } from '@nextframe/evaluation';
import { NextframeError } from '@nextframe/errors';
import { writeFileAtomic } from '@nextframe/files';
import { resolveFfmpeg, writeImageRgb, type RgbImage } from '@nextframe/media';
import { BASELINES, nearBlankSteps, type BaselineName, type FrameMetrics, type MetricSeries } from '@nextframe/metrics';
import { generatorFromCheckpoint, type CheckpointContent, type Generator } from '@nextframe/model';
import { writeClipGif } from './clip-gif';
import { writeStrip } from './strip-image';

export interface EvaluateOptions {
  /** The model to evaluate. */
  checkpoint: CheckpointContent;
  /** How tables and plots name the model (default `model`), e.g. its run's name. */
  modelName?: string;
  /** Another model on the same clips (e.g. the non-adversarial one), as a baseline. */
  compare?: { name: string; checkpoint: CheckpointContent };
  testDir: string;
  recursions: number;
  outDir: string;
  /** Pixels whose value changes by more than this (in [0, 1]) between the last input and the truth are "moving". */
  movingThreshold: number;
  /** Clips per test video, their starts spread evenly from the first frame to the last possible (default 1: the first). */
  clipsPerVideo?: number;
  /** Frames beyond this side (plus the network's reach) are predicted in tiles of it; 0: whole. Default 256. */
  tileSize?: number;
  /** Write each clip's strip, GIF and predicted frames (default true; learning curves only need the numbers). */
  pictures?: boolean;
  /** Progress in predicted frames (clips × recursions × models), with the clip being predicted. */
  onProgress?: (done: number, total: number, video: string) => void;
}

/** `model`, the baselines, and `compare` when there is one. */
export type Method = 'model' | BaselineName | 'compare';
export type StepMetrics = Record<'model' | BaselineName, FrameMetrics> & { compare?: FrameMetrics };

export interface EvaluationReport {
  recursions: number;
  /** True frames fed before predicting. */
  historyLength: number;
  /** `name` is the video's name, or `<video>-f<first frame>` with several clips per video; `start` counts from 0. */
  clips: { name: string; video: string; start: number; width: number; height: number; strip: string; gif: string; steps: StepMetrics[] }[];
  /** Per method, per metric: mean and spread over clips, one entry per recursion step. */
  summary: Record<'model' | BaselineName, MetricSeries> & { compare?: MetricSeries };
  compareName?: string;
  /** How the model is named in tables and plots. */
  modelName?: string;
  /** Steps (1-based) where the model's PSNR is within 0.1 dB of the blank frame's, or below it. */
  nearBlank: number[];
}

/**
 * Recursive predictions on every test video long enough (history + recursions frames), from its
 * first frame (or from `clipsPerVideo` starts spread evenly over it): metrics per recursion step for the model, copying the last input frame, and the
 * comparison model; a PNG strip per clip; `metrics.json`.
 */
export async function evaluateRun(options: EvaluateOptions): Promise<EvaluationReport> {
  const config = options.checkpoint.manifest.config;
  const history = config.historyLength;
  const clips = await listTestClips(options.testDir, history + options.recursions, options.clipsPerVideo ?? 1);
  if (clips.length === 0) {
    throw new NextframeError(`no test video has ${history + options.recursions} frames (history ${history} + ${options.recursions} recursions)`, {
      file: options.testDir,
    });
  }
  const ffmpeg = resolveFfmpeg().path;
  const generators: Record<string, Generator> = { model: await generatorFromCheckpoint(options.checkpoint) };
  const clipReports: EvaluationReport['clips'] = [];
  try {
    if (options.compare) generators.compare = await generatorFromCheckpoint(options.compare.checkpoint);
    const perClip = Object.keys(generators).length * options.recursions;
    for (const [i, clip] of clips.entries()) {
      const frames = await readClipFrames(clip.files);
      const onFrame = (done: number) => options.onProgress?.(i * perClip + done, clips.length * perClip, clip.name);
      const scored = predictAndScore({ generators, frames, tileSize: options.tileSize, movingThreshold: options.movingThreshold, onFrame });
      const strip = path.join('clips', `${clip.name}.png`);
      const gif = path.join('clips', `${clip.name}.gif`);
      if (options.pictures !== false) await writeClipPictures(options.outDir, clip.name, ffmpeg, { inputs: scored.inputs, predictions: scored.predictions.model, truth: scored.truth });
      const { name, video, start } = clip;
      clipReports.push({ name, video, start, width: frames[0].width, height: frames[0].height, strip, gif, steps: scored.steps as StepMetrics[] });
    }
  } finally {
    Object.values(generators).forEach((g) => g.dispose());
  }
  return writeReport(options, history, clipReports);
}

/** `clips/<name>.png` (inputs | predictions | truth), `clips/<name>.gif` and `clips/<name>/pred_<k>.png`. */
async function writeClipPictures(outDir: string, name: string, ffmpeg: string, frames: { inputs: RgbImage[]; predictions: RgbImage[]; truth: RgbImage[] }): Promise<void> {
  const { inputs, predictions, truth } = frames;
  await writeStrip(path.join(outDir, 'clips', `${name}.png`), [inputs, predictions, truth]);
  await writeClipGif({ ffmpeg, file: path.join(outDir, 'clips', `${name}.gif`), inputs, predictions, truth });
  for (const [k, p] of predictions.entries()) await writeImageRgb(path.join(outDir, 'clips', name, `pred_${k + 1}.png`), p);
}

/** The summaries over clips per method, and `metrics.json`. */
async function writeReport(options: EvaluateOptions, history: number, clipReports: EvaluationReport['clips']): Promise<EvaluationReport> {
  const methods: Method[] = ['model', ...BASELINES, ...(options.compare ? (['compare'] as const) : [])];
  const summary = summarizeClips(clipReports.map((c) => c.steps as unknown as Record<string, FrameMetrics>[]), methods) as EvaluationReport['summary'];
  const report: EvaluationReport = {
    recursions: options.recursions,
    historyLength: history,
    clips: clipReports,
    summary,
    compareName: options.compare?.name,
    modelName: options.modelName,
    nearBlank: nearBlankSteps(summary.model.psnr, summary.blank.psnr),
  };
  // JSON has no NaN (empty masks, flat truths): write it as a string.
  const json = JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2);
  await writeFileAtomic(path.join(options.outDir, 'metrics.json'), `${json}\n`);
  return report;
}
