import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { Progress } from '@nextframe/cli-kit';
import { formatError, NextframeError, UsageError } from '@nextframe/errors';
import { hashFile, removeStaleStagingDirs } from '@nextframe/files';
import { isImageFile, VideoReadError } from '@nextframe/media';
import { canonicalOptions, type ExtractOptions } from './extract-options';
import { extractVideo, type ExtractTools } from './extract-video';
import { readFrameIndex, writeFrameIndex, type FrameIndex, type FrameIndexEntry } from './frame-index';

export interface ExtractItem {
  video: string;
  /** The frame folder's path under `outDir`: `clip`, or `train/clip` for a split dataset. */
  key: string;
}

export interface ExtractVideosOptions {
  items: readonly ExtractItem[];
  outDir: string;
  options: ExtractOptions;
  tools: ExtractTools;
  /** Re-extract videos that are already done. */
  overwrite?: boolean;
  /** Go on with the other videos when one fails (the run still exits non-zero). */
  keepGoing?: boolean;
  ignoreDecodeErrors?: boolean;
  /** Remove frame folders and index entries of videos not in `items` (a manifest run owns `outDir`). */
  prune?: boolean;
  progress?: Progress;
}

export interface ExtractSummary {
  extracted: string[];
  skipped: string[];
  pruned: string[];
  failed: { key: string; video: string; message: string }[];
  /** Frames in the folders of this run's videos (extracted or skipped). */
  frames: number;
}

/**
 * Extract many videos into `outDir`, skipping the ones `index.json` says are done with the same
 * source bytes and options, and recording each finished video in `index.json` as it completes.
 */
export async function extractVideos(run: ExtractVideosOptions): Promise<ExtractSummary> {
  assertUniqueKeys(run.items);
  await fs.mkdir(run.outDir, { recursive: true });
  for (const dir of new Set(run.items.map((item) => path.dirname(path.join(run.outDir, item.key))))) {
    await removeStaleStagingDirs(dir);
  }
  const index = await readFrameIndex(run.outDir);
  const summary: ExtractSummary = { extracted: [], skipped: [], pruned: [], failed: [], frames: 0 };
  if (run.prune) await pruneOthers(run, index, summary);
  const log = (line: string) => (run.progress ? run.progress.log(line) : process.stderr.write(`${line}\n`));

  for (const [i, item] of run.items.entries()) {
    const folder = path.join(run.outDir, item.key);
    try {
      const { sizeBytes, sha256 } = await identify(item.video);
      const entry = index.videos[item.key];
      if (!run.overwrite && entry && (await isComplete(entry, folder, sha256, run.options))) {
        summary.skipped.push(item.key);
        summary.frames += entry.frameCount;
        run.progress?.update(i + 1, { frames: summary.frames });
        continue;
      }
      if (!entry && !run.overwrite && (await exists(folder))) {
        throw new NextframeError('exists and is not in index.json (not made by nextframe extract); use --overwrite to replace it', {
          file: folder,
        });
      }
      const framesBefore = summary.frames;
      const done = await extractVideo(
        {
          video: item.video,
          outDir: folder,
          indexDir: run.outDir,
          options: run.options,
          sizeBytes,
          sha256,
          ignoreDecodeErrors: run.ignoreDecodeErrors,
          onFrames: (n) => run.progress?.update(i, { frames: framesBefore + n }),
          onWarning: log,
        },
        run.tools,
      );
      index.videos[item.key] = done;
      await writeFrameIndex(run.outDir, index);
      summary.extracted.push(item.key);
      summary.frames += done.frameCount;
      run.progress?.update(i + 1, { frames: summary.frames });
    } catch (error) {
      if (!run.keepGoing || !(error instanceof NextframeError)) throw error;
      summary.failed.push({ key: item.key, video: item.video, message: formatError(error) });
      log(formatError(error));
      run.progress?.update(i + 1, { frames: summary.frames });
    }
  }
  return summary;
}

async function identify(video: string): Promise<{ sizeBytes: number; sha256: string }> {
  let stat;
  try {
    stat = await fs.stat(video);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VideoReadError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, { file: video });
  }
  if (stat.isDirectory()) throw new VideoReadError('is a folder, not a video file', { file: video });
  return { sizeBytes: stat.size, sha256: await hashFile(video) };
}

async function isComplete(entry: FrameIndexEntry, folder: string, sha256: string, options: ExtractOptions): Promise<boolean> {
  if (entry.sha256 !== sha256) return false;
  if (JSON.stringify(entry.options) !== JSON.stringify(canonicalOptions(options))) return false;
  try {
    const frames = (await fs.readdir(folder)).filter(isImageFile);
    return frames.length === entry.frameCount;
  } catch {
    return false;
  }
}

async function pruneOthers(run: ExtractVideosOptions, index: FrameIndex, summary: ExtractSummary): Promise<void> {
  const keep = new Set(run.items.map((item) => item.key));
  const stale = Object.keys(index.videos).filter((key) => !keep.has(key));
  for (const key of stale) {
    await fs.rm(path.join(run.outDir, key), { recursive: true, force: true });
    delete index.videos[key];
    summary.pruned.push(key);
  }
  if (stale.length) await writeFrameIndex(run.outDir, index);
}

function assertUniqueKeys(items: readonly ExtractItem[]): void {
  const seen = new Map<string, string>();
  for (const item of items) {
    const other = seen.get(item.key);
    if (other !== undefined) {
      if (path.resolve(other) === path.resolve(item.video)) throw new UsageError(`${item.video} is given twice`);
      throw new UsageError(`${other} and ${item.video} would both be extracted to '${item.key}': rename one of them`);
    }
    seen.set(item.key, item.video);
  }
}

async function exists(p: string): Promise<boolean> {
  try {
    await fs.stat(p);
    return true;
  } catch {
    return false;
  }
}
