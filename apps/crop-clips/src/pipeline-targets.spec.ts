/**
 * The Nx pipeline targets (`demo-data:generate` → `extract-frames:extract` → `crop-clips:crop` →
 * `train:train` → `evaluate:evaluate`), run for real with Nx in a copy of this workspace: cached on a second run,
 * restored when outputs are deleted; a crop parameter change reruns crop and train only, an
 * extract parameter change reruns extract, crop and train.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../..');
const TARGETS = ['demo-data:generate', 'extract-frames:extract', 'crop-clips:crop', 'train:train', 'evaluate:evaluate'];
const COPIED = ['nx.json', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json', 'jest.preset.js', 'eslint.config.js', '.gitignore', 'apps', 'libs', 'tools'];

const CROP = { clips: 300, seed: 1, cropSize: 32, shardSize: 100 };
/** Two small-preset steps, batch 2, one test: seconds. */
const TRAIN = { preset: 'small', adversarial: 'f', steps: 2, statsFreq: 1, testFreq: 2, modelSaveFreq: 2, model: { batchSize: 2 } };
const manifest = (stages: Record<string, unknown>) => ({
  name: 'mini',
  sources: [{ kind: 'generator', generator: 'moving-mnist', id: 'digits', count: 2, frames: 10, sizePx: 48, seed: 4 }],
  split: { testFraction: 0.5, seed: 1 },
  stages,
});

let root: string;
beforeAll(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-nx-'));
  for (const entry of COPIED) {
    await fs.cp(path.join(repo, entry), path.join(root, entry), {
      recursive: true,
      // Leave out installed packages and generated data (but not libs/data).
      filter: (src) => !/(^|\/)node_modules(\/|$)|^(data|runs|\.nx)(\/|$)/.test(path.relative(repo, src)),
    });
  }
  await fs.symlink(path.join(repo, 'node_modules'), path.join(root, 'node_modules'));
  await fs.mkdir(path.join(root, 'data-manifests'));
  await writeManifest({ extract: {}, crop: CROP, train: TRAIN });
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function writeManifest(stages: Record<string, unknown>): Promise<void> {
  await fs.writeFile(path.join(root, 'data-manifests', 'mini.json'), JSON.stringify(manifest(stages), null, 2));
}

function nx(): string {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && k !== 'TSX_TSCONFIG_PATH'));
  const result = spawnSync(
    process.execPath,
    [path.join(repo, 'node_modules/nx/dist/bin/nx.js'), 'run', 'evaluate:evaluate', '--manifest=mini', '--outputStyle=static'],
    {
      cwd: root,
      encoding: 'utf8',
      env: { ...env, CI: 'true', NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_CACHE_DIRECTORY: path.join(root, '.nx-cache') },
    },
  );
  if (result.status !== 0) throw new Error(`nx failed (${result.status}):\n${result.stdout}\n${result.stderr}`);
  // eslint-disable-next-line no-control-regex
  return (result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, '');
}

const framesDir = () => path.join(root, 'data', 'mini', 'frames');
const fromCache = (out: string, target: string) => new RegExp(`nx run ${target} --manifest=mini +\\[(local|existing outputs match the) cache\\]`).test(out);

async function frameCount(): Promise<number> {
  const index = JSON.parse(await fs.readFile(path.join(framesDir(), 'index.json'), 'utf8'));
  return Object.values(index.videos as Record<string, { frameCount: number }>).reduce((n, v) => n + v.frameCount, 0);
}

describe('the pipeline through Nx', () => {
  it('runs, then comes from the cache, restores deleted outputs, and reruns only what a change touches', async () => {
    const clipsSummary = path.join(root, 'data', 'mini', 'clips', 'clips.json');
    const first = nx();
    for (const target of TARGETS) expect(fromCache(first, target)).toBe(false);
    expect(first).toContain('extract: 2 videos');
    expect((await fs.readdir(path.join(framesDir(), 'train'))).length + (await fs.readdir(path.join(framesDir(), 'test'))).length).toBe(2);
    expect(await frameCount()).toBe(20);
    expect(JSON.parse(await fs.readFile(clipsSummary, 'utf8'))).toMatchObject({ count: 300, clipShape: [5, 32, 32, 3] });
    expect(first).toContain('train: 2 steps done');
    expect(await fs.readdir(path.join(root, 'runs', 'mini', 'checkpoints'))).toEqual(['step-000000002']);
    expect(first).toMatch(/evaluate: 1 clips, 4 recursions → .*report\.html/);
    const report = await fs.readFile(path.join(root, 'runs', 'mini', 'eval', 'report.html'));
    const index = await fs.readFile(path.join(framesDir(), 'index.json'));
    const clips = await fs.readFile(clipsSummary);

    const second = nx();
    for (const target of TARGETS) expect(fromCache(second, target)).toBe(true);

    await fs.rm(path.join(root, 'data'), { recursive: true });
    await fs.rm(path.join(root, 'runs'), { recursive: true });
    const restored = nx();
    expect(fromCache(restored, 'crop-clips:crop')).toBe(true);
    expect(fromCache(restored, 'train:train')).toBe(true);
    expect(fromCache(restored, 'evaluate:evaluate')).toBe(true);
    expect(await fs.readdir(path.join(root, 'runs', 'mini', 'checkpoints'))).toEqual(['step-000000002']);
    expect((await fs.readFile(path.join(root, 'runs', 'mini', 'eval', 'report.html'))).equals(report)).toBe(true);
    expect((await fs.readFile(path.join(framesDir(), 'index.json'))).equals(index)).toBe(true);
    expect((await fs.readFile(clipsSummary)).equals(clips)).toBe(true);
    expect(await frameCount()).toBe(20);

    await writeManifest({ extract: {}, crop: { ...CROP, clips: 200 }, train: TRAIN });
    const cropChanged = nx();
    expect(fromCache(cropChanged, 'demo-data:generate')).toBe(true);
    expect(fromCache(cropChanged, 'extract-frames:extract')).toBe(true);
    expect(fromCache(cropChanged, 'crop-clips:crop')).toBe(false);
    expect(fromCache(cropChanged, 'train:train')).toBe(false);
    expect(JSON.parse(await fs.readFile(clipsSummary, 'utf8')).count).toBe(200);

    await writeManifest({ extract: {}, crop: { ...CROP, clips: 200 }, train: { ...TRAIN, steps: 3 } });
    const trainChanged = nx();
    expect(fromCache(trainChanged, 'crop-clips:crop')).toBe(true);
    expect(fromCache(trainChanged, 'train:train')).toBe(false);
    expect(fromCache(trainChanged, 'evaluate:evaluate')).toBe(false);

    await writeManifest({ extract: { maxSide: 40 }, crop: { ...CROP, clips: 200 }, train: { ...TRAIN, steps: 3 } });
    const extractChanged = nx();
    expect(fromCache(extractChanged, 'demo-data:generate')).toBe(true);
    expect(fromCache(extractChanged, 'extract-frames:extract')).toBe(false);
    expect(fromCache(extractChanged, 'crop-clips:crop')).toBe(false);
    const resized = JSON.parse(await fs.readFile(path.join(framesDir(), 'index.json'), 'utf8'));
    expect(Object.values(resized.videos as Record<string, { width: number }>).map((v) => v.width)).toEqual([40, 40]);
  }, 300000);
});
