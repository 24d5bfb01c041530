import { createHash } from 'node:crypto';
import * as path from 'node:path';
import { readImageRgb } from '@nextframe/media';
import { chooseClip, clipRandom, sampleWindow } from './clip-sampler';
import { clipRecordBatch, clipSchema, type ClipProvenance, type ClipShape, type StoreSummary } from './clip-store-format';
import { ClipStoreWriter } from './clip-store-writer';
import { clipBytes, clipFrames, type CropSettings } from './crop-settings';
import { FramesFolderError, FrameSizeMismatchError } from './data-errors';
import { listFrameFolders, type VideoFrames } from './frame-folders';

export interface CropClipsOptions {
  /** A folder of video folders of frames. */
  framesDir: string;
  /** The clip store folder (created if missing; appended to if it holds a store). */
  storeDir: string;
  /** Clips this run adds. */
  clipCount: number;
  seed: number;
  settings: CropSettings;
  /** Clips per Arrow file (default 10,000: about 150 MB of 32×32×5 clips). */
  shardSize?: number;
  /** Clips per record batch inside a file, the unit of random reads (default 64). */
  recordBatchSize?: number;
  /** Start a new store, removing the old one's files. */
  overwrite?: boolean;
  /** Frames decoded at once (default 16; sharp decodes on libuv's thread pool). */
  decodeConcurrency?: number;
  onProgress?: (done: number, total: number) => void;
  onWarning?: (message: string) => void;
}

export interface CropClipsResult {
  summary: StoreSummary;
  /** Clips written by this call. */
  written: number;
  /** Whether this call finished a run that an earlier, killed call had started. */
  resumed: boolean;
}

/** Each clip's video and start, from its own generator; then the clips in (video, start) order. */
function planClips(run: { seed: number; firstClip: number; clipCount: number }, counts: number[], settings: CropClipsOptions['settings']) {
  const n = run.clipCount;
  const planVideo = new Int32Array(n);
  const planStart = new Int32Array(n);
  for (let k = 0; k < n; k++) {
    const choice = chooseClip(clipRandom(run.seed, run.firstClip + k), counts, settings);
    planVideo[k] = choice.video;
    planStart[k] = choice.start;
  }
  const order = Uint32Array.from({ length: n }, (_, k) => k).sort((a, b) => planVideo[a] - planVideo[b] || planStart[a] - planStart[b] || a - b);
  return { planVideo, planStart, order };
}

/**
 * Cut `clipCount` clips from the frames into the Arrow clip store, as the seed's
 * `process_data` does, but seeded and decode-bound: clips are planned first, then made video by
 * video in frame order, so each frame is decoded once and clips are drawn from frames in
 * memory. Shards are whole or absent; a killed run is finished by running it again.
 */
export async function cropClips(options: CropClipsOptions): Promise<CropClipsResult> {
  const { settings } = options;
  const frameCount = clipFrames(settings);
  const videos = await usableVideos(options.framesDir, settings, options.onWarning);
  const shape: ClipShape = [frameCount, settings.cropSizePx, settings.cropSizePx, 3];
  const { writer, run, alreadyWritten, resumed } = await openRun(options, shape, framesFingerprint(videos));

  const counts = videos.map((v) => v.files.length);
  const n = run.clipCount;
  const { planVideo, planStart, order } = planClips(run, counts, settings);
  const schema = clipSchema(shape);
  const bytesPerClip = clipBytes(settings);
  const shardSize = writer.summary.shardSize;
  let buffer = new Uint8Array(Math.min(shardSize, n - alreadyWritten) * bytesPerClip);
  let records: ClipProvenance[] = [];
  let written = 0;
  const loader = new FrameLoader(videos, options.decodeConcurrency ?? 16);
  options.onProgress?.(alreadyWritten, n);

  for (let position = alreadyWritten; position < n; position++) {
    const k = order[position];
    const video = videos[planVideo[k]];
    const start = planStart[k];
    const frames = await loader.window(planVideo[k], start, frameCount, order, planVideo, planStart, position);
    const rng = clipRandom(run.seed, run.firstClip + k);
    const choice = chooseClip(rng, counts, settings);
    const slot = records.length;
    const sampled = sampleWindow({
      rng,
      frames,
      width: video.width,
      height: video.height,
      unfiltered: choice.unfiltered,
      settings,
      out: buffer.subarray(slot * bytesPerClip, (slot + 1) * bytesPerClip),
    });
    records.push({ video: video.name, startFrame: start, cropX: sampled.x, cropY: sampled.y, movement: sampled.movement, unfiltered: choice.unfiltered });
    if (records.length % 500 === 0) options.onProgress?.(alreadyWritten + written + records.length, n);
    if (records.length === buffer.length / bytesPerClip) {
      await writer.writeShard(batchesOf(schema, buffer, records, writer.summary.recordBatchSize, bytesPerClip));
      written += records.length;
      options.onProgress?.(alreadyWritten + written, n);
      records = [];
      const remaining = n - position - 1;
      if (remaining > 0 && remaining < shardSize) buffer = new Uint8Array(remaining * bytesPerClip);
    }
  }
  await writer.endRun();
  return { summary: writer.summary, written, resumed };
}

