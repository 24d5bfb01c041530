import { promises as fs } from 'node:fs';
import * as path from 'node:path';

const WEB = path.resolve(__dirname, '..', 'web');

/** The page's own files and the TF.js browser builds it loads, as [source, name in vendor/ or the page folder]. */
function pageFiles(): [string, string][] {
  const tfjs = path.dirname(require.resolve('@tensorflow/tfjs/package.json'));
  const wasm = path.dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
  return [
    [path.join(WEB, 'index.html'), 'index.html'],
    [path.join(WEB, 'app.js'), 'app.js'],
    [path.join(tfjs, 'dist', 'tf.min.js'), 'vendor/tf.min.js'],
    [path.join(wasm, 'dist', 'tf-backend-wasm.min.js'), 'vendor/tf-backend-wasm.min.js'],
    ...['tfjs-backend-wasm.wasm', 'tfjs-backend-wasm-simd.wasm', 'tfjs-backend-wasm-threaded-simd.wasm'].map((f): [string, string] => [path.join(wasm, 'dist', f), `vendor/${f}`]),
  ];
}

/** Copy the page into `dir` (index.html, app.js, vendor/). */
export async function writeWebPage(dir: string): Promise<void> {
  await fs.mkdir(path.join(dir, 'vendor'), { recursive: true });
  for (const [source, name] of pageFiles()) await fs.copyFile(source, path.join(dir, name));
}

/**
 * The sample clip: the first `count` PNG frames of `source` — a folder of frames, or a folder of
 * frame folders (its first video in name order, e.g. data/demo/frames/test) — copied to
 * `dir/sample/` with a `frames.json` listing them. Returns the clip's name.
 */
export async function writeSampleClip(source: string, dir: string, count: number): Promise<string> {
  const entries = await fs.readdir(source, { withFileTypes: true });
  const pngs = entries.filter((e) => e.isFile() && e.name.toLowerCase().endsWith('.png')).map((e) => e.name);
  if (!pngs.length) {
    const first = entries.filter((e) => e.isDirectory()).map((e) => e.name).sort()[0];
    if (!first) throw new Error('no PNG frames and no frame folders');
    return writeSampleClip(path.join(source, first), dir, count);
  }
  const frames = pngs.sort((a, b) => a.localeCompare(b, 'en', { numeric: true })).slice(0, count);
  await fs.mkdir(path.join(dir, 'sample'), { recursive: true });
  for (const f of frames) await fs.copyFile(path.join(source, f), path.join(dir, 'sample', f));
  const name = path.basename(source);
  await writeSampleList(dir, name, frames);
  return name;
}

/** `dir/sample/frames.json`: the sample clip's name and frame files (none: no sample clip). */
export async function writeSampleList(dir: string, name: string | null = null, frames: string[] = []): Promise<void> {
  await fs.mkdir(path.join(dir, 'sample'), { recursive: true });
  await fs.writeFile(path.join(dir, 'sample', 'frames.json'), `${JSON.stringify({ name, frames })}\n`);
}
