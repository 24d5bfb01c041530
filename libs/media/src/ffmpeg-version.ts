import { execFileSync } from 'node:child_process';

/** The first line of `ffmpeg -version` (e.g. `ffmpeg version N-47683-g0e8eb07980-static`). */
export function ffmpegVersion(binary: string): string {
  const out = execFileSync(binary, ['-hide_banner', '-version'], { encoding: 'utf8' });
  return out.split('\n')[0].replace(/\s+Copyright.*$/, '').trim();
}
