import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Command } from '@nextframe/cli-kit';
import { naturalCompare } from '@nextframe/data';
import { NextframeError, UsageError } from '@nextframe/errors';
import { isImageFile, readImageRgb } from '@nextframe/media';
import { fromBytes, frameMetrics, summarize, type FrameMetrics } from '@nextframe/metrics';

export const compareCommand: Command = {
  name: 'compare',
  summary: 'Print PSNR, sharpness difference and SSIM of predicted frames against true ones, as JSON.',
  usage: 'nextframe compare PRED TRUTH',
  positionals: 'PRED TRUTH',
  details: `
PRED and TRUTH are two images, or two folders of frames matched by natural sort order (frame2
before frame10); both must hold the same number of frames of the same sizes. PSNR is given in the
standard convention (pixels in [0, 1]) and in the TensorFlow port's (psnrPort, 6.02 dB lower).
Identical frames have an infinite PSNR, printed as "Infinity".`,
  options: {},
  examples: ['nextframe compare runs/mine/eval/pred/000001.png data/mine/frames/test/clip/000005.png', 'nextframe compare predicted/ truth/'],
  async run(parsed) {
    if (parsed.positionals.length !== 2) throw new UsageError('compare needs two paths: PRED TRUTH');
    const [pred, truth] = parsed.positionals;
    const report = await compare(pred, truth);
    process.stdout.write(`${JSON.stringify(report, (_key, value) => (typeof value === 'number' && !Number.isFinite(value) ? String(value) : value), 2)}\n`);
    return 0;
  },
};

export interface CompareReport {
  frames: { prediction: string; truth: string; metrics: FrameMetrics }[];
  mean?: { psnr: number; psnrPort: number; sharpnessDifference: number; ssim: number; psnrStd: number; ssimStd: number };
}

/** Metrics for two images or two folders of frames. */
export async function compare(pred: string, truth: string): Promise<CompareReport> {
  const [predStat, truthStat] = await Promise.all([statOf(pred), statOf(truth)]);
  if (predStat.isDirectory() !== truthStat.isDirectory()) throw new UsageError('give two images or two folders, not one of each');
  const pairs: [string, string][] = [];
  if (predStat.isDirectory()) {
    const [a, b] = await Promise.all([frameFiles(pred), frameFiles(truth)]);
    if (a.length !== b.length) throw new NextframeError(`${pred} holds ${a.length} frames but ${truth} holds ${b.length}`);
    if (a.length === 0) throw new NextframeError('no image files', { file: pred });
    a.forEach((file, i) => pairs.push([file, b[i]]));
  } else {
    pairs.push([pred, truth]);
  }
  const frames: CompareReport['frames'] = [];
  for (const [p, t] of pairs) {
    const [pi, ti] = await Promise.all([readImageRgb(p), readImageRgb(t)]);
    if (pi.width !== ti.width || pi.height !== ti.height) {
      throw new NextframeError(`is ${pi.width}x${pi.height} but ${t} is ${ti.width}x${ti.height}`, { file: p });
    }
    frames.push({ prediction: p, truth: t, metrics: frameMetrics(fromBytes(pi), fromBytes(ti)) });
  }
  if (frames.length === 1) return { frames };
  const of = (pick: (m: FrameMetrics) => number) => summarize(frames.map((f) => pick(f.metrics)));
  return {
    frames,
    mean: {
      psnr: of((m) => m.psnr).mean,
      psnrPort: of((m) => m.psnrPort).mean,
      sharpnessDifference: of((m) => m.sharpnessDifference).mean,
      ssim: of((m) => m.ssim).mean,
      psnrStd: of((m) => m.psnr).std,
      ssimStd: of((m) => m.ssim).std,
    },
  };
}

async function statOf(p: string) {
  try {
    return await fs.stat(p);
  } catch {
    throw new NextframeError('no such file or folder', { file: p });
  }
}

async function frameFiles(dir: string): Promise<string[]> {
  return (await fs.readdir(dir)).filter(isImageFile).sort(naturalCompare).map((f) => path.join(dir, f));
}
