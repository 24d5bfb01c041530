export { BinaryNotFoundError, FfmpegError, ImageReadError, VideoReadError } from './media-errors';
export { resolveFfmpeg, resolveFfprobe, type BinarySearch, type BinarySource, type ResolvedBinary } from './resolve-binaries';
export { runFfmpeg, ffmpegErrorLines, type FfmpegProgress, type FfmpegResult, type RunFfmpegOptions } from './run-ffmpeg';
export { probeVideo, type VideoInfo } from './probe-video';
export { ffmpegVersion } from './ffmpeg-version';
export {
  IMAGE_EXTENSIONS,
  encodeImageRgb,
  isImageFile,
  readImageRgb,
  writeImageRgb,
  type RgbImage,
} from './image-io';
