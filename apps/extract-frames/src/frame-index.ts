import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import { NextframeError } from '@nextframe/errors';
import { writeJsonAtomic } from '@nextframe/files';

export const INDEX_FILE = 'index.json';

/** What `index.json` records for one extracted video. */
export interface FrameIndexEntry {
  /** The video file, relative to the folder holding `index.json` (portable when the tree moves). */
  source: string;
  sizeBytes: number;
  sha256: string;
  /** `canonicalOptions(...)` of the run that wrote the frames. */
  options: Record<string, number | string | boolean | null>;
  frameCount: number;
  /** Size of the written frames. */
  width: number;
  height: number;
  /** Frame rate of the written frames. */
  fps: number;
  /** What ffprobe said about the source. */
  sourceInfo: { codec: string; width: number; height: number; rotation: number; fps: number; durationS: number };
  /** First line of `ffmpeg -version`. */
  ffmpeg: string;
}

/** `index.json`: one entry per video folder, keyed by the folder's path relative to the index. */
export interface FrameIndex {
  version: 1;
  videos: Record<string, FrameIndexEntry>;
}

export async function readFrameIndex(dir: string): Promise<FrameIndex> {
  const file = path.join(dir, INDEX_FILE);
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch {
    return { version: 1, videos: {} };
  }
  try {
    const parsed = JSON.parse(text) as FrameIndex;
    if (parsed.version !== 1 || typeof parsed.videos !== 'object') throw new Error('unknown layout');
    return parsed;
  } catch (error) {
    throw new NextframeError(`not a nextframe frame index (${(error as Error).message}); remove it or use another --out`, { file });
  }
}

/** Written atomically after each video, so a killed run keeps what it finished. */
export async function writeFrameIndex(dir: string, index: FrameIndex): Promise<void> {
  const sorted = Object.fromEntries(Object.entries(index.videos).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  await writeJsonAtomic(path.join(dir, INDEX_FILE), { version: 1, videos: sorted });
}
