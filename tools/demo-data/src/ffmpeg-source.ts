import type { GeneratorSource } from '@nextframe/manifest';

type FfmpegSource = Extract<GeneratorSource, { generator: 'ffmpeg-source' }>;

/**
 * ffmpeg input arguments for video `index` of an `ffmpeg-source` generator: a lavfi source,
 * seeded where the source takes a seed (life, cellauto), started at a seeded offset (testsrc2).
 */
export function ffmpegSourceInput(source: FfmpegSource, index: number): string[] {
  const size = `${source.width}x${source.height}`;
  const seed = (source.seed * 7919 + index * 104729) % 2147483647;
  const common = `size=${size}:rate=${source.fps}`;
  switch (source.source) {
    case 'life':
      return ['-f', 'lavfi', '-i', `life=${common}:seed=${seed}:ratio=0.35:mold=8:life_color=#f0f0f0:death_color=#101018:mold_color=#5070b0`];
    case 'cellauto':
      return ['-f', 'lavfi', '-i', `cellauto=${common}:seed=${seed}:rule=110:random_fill_ratio=0.5:scroll=1`];
    case 'testsrc2':
      // A deterministic pattern: different videos start at different moments of it.
      return ['-ss', String((seed % 600) / 10), '-f', 'lavfi', '-i', `testsrc2=${common}`];
  }
}
