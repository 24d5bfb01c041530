import * as path from 'node:path';
import { listFrameFolders } from '@nextframe/data';
import { readImageRgb, writeImageRgb } from '@nextframe/media';
import { fromBytes, psnr, sharpnessDifference, summarize } from '@nextframe/metrics';
import { predictRecursively, type Generator } from '@nextframe/model';

export interface RecursiveTestResult {
  /** Per recursion step (1 = the first predicted frame): mean over test videos. */
  psnr: number[];
  sharpnessDifference: number[];
  /** The baseline: PSNR of repeating the last input frame, per recursion step. */
  copyLastPsnr: number[];
  videos: number;
}

/**
 * The seed's test: for each test video, feed its first `historyLength` true frames at full size,
 * predict `recursions` frames recursively (each prediction replaces the oldest input), and compare
 * with the true frames; PSNR and sharpness difference per recursion step, averaged over videos.
 * Predictions are saved as `imagesDir/<video>/pred_<k>.png` next to `true_<k>.png`.
 */
export async function recursiveTest(args: {
  generator: Generator;
  testDir: string;
  recursions: number;
  imagesDir?: string;
}): Promise<RecursiveTestResult> {
  const history = args.generator.config.historyLength;
  const videos = (await listFrameFolders(args.testDir)).filter((v) => v.files.length >= history + args.recursions);
  const perStep = { psnr: [] as number[][], sharpness: [] as number[][], copyLast: [] as number[][] };
  for (const video of videos) {
    const frames = await Promise.all(video.files.slice(0, history + args.recursions).map((f) => readImageRgb(f)));
    const predictions = predictRecursively(args.generator, frames.slice(0, history), args.recursions);
    for (const [k, pred] of predictions.entries()) {
      const truth = frames[history + k];
      (perStep.psnr[k] ??= []).push(psnr(fromBytes(pred), fromBytes(truth)));
      (perStep.sharpness[k] ??= []).push(sharpnessDifference(fromBytes(pred), fromBytes(truth)));
      (perStep.copyLast[k] ??= []).push(psnr(fromBytes(frames[history - 1]), fromBytes(truth)));
      if (args.imagesDir) {
        await writeImageRgb(path.join(args.imagesDir, video.name, `pred_${k + 1}.png`), pred);
        await writeImageRgb(path.join(args.imagesDir, video.name, `true_${k + 1}.png`), truth);
      }
    }
  }
  return {
    psnr: perStep.psnr.map((v) => summarize(v).mean),
    sharpnessDifference: perStep.sharpness.map((v) => summarize(v).mean),
    copyLastPsnr: perStep.copyLast.map((v) => summarize(v).mean),
    videos: videos.length,
  };
}
