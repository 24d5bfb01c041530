import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { createStagingDir } from '@nextframe/files';
import { FfmpegError, isImageFile, probeVideo, runFfmpeg, VideoReadError, type VideoInfo } from '@nextframe/media';
import { canonicalOptions, ffmpegExtractArgs, outputSize, type ExtractOptions } from './extract-options';
import type { FrameIndexEntry } from './frame-index';

/** The tools an extraction runs. */
export interface ExtractTools {
  ffmpeg: string;
  ffprobe: string;
  /** First line of `ffmpeg -version`, recorded in the index. */
  ffmpegVersion: string;
}

export interface ExtractVideoJob {
  video: string;
  /** The video's frame folder (created whole, or not at all). */
  outDir: string;
  /** The folder holding `index.json`, which `source` paths are relative to. */
  indexDir: string;
  options: ExtractOptions;
  /** The source's identity, computed by the caller (who also uses it to skip finished videos). */
  sizeBytes: number;
  sha256: string;
  /** Keep the frames of a damaged file that ffmpeg could decode, instead of failing. */
  ignoreDecodeErrors?: boolean;
  /** Frames written so far, as ffmpeg reports them. */
  onFrames?: (frames: number) => void;
  /** A warning for the user (e.g. decode errors that were ignored). */
  onWarning?: (message: string) => void;
}

/**
 * Extract one video into `outDir/000001.png, …` via a staging folder, so `outDir` is never
 * half-written. Returns what `index.json` records for it.
 */
export async function extractVideo(job: ExtractVideoJob, tools: ExtractTools): Promise<FrameIndexEntry> {
  const info = await probeVideo(tools.ffprobe, job.video);
  const target = outputSize(info.width, info.height, job.options);
  const staging = await createStagingDir(job.outDir);
  try {
    const errorLines = await decodeFrames(job, tools, info, staging.path);
    const frames = (await fs.readdir(staging.path)).filter(isImageFile);
    const expected = expectedFrames(info.frameCount, info.frameCountExact, job.options);
    if (frames.length === 0) {
      const reason = job.options.startS !== undefined && job.options.startS >= info.durationS
        ? `no frames after --start ${job.options.startS}s (the video is ${info.durationS.toFixed(2)}s long)`
        : `no decodable frames${errorLines.length ? ` (ffmpeg: ${errorLines[0]})` : ''}`;
      throw new VideoReadError(reason, { file: job.video });
    }
    if (errorLines.length > 0) {
      const counted = expected ? `decoded ${frames.length} of ${expected} frames` : `decoded ${frames.length} frames`;
      const message = `truncated or corrupt: ${counted} (ffmpeg: ${errorLines[0]})`;
      if (!job.ignoreDecodeErrors) {
        throw new VideoReadError(`${message}; use --ignore-decode-errors to keep the frames that decoded`, { file: job.video });
      }
      job.onWarning?.(`warning: ${job.video}: ${message}; keeping the frames that decoded`);
    }
    await staging.commit();
    return indexEntry(job, tools, info, target, frames.length);
  } catch (error) {
    await staging.discard();
    if (error instanceof NextframeError) throw error;
    throw new NextframeError(`extraction failed: ${(error as Error).message}`, { file: job.video, cause: error });
  }
}

/**
 * Run ffmpeg into `dir`; the error lines it reported. A damaged file can make ffmpeg exit 0 with
 * errors, or fail after some frames: the caller judges by the frames written and these lines,
 * not by the exit code alone.
 */
async function decodeFrames(job: ExtractVideoJob, tools: ExtractTools, info: VideoInfo, dir: string): Promise<string[]> {
  try {
    const { errorLines } = await runFfmpeg({
      binary: tools.ffmpeg,
      args: ffmpegExtractArgs({ video: job.video, outDir: dir, options: job.options, source: info }),
      file: job.video,
      onProgress: job.onFrames ? (p) => job.onFrames?.(p.frame) : undefined,
    });
    return errorLines;
  } catch (error) {
    if (!(error instanceof FfmpegError) || error.errorLines.length === 0) throw error;
    return error.errorLines;
  }
}

/** What index.json records of an extracted video. */
function indexEntry(job: ExtractVideoJob, tools: ExtractTools, info: VideoInfo, target: { width: number; height: number }, frameCount: number): FrameIndexEntry {
  const fps = job.options.fps ?? info.fps;
  return {
    source: path.relative(job.indexDir, job.video).split(path.sep).join('/'),
    sizeBytes: job.sizeBytes,
    sha256: job.sha256,
    options: canonicalOptions(job.options),
    frameCount,
    width: target.width,
    height: target.height,
    fps: Math.round(fps * 1000) / 1000,
    sourceInfo: {
      codec: info.codec,
      width: info.codedWidth,
      height: info.codedHeight,
      rotation: info.rotation,
      fps: Math.round(info.fps * 1000) / 1000,
      durationS: Math.round(info.durationS * 1000) / 1000,
    },
    ffmpeg: tools.ffmpegVersion,
  };
}

/** The frame count the container promises for a whole-video, native-rate extraction. */
function expectedFrames(frameCount: number, exact: boolean, options: ExtractOptions): number | undefined {
  const whole = options.fps === undefined && options.startS === undefined && options.durationS === undefined && !options.dropDuplicates;
  return whole && exact ? frameCount : undefined;
}
