import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { createStagingDir } from '@nextframe/files';
import { FfmpegError, isImageFile, probeVideo, runFfmpeg, VideoReadError } from '@nextframe/media';
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
    // A damaged file can make ffmpeg exit 0 with errors, or fail after some frames: judge by
    // the frames written and the errors reported, not the exit code alone.
    let errorLines: string[];
    try {
      ({ errorLines } = await runFfmpeg({
        binary: tools.ffmpeg,
        args: ffmpegExtractArgs({ video: job.video, outDir: staging.path, options: job.options, source: info }),
        file: job.video,
        onProgress: job.onFrames ? (p) => job.onFrames?.(p.frame) : undefined,
      }));
    } catch (error) {
      if (!(error instanceof FfmpegError) || error.errorLines.length === 0) throw error;
      errorLines = error.errorLines;
    }
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
    const fps = job.options.fps ?? info.fps;
    await staging.commit();
    return {
      source: path.relative(job.indexDir, job.video).split(path.sep).join('/'),
      sizeBytes: job.sizeBytes,
      sha256: job.sha256,
      options: canonicalOptions(job.options),
      frameCount: frames.length,
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
  } catch (error) {
    await staging.discard();
    if (error instanceof NextframeError) throw error;
    throw new NextframeError(`extraction failed: ${(error as Error).message}`, { file: job.video, cause: error });
  }
}

/** The frame count the container promises for a whole-video, native-rate extraction. */
function expectedFrames(frameCount: number, exact: boolean, options: ExtractOptions): number | undefined {
  const whole = options.fps === undefined && options.startS === undefined && options.durationS === undefined && !options.dropDuplicates;
  return whole && exact ? frameCount : undefined;
}
