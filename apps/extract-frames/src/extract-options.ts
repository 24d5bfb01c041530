import { UsageError } from '@nextframe/errors';

/** How frames are taken from a video. Every field is optional: by default every frame, as stored. */
export interface ExtractOptions {
  /** Resample to this many frames per second (ffmpeg's `fps` filter). */
  fps?: number;
  /** Scale every frame to exactly this size. */
  size?: { width: number; height: number };
  /** Scale down so the longer side is at most this many pixels, keeping the aspect ratio. */
  maxSide?: number;
  /** Skip this many seconds at the start. */
  startS?: number;
  /** Keep at most this many seconds. */
  durationS?: number;
  /**
   * Drop each frame that repeats the one kept before it (ffmpeg's `mpdecimate`, every 8×8 block
   * within 1 grey level per pixel of it): a video captured at a lower rate than it is stored
   * repeats frames, and a repeat is no motion to learn or predict.
   */
  dropDuplicates?: boolean;
}

/** `mpdecimate` thresholds of --drop-duplicates: a block's summed absolute difference ≤ 64 (1 level per pixel), in every block. */
export const DUPLICATE_FILTER = 'mpdecimate=hi=64:lo=64:frac=0';

/** Check an options object as a whole (single fields are checked where they are parsed). */
export function validateExtractOptions(options: ExtractOptions): ExtractOptions {
  if (options.size && options.maxSide !== undefined) throw new UsageError('give --size or --max-side, not both');
  return options;
}

/**
 * The options as stored in `index.json`: fixed key order, absent fields as null, so two runs
 * with the same options compare equal.
 */
export function canonicalOptions(options: ExtractOptions): Record<string, number | string | boolean | null> {
  return {
    fps: options.fps ?? null,
    size: options.size ? `${options.size.width}x${options.size.height}` : null,
    maxSide: options.maxSide ?? null,
    startS: options.startS ?? null,
    durationS: options.durationS ?? null,
    // Only when set: frame folders extracted before the option existed stay up to date.
    ...(options.dropDuplicates ? { dropDuplicates: true } : {}),
  };
}

/** The size frames are written at, from the displayed (rotated) size of the video. */
export function outputSize(width: number, height: number, options: ExtractOptions): { width: number; height: number } {
  if (options.size) return options.size;
  if (options.maxSide !== undefined && Math.max(width, height) > options.maxSide) {
    const scale = options.maxSide / Math.max(width, height);
    return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
  }
  return { width, height };
}

/** ffmpeg's arguments for one extraction, input to numbered PNGs in `outDir`. */
export function ffmpegExtractArgs(args: {
  video: string;
  outDir: string;
  options: ExtractOptions;
  source: { width: number; height: number };
}): string[] {
  const { options } = args;
  const target = outputSize(args.source.width, args.source.height, options);
  const filters: string[] = [];
  if (options.fps !== undefined) filters.push(`fps=fps=${options.fps}`);
  if (target.width !== args.source.width || target.height !== args.source.height) {
    // Area averaging is the right filter for shrinking; bicubic for the rare enlargement.
    const shrinking = target.width * target.height < args.source.width * args.source.height;
    filters.push(`scale=w=${target.width}:h=${target.height}:flags=${shrinking ? 'area' : 'bicubic'}`);
  }
  // After resampling (which may itself repeat frames) and scaling, so repeats are judged as written.
  if (options.dropDuplicates) filters.push(DUPLICATE_FILTER);
  return [
    ...(options.startS !== undefined ? ['-ss', String(options.startS)] : []),
    '-i', args.video,
    ...(options.durationS !== undefined ? ['-t', String(options.durationS)] : []),
    '-map', '0:v:0', '-an', '-sn', '-dn',
    ...(filters.length ? ['-vf', filters.join(',')] : []),
    // Passthrough: one image per decoded (or fps-resampled, or kept) frame, numbered without gaps.
    '-vsync', '0',
    '-pix_fmt', 'rgb24',
    '-start_number', '1',
    '-f', 'image2',
    // image2 reads % as a pattern: escape it in folder names.
    `${args.outDir.replace(/%/g, '%%')}/%06d.png`,
  ];
}
