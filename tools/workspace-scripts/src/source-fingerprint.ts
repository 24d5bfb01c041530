import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VIDEO_EXTENSIONS } from '@nextframe/manifest';
import { ffmpegVersion, resolveFfmpeg } from '@nextframe/media';

/**
 * What a dataset's `generate` and `extract` cache keys need beyond code and manifest fields, for
 * Nx `runtime` inputs: the ffmpeg version (it decodes and encodes every frame), and the user's
 * own video files, which usually live outside the workspace where no Nx file input reaches.
 */
export function currentFfmpeg(): string {
  try {
    return ffmpegVersion(resolveFfmpeg().path);
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  }
}

/**
 * The video files `data-manifests/<name>.json` names, each as (path, size, modification time):
 * cheap, no content hashing, so touching a file reruns extract. A manifest that does not parse
 * gives its text (the stage reports the error).
 */
export async function videoFilesFingerprint(name: string, workspaceRoot: string): Promise<unknown> {
  const text = await fs.readFile(path.join(workspaceRoot, 'data-manifests', `${name}.json`), 'utf8').catch(() => null);
  if (text === null) return { missing: name };
  let raw: { sources?: { kind?: string; paths?: string[] }[] };
  try {
    raw = JSON.parse(text);
  } catch {
    return { unparsable: text };
  }
  const sources = Array.isArray(raw.sources) ? raw.sources : [];
  return sources.filter((s) => s?.kind === 'videos').flatMap((s) => (Array.isArray(s.paths) ? s.paths : []).map((p) => describePath(String(p), workspaceRoot)));
}

/** A file as (path, size, mtime); a folder as its video files. */
function describePath(entry: string, workspaceRoot: string): unknown {
  const resolved = path.resolve(workspaceRoot, entry.replace(/^~(?=$|\/)/, os.homedir()));
  try {
    const stat = statSync(resolved);
    if (!stat.isDirectory()) return [resolved, stat.size, stat.mtimeMs];
    return readdirSync(resolved)
      .filter((f) => VIDEO_EXTENSIONS.includes(path.extname(f).toLowerCase()))
      .sort()
      .map((f) => describePath(path.join(resolved, f), workspaceRoot));
  } catch {
    return [resolved, 'missing'];
  }
}
