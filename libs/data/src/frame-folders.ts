import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import sharp from 'sharp';
import { isImageFile } from '@nextframe/media';
import { FramesFolderError } from './data-errors';
import { naturalCompare } from './natural-compare';

/** One video's frames: a folder of images, in natural order (`frame2` before `frame10`). */
export interface VideoFrames {
  /** The folder's name. */
  name: string;
  dir: string;
  /** Absolute paths of its frames, naturally sorted. */
  files: string[];
  /** Size of its first frame; every frame must match it. */
  width: number;
  height: number;
}

/**
 * The video folders of a frames folder (`DIR/<video>/<frame images>`), naturally sorted, with
 * each video's frame size read from its first frame's header. Hidden folders (staging folders of
 * `extract`) are ignored.
 */
export async function listFrameFolders(framesDir: string): Promise<VideoFrames[]> {
  let entries;
  try {
    entries = await fs.readdir(framesDir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new FramesFolderError(code === 'ENOENT' ? 'no such folder' : code === 'ENOTDIR' ? 'is not a folder' : `cannot read (${code})`, {
      file: framesDir,
    });
  }
  const folders = entries.filter((e) => e.isDirectory() && !e.name.startsWith('.')).map((e) => e.name).sort(naturalCompare);
  const videos: VideoFrames[] = [];
  for (const name of folders) {
    const dir = path.join(framesDir, name);
    const files = (await fs.readdir(dir)).filter((f) => isImageFile(f) && !f.startsWith('.')).sort(naturalCompare);
    if (files.length === 0) continue;
    const first = path.join(dir, files[0]);
    let meta;
    try {
      meta = await sharp(first).metadata();
    } catch (error) {
      throw new FramesFolderError(`not a readable image (${(error as Error).message})`, { file: first });
    }
    // Frames are used as stored (no EXIF rotation), as readImageRgb decodes them.
    videos.push({ name, dir, files: files.map((f) => path.join(dir, f)), width: meta.width ?? 0, height: meta.height ?? 0 });
  }
  if (videos.length === 0) {
    const images = entries.filter((e) => e.isFile() && isImageFile(e.name));
    const hint = images.length
      ? ' (it holds frame images directly: pass the folder above it, which holds one folder per video)'
      : ' (expected one folder of frame images per video, as `nextframe extract` writes)';
    throw new FramesFolderError(`no video folders with frames${hint}`, { file: framesDir });
  }
  return videos;
}
