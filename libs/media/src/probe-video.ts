import { execFile } from 'node:child_process';
import { promises as fs } from 'node:fs';
import { promisify } from 'node:util';
import { VideoReadError } from './media-errors';

const execFileAsync = promisify(execFile);

export interface VideoInfo {
  /** Seconds, from the stream or the container. */
  durationS: number;
  /** Average frames per second. */
  fps: number;
  /** Frames in the stream: the container's count, or duration × fps when it has none. */
  frameCount: number;
  /** Whether `frameCount` was counted by the container (true) or estimated (false). */
  frameCountExact: boolean;
  /** Stored size, before rotation. */
  codedWidth: number;
  codedHeight: number;
  /** Clockwise degrees a player rotates the picture by: 0, 90, 180 or 270. */
  rotation: 0 | 90 | 180 | 270;
  /** Displayed size, after rotation (what ffmpeg decodes to, as it auto-rotates). */
  width: number;
  height: number;
  codec: string;
  container: string;
}

interface FfprobeStream {
  codec_type?: string;
  codec_name?: string;
  width?: number;
  height?: number;
  avg_frame_rate?: string;
  r_frame_rate?: string;
  duration?: string;
  nb_frames?: string;
  tags?: Record<string, string>;
  side_data_list?: { rotation?: number | string }[];
  disposition?: { attached_pic?: number };
}

interface FfprobeOutput {
  streams?: FfprobeStream[];
  format?: { format_name?: string; duration?: string };
}

/** Image formats ffprobe reads as one-frame "videos"; a frame folder is made of these, not from them. */
const IMAGE_CONTAINERS = /(^|,)(image2|[a-z0-9]+_pipe|gif|apng)($|,)/;

/**
 * Probe a video with ffprobe: duration, frame rate, frame count, size and rotation.
 * Throws a `VideoReadError` naming the file for a missing file, a non-video, or a file ffprobe
 * cannot parse.
 */
export async function probeVideo(ffprobe: string, file: string): Promise<VideoInfo> {
  await assertReadableFile(file);
  let stdout: string;
  try {
    ({ stdout } = await execFileAsync(
      ffprobe,
      ['-v', 'error', '-print_format', 'json', '-show_format', '-show_streams', file],
      { maxBuffer: 16 * 1024 * 1024 },
    ));
  } catch (error) {
    const stderr = String((error as { stderr?: string }).stderr ?? '');
    throw new VideoReadError(describeProbeFailure(stderr, file), { file, cause: error });
  }
  const parsed = JSON.parse(stdout) as FfprobeOutput;
  const container = parsed.format?.format_name ?? 'unknown';
  const video = (parsed.streams ?? []).find((s) => s.codec_type === 'video' && !s.disposition?.attached_pic);
  if (IMAGE_CONTAINERS.test(container) && container !== 'gif') {
    throw new VideoReadError(`is an image (${container.replace(/_pipe$/, '')}), not a video`, { file });
  }
  if (!video) {
    const kinds = (parsed.streams ?? []).map((s) => s.codec_type ?? '?');
    throw new VideoReadError(`has no video stream${kinds.length ? ` (only ${[...new Set(kinds)].join(', ')})` : ''}`, { file });
  }
  const codedWidth = video.width ?? 0;
  const codedHeight = video.height ?? 0;
  if (codedWidth <= 0 || codedHeight <= 0) throw new VideoReadError('video stream has no frame size', { file });
  const fps = parseRate(video.avg_frame_rate) || parseRate(video.r_frame_rate);
  const durationS = Number(video.duration ?? parsed.format?.duration ?? NaN);
  const counted = Number(video.nb_frames);
  const frameCountExact = Number.isInteger(counted) && counted > 0;
  const frameCount = frameCountExact ? counted : Number.isFinite(durationS) && fps > 0 ? Math.round(durationS * fps) : 0;
  const rotation = parseRotation(video);
  const swap = rotation === 90 || rotation === 270;
  return {
    durationS: Number.isFinite(durationS) ? durationS : frameCount / (fps || 1),
    fps,
    frameCount,
    frameCountExact,
    codedWidth,
    codedHeight,
    rotation,
    width: swap ? codedHeight : codedWidth,
    height: swap ? codedWidth : codedHeight,
    codec: video.codec_name ?? 'unknown',
    container,
  };
}

async function assertReadableFile(file: string): Promise<void> {
  let stat;
  try {
    stat = await fs.stat(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new VideoReadError(code === 'ENOENT' ? 'no such file' : `cannot read (${code})`, { file });
  }
  if (stat.isDirectory()) throw new VideoReadError('is a folder, not a video file', { file });
  if (stat.size === 0) throw new VideoReadError('is empty (0 bytes)', { file });
}

function describeProbeFailure(stderr: string, file: string): string {
  const lines = stderr
    .split('\n')
    .map((l) => l.replace(/^\[[^\]]+ @ 0x[0-9a-f]+\]\s*/i, '').replace(`${file}: `, '').trim())
    .filter(Boolean);
  if (lines.some((l) => /moov atom not found/i.test(l))) {
    return 'truncated or not a video (no moov atom: an MP4/MOV file cut short, or not an MP4 at all)';
  }
  const last = lines[lines.length - 1] ?? 'unknown ffprobe error';
  return `not a readable video (ffprobe: ${last})`;
}

/** `30000/1001` → 29.97; `0/0` → 0. */
function parseRate(rate: string | undefined): number {
  if (!rate) return 0;
  const [num, den] = rate.split('/').map(Number);
  if (!den) return Number.isFinite(num) ? num : 0;
  return num / den;
}

/**
 * ffprobe reports rotation as a display-matrix angle (counter-clockwise, e.g. -90) in side data,
 * or, in older files, as a `rotate` tag (clockwise, e.g. 90). Normalise to clockwise 0/90/180/270.
 */
function parseRotation(stream: FfprobeStream): 0 | 90 | 180 | 270 {
  let clockwise = 0;
  const side = stream.side_data_list?.find((d) => d.rotation !== undefined);
  if (side) clockwise = -Number(side.rotation);
  else if (stream.tags?.rotate) clockwise = Number(stream.tags.rotate);
  const normalised = (((Math.round(clockwise / 90) * 90) % 360) + 360) % 360;
  return normalised as 0 | 90 | 180 | 270;
}
