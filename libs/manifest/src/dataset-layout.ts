import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { GeneratorSource } from './manifest-schema';
import { ManifestError, type LoadedManifest } from './load-manifest';

/** Where a dataset's stage outputs live, under its `dataDir`. */
export interface DatasetLayout {
  /** Videos made by built-in generators: `<dataDir>/videos/<source id>/<source id>-NNN.mp4`. */
  generatedVideosDir: string;
  /** `extract` output: `<dataDir>/frames`, with `train/` and `test/` folders of video folders. */
  framesDir: string;
  /** `crop` output: the Arrow clip store, cut from `frames/train`. */
  clipsDir: string;
}

export function datasetLayout(loaded: LoadedManifest): DatasetLayout {
  return {
    generatedVideosDir: path.join(loaded.dataDir, 'videos'),
    framesDir: path.join(loaded.dataDir, 'frames'),
    clipsDir: path.join(loaded.dataDir, 'clips'),
  };
}

export interface SourceVideo {
  /** The video's name: its file's base name, which names its frame folder. */
  name: string;
  /** Absolute path of the video file. */
  file: string;
}

/** The files a generator source writes (or has written). */
export function generatedVideos(source: GeneratorSource, generatedVideosDir: string): SourceVideo[] {
  return Array.from({ length: source.count }, (_, i) => {
    const name = `${source.id}-${String(i + 1).padStart(3, '0')}`;
    return { name, file: path.join(generatedVideosDir, source.id, `${name}.mp4`) };
  });
}

export const VIDEO_EXTENSIONS = ['.mp4', '.m4v', '.mov', '.mkv', '.webm', '.avi', '.mpg', '.mpeg', '.ts', '.flv', '.wmv', '.gif'];

/** Every video of a manifest: generated ones (which must exist) and the user's files, sorted by name. */
export async function listManifestVideos(loaded: LoadedManifest): Promise<SourceVideo[]> {
  const layout = datasetLayout(loaded);
  const videos: SourceVideo[] = [];
  for (const source of loaded.manifest.sources) {
    if (source.kind === 'generator') {
      videos.push(...generatedVideos(source, layout.generatedVideosDir));
      continue;
    }
    for (const entry of source.paths) {
      const resolved = path.resolve(loaded.workspaceRoot, entry.replace(/^~(?=$|\/)/, os.homedir()));
      videos.push(...(await expandVideoPath(resolved, loaded.file)));
    }
  }
  return videos.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

async function expandVideoPath(resolved: string, manifestFile: string): Promise<SourceVideo[]> {
  let stat;
  try {
    stat = await fs.stat(resolved);
  } catch {
    throw new ManifestError(`sources: no such video file or folder: ${resolved}`, { file: manifestFile });
  }
  if (!stat.isDirectory()) return [{ name: videoName(resolved), file: resolved }];
  const entries = (await fs.readdir(resolved)).sort();
  const files = entries.filter((e) => VIDEO_EXTENSIONS.includes(path.extname(e).toLowerCase()));
  if (files.length === 0) {
    throw new ManifestError(`sources: folder has no video files (${VIDEO_EXTENSIONS.join(' ')}): ${resolved}`, { file: manifestFile });
  }
  return files.map((e) => ({ name: videoName(e), file: path.join(resolved, e) }));
}

/** `~/v/My Clip.final.mp4` → `My Clip.final` */
export function videoName(file: string): string {
  return path.basename(file, path.extname(file));
}
