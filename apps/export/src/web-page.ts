import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { listFrameFolders, naturalCompare } from '@nextframe/data';
import { isImageFile } from '@nextframe/media';

const WEB = path.resolve(__dirname, '..', 'web');

/** The page's own files and the TF.js browser builds it loads, as [source, name in vendor/ or the page folder]. */
function pageFiles(): [string, string][] {
  const tfjs = path.dirname(require.resolve('@tensorflow/tfjs/package.json'));
  const wasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  const webgpu = path.dirname(require.resolve('@tensorflow/tfjs-backend-webgpu/package.json'));
  return [
    [path.join(WEB, 'index.html'), 'index.html'],
    ...['app.js', 'backend.js', 'frames.js', 'predict.js', 'view.js'].map((f): [string, string] => [path.join(WEB, f), f]),
    [path.join(tfjs, 'dist', 'tf.min.js'), 'vendor/tf.min.js'],
    [path.join(webgpu, 'dist', 'tf-backend-webgpu.min.js'), 'vendor/tf-backend-webgpu.min.js'],
    [path.join(wasm, 'dist', 'tf-backend-wasm.min.js'), 'vendor/tf-backend-wasm.min.js'],
    ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f): [string, string] => [path.join(wasm, 'dist', f), `vendor/${f}`]),
  ];
}

/** Copy the page into `dir` (index.html, its scripts, vendor/). */
export async function writeWebPage(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'vendor'), { recursive: true });
  for (const [source, name] of pageFiles()) await fs.copyFile(source, path.join(dir, name));
}

/** A sample clip of the page: its name (the video's folder) and frame files under sample/NAME/. */
export interface SampleClip {
  name: string;
  frames: string[];
}

/**
 * The page's sample clips: the first `frames` frames of each of the first `clips` videos of
 * `source` — a frames folder (one folder per video, e.g. data/demo/frames/test, videos in natural
 * order) or one folder of frame images — copied to `dir/sample/NAME/`, listed in
 * `dir/sample/clips.json`.
 */
export async function writeSampleClips(source: string, dir: string, options: { frames: number; clips: number }): Promise<SampleClip[]> {
  const images = (await fs.readdir(source)).filter((f) => isImageFile(f) && !f.startsWith('.')).sort(naturalCompare);
  const videos = images.length ? [{ name: path.basename(source), files: images.map((f) => path.join(source, f)) }] : await listFrameFolders(source);
  const clips: SampleClip[] = [];
  for (const video of videos.slice(0, options.clips)) {
    const files = video.files.slice(0, options.frames);
    await fs.mkdir(path.join(dir, 'sample', video.name), { recursive: true });
    for (const file of files) await fs.copyFile(file, path.join(dir, 'sample', video.name, path.basename(file)));
    clips.push({ name: video.name, frames: files.map((f) => path.basename(f)) });
  }
  await writeSampleList(dir, clips);
  return clips;
}
/** `dir/sample/clips.json`: the sample clips (none: the page disables its sample button). */
export async function writeSampleList(dir: string, clips: SampleClip[] = []): Promise<void> {
  await fs.mkdir(path.join(dir, 'sample'), { recursive: true });
  await fs.writeFile(path.join(dir, 'sample', 'clips.json'), `${JSON.stringify({ clips }, null, 1)}\n`);
}
