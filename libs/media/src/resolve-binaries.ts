import { accessSync, constants, statSync } from 'node:fs';
import * as path from 'node:path';
import { BinaryNotFoundError } from './media-errors';

export type BinarySource = 'env' | 'ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe' | 'PATH';

export interface ResolvedBinary {
  /** Absolute path of the executable. */
  path: string;
  /** Where it was found, for `--verbose` and bug reports. */
  source: BinarySource;
}

export interface BinarySearch {
  /** Environment to read `FFMPEG_PATH`/`FFPROBE_PATH` and `PATH` from (default: `process.env`). */
  env?: NodeJS.ProcessEnv;
  /** Folder npm packages are resolved from (default: this workspace). */
  resolveFrom?: string;
}

/**
 * ffmpeg, searched in order: `$FFMPEG_PATH`; `ffmpeg-static` if its binary file really exists
 * (its install script downloads it, which fails without internet, and the package returns its
 * path without checking); `@ffmpeg-installer/ffmpeg` (a static build shipped inside npm);
 * `ffmpeg` on `PATH`.
 */
export function resolveFfmpeg(search: BinarySearch = {}): ResolvedBinary {
  return resolveBinary('ffmpeg', 'FFMPEG_PATH', ['ffmpeg-static', '@ffmpeg-installer/ffmpeg'], search);
}

/** ffprobe: `$FFPROBE_PATH`, `@ffprobe-installer/ffprobe`, `ffprobe` on `PATH`. */
export function resolveFfprobe(search: BinarySearch = {}): ResolvedBinary {
  return resolveBinary('ffprobe', 'FFPROBE_PATH', ['@ffprobe-installer/ffprobe'], search);
}

function resolveBinary(
  tool: string,
  envName: string,
  packages: readonly ('ffmpeg-static' | '@ffmpeg-installer/ffmpeg' | '@ffprobe-installer/ffprobe')[],
  search: BinarySearch,
): ResolvedBinary {
  const env = search.env ?? process.env;
  const fromEnv = env[envName];
  if (fromEnv) {
    if (!isExecutableFile(fromEnv)) {
      throw new BinaryNotFoundError(`${envName} is set but is not an executable file`, { file: fromEnv });
    }
    return { path: path.resolve(fromEnv), source: 'env' };
  }
  const tried: string[] = [];
  for (const name of packages) {
    const found = packageBinary(name, search.resolveFrom ?? __dirname);
    if (found && isExecutableFile(found)) return { path: found, source: name };
    tried.push(found ? `${name} (${found} missing)` : `${name} (not installed)`);
  }
  for (const dir of (env.PATH ?? '').split(path.delimiter).filter(Boolean)) {
    const candidate = path.join(dir, tool);
    if (isExecutableFile(candidate)) return { path: candidate, source: 'PATH' };
  }
  tried.push('PATH');
  throw new BinaryNotFoundError(
    `cannot find ${tool}: tried ${tried.join(', ')}; set ${envName} or install ffmpeg (e.g. apt-get install ffmpeg)`,
  );
}

/** The binary path a package reports, or undefined when it is not installed or throws. */
function packageBinary(name: string, resolveFrom: string): string | undefined {
  let entry: string;
  try {
    entry = require.resolve(name, { paths: [resolveFrom] });
  } catch {
    return undefined;
  }
  try {
    // ffmpeg-static exports a string; the installers export { path }. Both may throw (the
    // installers throw a plain string) when their platform package is absent.
    const loaded: unknown = require(entry);
    if (typeof loaded === 'string') return loaded;
    if (loaded && typeof (loaded as { path?: unknown }).path === 'string') return (loaded as { path: string }).path;
  } catch {
    return undefined;
  }
  return undefined;
}

function isExecutableFile(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}
