import { execFileSync } from 'node:child_process';

/** ffmpeg's version, from the first line of `ffmpeg -version` (e.g. `N-47683-g0e8eb07980-static`). */
export function ffmpegVersion(binary: string): string {
  const out = execFileSync(binary, ['-hide_banner', '-version'], { encoding: 'utf8' });
  const match = /^ffmpeg version (\S+)/.exec(out);
  return match ? match[1] : out.split('\n')[0].trim();
}
