import * as path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { listFrameFolders } from '@nextframe/data';
import { readImageRgb, writeImageRgb } from '@nextframe/media';
import { fromBytes, psnr, sharpnessDifference, summarize } from '@nextframe/metrics';
import type { Generator } from '@nextframe/model';

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
    const toTensor = (i: number) => tf.tidy(() => tf.sub(tf.div(tf.tensor3d(frames[i].data, [video.height, video.width, 3], 'float32'), 127.5), 1));
    let inputs: tf.Tensor3D[] = frames.slice(0, history).map((_, i) => toTensor(i) as tf.Tensor3D);
    for (let k = 0; k < args.recursions; k++) {
      const predicted = tf.tidy(() => args.generator.predict(tf.expandDims(tf.concat(inputs, 2), 0) as tf.Tensor4D).squeeze([0]) as tf.Tensor3D);
      const bytes = Uint8Array.from(tf.tidy(() => tf.clipByValue(tf.round(tf.mul(tf.add(predicted, 1), 127.5)), 0, 255)).dataSync());
      const truth = frames[history + k];
      const pred = { data: bytes, width: video.width, height: video.height };
      (perStep.psnr[k] ??= []).push(psnr(fromBytes(pred), fromBytes(truth)));
      (perStep.sharpness[k] ??= []).push(sharpnessDifference(fromBytes(pred), fromBytes(truth)));
      (perStep.copyLast[k] ??= []).push(psnr(fromBytes(frames[history - 1]), fromBytes(truth)));
      if (args.imagesDir) {
        await writeImageRgb(path.join(args.imagesDir, video.name, `pred_${k + 1}.png`), pred);
        await writeImageRgb(path.join(args.imagesDir, video.name, `true_${k + 1}.png`), truth);
      }
      tf.dispose(inputs[0]);
      inputs = [...inputs.slice(1), predicted];
    }
    tf.dispose(inputs);
  }
  return {
    psnr: perStep.psnr.map((v) => summarize(v).mean),
    sharpnessDifference: perStep.sharpness.map((v) => summarize(v).mean),
    copyLastPsnr: perStep.copyLast.map((v) => summarize(v).mean),
    videos: videos.length,
  };
}
