import * as path from 'node:path';
import { createProgress, numberOption, type Command, type ParsedCommand } from '@nextframe/cli-kit';
import { cropClips, DEFAULT_CROP_SETTINGS, type CropSettings } from '@nextframe/data';
import { UsageError } from '@nextframe/errors';
import { datasetLayout, findWorkspaceRoot, loadManifest, type CropStageParams } from '@nextframe/manifest';

/** Everything a crop run uses, after flags override the manifest, which overrides the defaults. */
export interface CropConfig {
  framesDir: string;
  storeDir: string;
  clipCount: number;
  seed: number;
  settings: CropSettings;
  shardSize: number;
  overwrite: boolean;
}

export const cropCommand: Command = {
  name: 'crop',
  summary: 'Cut random, movement-filtered clips from frame folders into an Arrow clip store.',
  usage: 'nextframe crop --frames DIR --out CLIPS -n N [options]\n       nextframe crop --manifest NAME [options]',
  details: `
A clip is history + 1 consecutive frames of one video, cropped to the same window in each
frame. For each clip: a random video, a random start, then random windows until one's movement
(sum of squared differences of consecutive frames, pixels in [-1, 1]) exceeds the threshold,
at most --max-tries; with probability 0.05 the first window is taken unfiltered. Every choice
comes from --seed: the same frames, options and seed give the same bytes.

Clips go to CLIPS/clips-000000.arrow, … (Arrow IPC files of --shard-size clips) and
CLIPS/clips.json. Running again adds -n more clips (as the seed's process_data does) and
leaves earlier shards untouched; a run that was killed is finished by running it again with
the same options. --overwrite starts a new store.

With --manifest, frames come from data/NAME/frames/train, clips go to data/NAME/clips and
options come from the manifest's stages.crop; flags given here override them.`,
  options: {
    frames: { type: 'string', short: 't', aliases: ['train_dir', 'train-dir'], valueName: 'DIR', description: 'folder of video folders of frames' },
    out: { type: 'string', short: 'c', aliases: ['clips_dir', 'clips-dir'], valueName: 'CLIPS', description: 'clip store folder' },
    'num-clips': { type: 'string', short: 'n', aliases: ['num_clips'], valueName: 'N', description: 'clips to add (the seed defaulted to 5000000: 77 GB of 32x32 clips)' },
    manifest: { type: 'string', short: 'm', valueName: 'NAME', description: 'take frames, store and options from data-manifests/NAME.json' },
    seed: { type: 'string', valueName: 'S', description: 'seed of every random choice', defaultText: '0' },
    'crop-size': { type: 'string', valueName: 'PX', description: 'side of the square crop window', defaultText: '32' },
    history: { type: 'string', valueName: 'N', description: 'input frames per clip (clips hold N + 1 frames)', defaultText: '4' },
    'movement-threshold': { type: 'string', valueName: 'X', description: 'minimum movement score of a kept window', defaultText: '100' },
    'max-tries': { type: 'string', valueName: 'N', description: 'windows tried per clip', defaultText: '100' },
    'unfiltered-probability': { type: 'string', valueName: 'P', description: 'chance of taking the first window unfiltered', defaultText: '0.05' },
    'shard-size': { type: 'string', valueName: 'N', description: 'clips per Arrow file', defaultText: '10000' },
    overwrite: { type: 'boolean', short: 'o', description: 'remove the existing store first' },
    'print-config': { type: 'boolean', description: 'print the resolved configuration as JSON and exit' },
  },
  examples: [
    'nextframe crop --frames data/mine/frames/train --out data/mine/clips -n 500000 --seed 1',
    'nextframe crop -t Data/Train -c Data/.Clips -n 5000000      # the seed spelling',
    'nextframe crop --manifest demo --crop-size 16 --print-config',
  ],
  run: runCrop,
};

async function runCrop(parsed: ParsedCommand): Promise<number> {
  const config = await resolveCropConfig(parsed);
  if (parsed.values['print-config'] === true) {
    process.stdout.write(`${JSON.stringify(config, null, 2)}\n`);
    return 0;
  }
  const progress = createProgress({ label: 'crop', total: config.clipCount, unit: 'clips' });
  const started = Date.now();
  let result;
  try {
    result = await cropClips({
      ...config,
      onProgress: (done) => progress.update(done),
      onWarning: (message) => progress.log(message),
    });
  } finally {
    progress.stop();
  }
  const seconds = (Date.now() - started) / 1000;
  const { summary } = result;
  const [t, h, w] = summary.clipShape;
  const rate = result.written > 0 ? `, ${Math.round(result.written / Math.max(seconds, 1e-3))} clips/s` : '';
  const shown = path.relative(process.cwd(), config.storeDir) || '.';
  process.stdout.write(
    `crop: ${result.written} clips written${result.resumed ? ' (finishing an interrupted run)' : ''} → ${shown}: ` +
      `${summary.count} clips of ${w}x${h}x${t} in ${summary.shards.length} shards${rate}\n`,
  );
  return 0;
}

/** Flags override the manifest, which overrides the defaults (the port's constants). */
export async function resolveCropConfig(parsed: ParsedCommand): Promise<CropConfig> {
  const v = parsed.values as Record<string, string | boolean | undefined>;
  const str = (name: string) => (typeof v[name] === 'string' ? (v[name] as string) : undefined);
  let params: CropStageParams = {};
  let framesDir = str('frames');
  let storeDir = str('out');
  if (str('manifest')) {
    const loaded = await loadManifest(str('manifest') as string, findWorkspaceRoot());
    const layout = datasetLayout(loaded);
    params = loaded.manifest.stages.crop;
    framesDir ??= path.join(layout.framesDir, 'train');
    storeDir ??= layout.clipsDir;
  }
  if (!framesDir) throw new UsageError('--frames DIR is required (or --manifest NAME)');
  if (!storeDir) throw new UsageError('--out CLIPS is required (or --manifest NAME)');
  const clipCount = numberOption('num-clips', str('num-clips'), { integer: true, min: 1 }) ?? params.clips;
  if (clipCount === undefined) throw new UsageError('-n/--num_clips N is required: how many clips to add');
  const d = DEFAULT_CROP_SETTINGS;
  const settings: CropSettings = {
    cropSizePx: numberOption('crop-size', str('crop-size'), { integer: true, min: 4 }) ?? params.cropSize ?? d.cropSizePx,
    historyLength: numberOption('history', str('history'), { integer: true, min: 1 }) ?? params.history ?? d.historyLength,
    movementThreshold: numberOption('movement-threshold', str('movement-threshold'), { min: 0 }) ?? params.movementThreshold ?? d.movementThreshold,
    maxTries: numberOption('max-tries', str('max-tries'), { integer: true, min: 1 }) ?? params.maxTries ?? d.maxTries,
    unfilteredProbability:
      numberOption('unfiltered-probability', str('unfiltered-probability'), { min: 0, max: 1 }) ?? params.unfilteredProbability ?? d.unfilteredProbability,
  };
  return {
    framesDir: path.resolve(framesDir),
    storeDir: path.resolve(storeDir),
    clipCount,
    seed: numberOption('seed', str('seed'), { integer: true }) ?? params.seed ?? 0,
    settings,
    shardSize: numberOption('shard-size', str('shard-size'), { integer: true, min: 1 }) ?? params.shardSize ?? 10000,
    overwrite: v.overwrite === true,
  };
}
