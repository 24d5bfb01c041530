import { promises as fs, readdirSync, statSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { VIDEO_EXTENSIONS } from '@nextframe/manifest';
import { ffmpegVersion, resolveFfmpeg } from '@nextframe/media';

/**
 * What a pipeline stage's Nx cache key needs beyond its code and its input stage's outputs: the
 * parts of every manifest the stage reads (so a crop parameter change does not rerun extract),
 * the user's video files outside the workspace (path, size, modification time), and the ffmpeg
 * version.
 */
export type Stage = 'generate' | 'extract' | 'crop' | 'train' | 'evaluate';

interface RawManifest {
  name?: unknown;
  sources?: { kind?: string; paths?: string[] }[];
  split?: unknown;
  stages?: Record<string, unknown>;
}

export async function stageFingerprint(stage: Stage, workspaceRoot: string): Promise<Record<string, unknown>> {
  const dir = path.join(workspaceRoot, 'data-manifests');
  const files = (await fs.readdir(dir)).filter((f) => f.endsWith('.json') && !f.endsWith('.schema.json')).sort();
  const manifests: Record<string, unknown> = {};
  for (const file of files) {
    const text = await fs.readFile(path.join(dir, file), 'utf8');
    let raw: RawManifest;
    try {
      raw = JSON.parse(text) as RawManifest;
    } catch {
      manifests[file] = { unparsable: text }; // the stage itself reports the error
      continue;
    }
    const sources = raw.sources ?? [];
    manifests[file] =
      stage === 'generate'
        ? { name: raw.name, generators: sources.filter((s) => s.kind === 'generator') }
        : stage === 'crop' || stage === 'train' || stage === 'evaluate'
          ? { name: raw.name, [stage]: raw.stages?.[stage] ?? null }
          : {
            name: raw.name,
            sources,
            split: raw.split ?? null,
            extract: raw.stages?.extract ?? null,
            userVideos: sources.filter((s) => s.kind === 'videos').flatMap((s) => (s.paths ?? []).map((p) => describePath(p, workspaceRoot))),
          };
  }
  return { stage, ffmpeg: currentFfmpeg(), manifests };
}

function currentFfmpeg(): string {
  try {
    return ffmpegVersion(resolveFfmpeg().path);
  } catch (error) {
    return `unavailable: ${(error as Error).message}`;
  }
}

/** A file as (path, size, mtime); a folder as its video files. Cheap: no content hashing. */
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
