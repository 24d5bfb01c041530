import { NextframeError } from '@nextframe/errors';

/** ffmpeg or ffprobe cannot be found or started. */
export class BinaryNotFoundError extends NextframeError {}

/** The input is missing, not a video, or cannot be decoded. */
export class VideoReadError extends NextframeError {}

/** ffmpeg ran and failed. */
export class FfmpegError extends NextframeError {
  /** ffmpeg's error messages, oldest first (the first is usually the cause). */
  errorLines: string[] = [];
}

/** The input is not an image sharp can decode. */
export class ImageReadError extends NextframeError {}
