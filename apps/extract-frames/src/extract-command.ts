import * as path from 'node:path';
import { createProgress, numberOption, sizeOption, timeOption, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { NextframeError, UsageError } from '@nextframe/errors';
import { ffmpegVersion, resolveFfmpeg, resolveFfprobe } from '@nextframe/media';
import {
  assignSplit,
  datasetLayout,
  findWorkspaceRoot,
  listManifestVideos,
  loadManifest,
  videoName,
  type ExtractStageParams,
} from '@nextframe/manifest';
import { validateExtractOptions, type ExtractOptions } from './extract-options';
import { extractVideos, type ExtractItem } from './extract-videos';

export const extractCommand: Command = {
  name: 'extract',
  summary: 'Extract the frames of videos: one folder of PNG frames per video.',
  usage: 'nextframe extract <video...> --out DIR [options]\n       nextframe extract --manifest NAME [options]',
  positionals: '<video...>',
  details: `
Each video becomes DIR/<file base name>/ (or DIR/train/<name>/ and DIR/test/<name>/ with
--test-fraction), written to a temp folder and renamed when complete. DIR/index.json records
each video's source, size, SHA-256, options, frame count, size and fps; a re-run skips videos
whose bytes and options are unchanged. Rotation metadata is applied.

With --manifest, videos, split and options come from data-manifests/NAME.json and frames go to
data/NAME/frames; flags given here override the manifest's stages.extract.`,
  options: {
    out: { type: 'string', short: 'o', valueName: 'DIR', description: 'output folder (default with --manifest: data/NAME/frames)' },
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'take videos, split and options from data-manifests/NAME.json' },
    fps: { type: 'string', valueName: 'N', description: 'resample to N frames per second', defaultText: 'every frame' },
    size: { type: 'string', valueName: 'WxH', description: 'scale frames to exactly W×H pixels' },
    'max-side': { type: 'string', valueName: 'N', description: 'scale down so the longer side is at most N pixels' },
    start: { type: 'string', valueName: 'TIME', description: 'start at TIME (seconds or [HH:]MM:SS)' },
    duration: { type: 'string', valueName: 'TIME', description: 'keep at most TIME (seconds or [HH:]MM:SS)' },
    'drop-duplicates': { type: 'boolean', description: 'drop frames that repeat the previous one (a video captured at a lower rate than stored)' },
    'test-fraction': { type: 'string', valueName: 'F', description: 'hold out a seeded share F of the videos in DIR/test, the rest in DIR/train' },
    seed: { type: 'string', valueName: 'N', description: 'seed of the --test-fraction split', defaultText: '0' },
    overwrite: { type: 'boolean', description: 're-extract videos that are already done' },
    'keep-going': { type: 'boolean', description: 'when a video fails, report it and extract the others (exit code stays non-zero)' },
    'ignore-decode-errors': { type: 'boolean', description: 'keep the decodable frames of damaged videos instead of failing' },
  },
  examples: [
    'nextframe extract ~/videos/*.mp4 --out data/mine/frames --test-fraction 0.2 --max-side 256',
    'nextframe extract clip.mov --out frames --fps 10 --start 1:30 --duration 20',
    'nextframe extract --manifest demo',
  ],
  run: runExtract,
};

async function runExtract(parsed: ParsedCommand): Promise<number> {
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const flags = optionsFromFlags(v);
  const tools = resolveTools(parsed.verbose);
  const { items, outDir, options, prune } = typeof v.manifest === 'string' ? await manifestJob(parsed, v.manifest, flags) : flagsJob(parsed, flags);
  const progress = createProgress({ label: 'extract', total: items.length, unit: 'videos', fields: ['frames'] });
  let summary;
  try {
    summary = await extractVideos({
      items,
      outDir,
      options,
      tools,
      prune,
      overwrite: v.overwrite === true,
      keepGoing: v['keep-going'] === true,
      ignoreDecodeErrors: v['ignore-decode-errors'] === true,
      progress,
    });
  } finally {
    progress.stop();
  }
  const relative = path.relative(process.cwd(), outDir);
  const shownOut = relative === '' ? '.' : relative.startsWith('..') ? outDir : relative;
  const parts = [`${summary.extracted.length} extracted`, `${summary.skipped.length} already done`];
  if (summary.pruned.length) parts.push(`${summary.pruned.length} removed (no longer in the manifest)`);
  if (summary.failed.length) parts.push(`${summary.failed.length} failed`);
  process.stdout.write(`extract: ${items.length} videos → ${shownOut} (${parts.join(', ')}), ${summary.frames} frames\n`);
  if (summary.failed.length) {
    process.stderr.write(`error: ${summary.failed.length} of ${items.length} videos failed: ${summary.failed.map((f) => f.video).join(', ')}\n`);
    return 1;
  }
  return 0;
}