/** The store, and this call's run in it: a new one, or the one a killed call left unfinished. */
async function openRun(options: CropClipsOptions, shape: ClipShape, fingerprint: string) {
  const writer = await ClipStoreWriter.open({
    storeDir: options.storeDir,
    shape,
    settings: options.settings,
    shardSize: options.shardSize ?? 10000,
    recordBatchSize: options.recordBatchSize ?? 64,
    overwrite: options.overwrite ?? false,
  });
  const begun = await writer.beginRun({
    seed: options.seed,
    clipCount: options.clipCount,
    framesDir: path.relative(options.storeDir, options.framesDir).split(path.sep).join('/') || '.',
    framesFingerprint: fingerprint,
  });
  return { writer, ...begun };
}

function batchesOf(schema: ReturnType<typeof clipSchema>, buffer: Uint8Array, records: ClipProvenance[], size: number, bytesPerClip: number) {
  const batches = [];
  for (let first = 0; first < records.length; first += size) {
    const last = Math.min(records.length, first + size);
    batches.push(clipRecordBatch(schema, buffer.subarray(first * bytesPerClip, last * bytesPerClip), records.slice(first, last)));
  }
  return batches;
}

/** Videos long and large enough for a clip; warnings for the short ones, errors for the rest. */
async function usableVideos(framesDir: string, settings: CropSettings, warn?: (message: string) => void): Promise<VideoFrames[]> {
  const all = await listFrameFolders(framesDir);
  const needed = clipFrames(settings);
  const usable: VideoFrames[] = [];
  for (const video of all) {
    if (video.files.length < needed) {
      warn?.(`warning: ${video.dir}: skipped, ${video.files.length} frames is shorter than one clip (${needed} frames)`);
      continue;
    }
    if (video.width < settings.cropSizePx || video.height < settings.cropSizePx) {
      throw new FramesFolderError(
        `frames are ${video.width}x${video.height}, smaller than the ${settings.cropSizePx}x${settings.cropSizePx} crop`,
        { file: video.dir },
      );
    }
    usable.push(video);
  }
  if (usable.length === 0) throw new FramesFolderError(`no video has enough frames for a clip (${needed} frames)`, { file: framesDir });
  return usable;
}

/** Names, frame names and frame sizes: what the plan depends on. */
function framesFingerprint(videos: readonly VideoFrames[]): string {
  const hash = createHash('sha256');
  for (const v of videos) hash.update(JSON.stringify([v.name, v.width, v.height, v.files.map((f) => path.basename(f))]));
  return hash.digest('hex');
}

/**
 * Decoded frames of the current video. Clips arrive ordered by (video, start), so frames are
 * decoded ahead in parallel batches and dropped once no later clip needs them: each frame is
 * decoded once per run, and memory holds a few dozen frames.
 */
class FrameLoader {
  private videoIndex = -1;
  private readonly decoded = new Map<number, Promise<Uint8Array>>();

  constructor(
    private readonly videos: readonly VideoFrames[],
    private readonly concurrency: number,
  ) {}

  async window(
    videoIndex: number,
    start: number,
    length: number,
    order: Uint32Array,
    planVideo: Int32Array,
    planStart: Int32Array,
    position: number,
  ): Promise<Uint8Array[]> {
    if (videoIndex !== this.videoIndex) {
      this.decoded.clear();
      this.videoIndex = videoIndex;
    }
    for (const frame of this.decoded.keys()) if (frame < start) this.decoded.delete(frame);
    // Queue this window's frames and those of the next clips of the same video, up to `concurrency`.
    for (let p = position; p < order.length && this.decoded.size < this.concurrency + length; p++) {
      const k = order[p];
      if (planVideo[k] !== videoIndex) break;
      for (let f = planStart[k]; f < planStart[k] + length; f++) this.queue(f);
    }
    const frames: Uint8Array[] = [];
    for (let f = start; f < start + length; f++) frames.push(await this.queue(f));
    return frames;
  }

  private queue(frame: number): Promise<Uint8Array> {
    let pending = this.decoded.get(frame);
    if (!pending) {
      pending = this.decode(frame);
      // A prefetched frame may be dropped unawaited; its error surfaces when a clip awaits it.
      pending.catch(() => undefined);
      this.decoded.set(frame, pending);
    }
    return pending;
  }

  private async decode(frame: number): Promise<Uint8Array> {
    const video = this.videos[this.videoIndex];
    const file = video.files[frame];
    const image = await readImageRgb(file);
    if (image.width !== video.width || image.height !== video.height) {
      throw new FrameSizeMismatchError(
        `frame is ${image.width}x${image.height}, but ${path.basename(video.files[0])} of the same video is ${video.width}x${video.height}`,
        { file },
      );
    }
    return image.data;
  }
}