/** What to extract, where, how, and whether videos gone from the source are removed. */
interface ExtractJob {
  items: ExtractItem[];
  outDir: string;
  options: ExtractOptions;
  prune: boolean;
}

/** --manifest NAME: its videos, split and stages.extract, flags overriding; videos no longer in it are pruned. */
async function manifestJob(parsed: ParsedCommand, manifest: string, flagOptions: FlagOptions): Promise<ExtractJob> {
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const { testFraction, seed, ...flags } = flagOptions;
  if (parsed.positionals.length) throw new UsageError('give videos or --manifest, not both');
  const loaded = await loadManifest(manifest, findWorkspaceRoot());
  const base = fromManifest(loaded.manifest.stages.extract);
  // A size flag replaces the manifest's size rule of either kind.
  if (flags.size || flags.maxSide !== undefined) {
    delete base.size;
    delete base.maxSide;
  }
  const options = validateExtractOptions({ ...base, ...flags });
  const outDir = typeof v.out === 'string' ? path.resolve(v.out) : datasetLayout(loaded).framesDir;
  const videos = await listManifestVideos(loaded);
  const splitSpec = testFraction !== undefined ? { testFraction, seed: seed ?? 0 } : loaded.manifest.split;
  const split = assignSplit(videos.map((video) => video.name), splitSpec);
  const items = videos.map((video) => ({ video: video.file, key: `${split.get(video.name)}/${video.name}` }));
  return { items, outDir, options, prune: true };
}

/** Videos named on the command line, into --out, split by --test-fraction if given. */
function flagsJob(parsed: ParsedCommand, flagOptions: FlagOptions): ExtractJob {
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const { testFraction, seed, ...flags } = flagOptions;
  if (parsed.positionals.length === 0) throw new UsageError('no videos given (see nextframe extract --help)');
  if (typeof v.out !== 'string') throw new UsageError('--out DIR is required');
  const outDir = path.resolve(v.out);
  const options = validateExtractOptions(flags);
  const names = parsed.positionals.map(videoName);
  const split = testFraction !== undefined ? assignSplit(names, { testFraction, seed: seed ?? 0 }) : undefined;
  const items = parsed.positionals.map((video, i) => ({ video, key: split ? `${split.get(names[i])}/${names[i]}` : names[i] }));
  return { items, outDir, options, prune: false };
}

type FlagOptions = ExtractOptions & { testFraction?: number; seed?: number };

function optionsFromFlags(v: Record<string, string | boolean | undefined>): FlagOptions {
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  const out: FlagOptions = {
    fps: numberOption('fps', str('fps'), { min: 0, exclusiveMin: true }),
    size: sizeOption('size', str('size')),
    maxSide: numberOption('max-side', str('max-side'), { min: 1, integer: true }),
    startS: timeOption('start', str('start')),
    durationS: timeOption('duration', str('duration')),
    dropDuplicates: v['drop-duplicates'] === true ? true : undefined,
    testFraction: numberOption('test-fraction', str('test-fraction'), { min: 0, max: 0.9 }),
    seed: numberOption('seed', str('seed'), { integer: true }),
  };
  if (out.durationS === 0) throw new UsageError('--duration must be greater than 0');
  return Object.fromEntries(Object.entries(out).filter(([, value]) => value !== undefined)) as FlagOptions;
}

function fromManifest(params: ExtractStageParams): ExtractOptions {
  const [width, height] = params.size ? params.size.split('x').map(Number) : [];
  const out: ExtractOptions = {
    fps: params.fps,
    size: params.size ? { width, height } : undefined,
    maxSide: params.maxSide,
    startS: params.startS,
    durationS: params.durationS,
    dropDuplicates: params.dropDuplicates,
  };
  return Object.fromEntries(Object.entries(out).filter(([, value]) => value !== undefined)) as ExtractOptions;
}

function resolveTools(verbose: boolean) {
  const ffmpeg = resolveFfmpeg();
  const ffprobe = resolveFfprobe();
  let version: string;
  try {
    version = ffmpegVersion(ffmpeg.path);
  } catch (error) {
    throw new NextframeError(`ffmpeg does not run (${(error as Error).message})`, { file: ffmpeg.path });
  }
  if (verbose) process.stderr.write(`ffmpeg: ${ffmpeg.path} (${ffmpeg.source}), ${version}\nffprobe: ${ffprobe.path} (${ffprobe.source})\n`);
  return { ffmpeg: ffmpeg.path, ffprobe: ffprobe.path, ffmpegVersion: version };
}
