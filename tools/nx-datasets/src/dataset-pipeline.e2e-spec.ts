/**
 * The dataset projects, run for real with Nx in a copy of this workspace and two small datasets:
 * each target's cache key sees only its own manifest's fields, its stage's code and its input
 * stage's outputs. Cached on a second run; untouched by the other dataset's changes, by a new
 * manifest or by a broken one; a change to one stage reruns that stage and what comes after it;
 * deleted outputs come back from the cache.
 */
import { spawnSync } from 'node:child_process';
import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const repo = path.resolve(__dirname, '../../..');
const COPIED = ['nx.json', 'package.json', 'package-lock.json', 'tsconfig.base.json', 'tsconfig.json', 'jest.preset.js', 'eslint.config.js', '.gitignore', 'apps', 'libs', 'tools'];
const STAGES = ['generate', 'extract', 'crop', 'train', 'evaluate'];

const CROP = { clips: 300, seed: 1, cropSize: 32, shardSize: 100 };
/** Two small-preset steps, batch 2, one test: seconds. */
const TRAIN = { preset: 'small', adversarial: 'f', steps: 2, statsFreq: 1, testFreq: 2, modelSaveFreq: 2, model: { batchSize: 2 } };
const EVALUATE = { recursions: 2 };
const manifest = (name: string, stages: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  name,
  sources: [{ kind: 'generator', generator: 'moving-mnist', id: 'digits', count: 2, frames: 10, sizePx: 48, seed: 4 }],
  split: { testFraction: 0.5, seed: 1 },
  stages,
  ...extra,
});
const MINI = { extract: {}, crop: CROP, train: TRAIN, evaluate: EVALUATE };
const OTHER = { extract: {}, crop: { ...CROP, clips: 100, seed: 2 }, train: TRAIN, evaluate: EVALUATE };

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
  await writeManifest('mini', MINI);
  await writeManifest('other', OTHER);
});
afterAll(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function writeManifest(name: string, stages: Record<string, unknown>, extra: Record<string, unknown> = {}): Promise<void> {
  await fs.writeFile(path.join(root, 'data-manifests', `${name}.json`), JSON.stringify(manifest(name, stages, extra), null, 2));
}

function nx(...args: string[]): { status: number | null; out: string; stdout: string } {
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith('NX_') && k !== 'TSX_TSCONFIG_PATH'));
  const result = spawnSync(process.execPath, [path.join(repo, 'node_modules/nx/dist/bin/nx.js'), ...args, '--outputStyle=static'], {
    cwd: root,
    encoding: 'utf8',
    env: { ...env, CI: 'true', NO_COLOR: '1', NX_DAEMON: 'false', NX_NO_CLOUD: 'true', NX_TUI: 'false', NX_CACHE_DIRECTORY: path.join(root, '.nx-cache') },
  });
  // eslint-disable-next-line no-control-regex
  return { status: result.status, out: (result.stdout + result.stderr).replace(/\x1b\[[0-9;]*m/g, ''), stdout: result.stdout };
}

/** Run targets; fail the test with Nx's output when Nx fails. */
function run(...args: string[]): string {
  const { status, out } = nx('run-many', ...args);
  if (status !== 0) throw new Error(`nx failed (${status}):\n${out}`);
  return out;
}

/** Which of a dataset's stage tasks ran in `out` and whether each came from the cache. */
function tasks(out: string, dataset: string): Record<string, 'cache' | 'ran' | 'absent'> {
  return Object.fromEntries(
    STAGES.map((stage) => {
      const line = out.split('\n').find((l) => new RegExp(`nx run ${dataset}:${stage}(\\s|$)`).test(l));
      return [stage, !line ? 'absent' : /\[(local|existing outputs match the) cache\]/.test(line) ? 'cache' : 'ran'];
    }),
  );
}
const ALL_CACHED = { generate: 'cache', extract: 'cache', crop: 'cache', train: 'cache', evaluate: 'cache' };

const framesDir = () => path.join(root, 'data', 'mini', 'frames');
async function frameCount(): Promise<number> {
  const index = JSON.parse(await fs.readFile(path.join(framesDir(), 'index.json'), 'utf8'));
  return Object.values(index.videos as Record<string, { frameCount: number }>).reduce((n, v) => n + v.frameCount, 0);
}

describe('dataset projects through Nx', () => {
  it('infers a project per manifest; a broken manifest gets one whose targets report the error', async () => {
    await fs.writeFile(path.join(root, 'data-manifests', 'broken.json'), '{ "name": "broken", ');
    await writeManifest('typo', { ...MINI, crop: { ...CROP, sed: 3 } });
    try {
      const shown = nx('show', 'project', 'mini', '--json');
      expect(shown.status).toBe(0);
      const project = JSON.parse(shown.stdout);
      expect(Object.keys(project.targets)).toEqual([...STAGES, 'export']);
      expect(project.tags).toEqual(['type:dataset']);
      expect(project.implicitDependencies).toEqual(['demo-data', 'extract-frames', 'crop-clips', 'train', 'evaluate', 'export']);
      const projects = nx('show', 'projects', '--type', 'app').stdout.split('\n');
      expect(projects).toEqual(expect.arrayContaining(['mini', 'other', 'broken', 'train']));
      const failed = nx('run', 'broken:extract');
      expect(failed.status).not.toBe(0);
      expect(failed.out).toMatch(/data-manifests\/broken\.json: .*JSON/);
      const unknown = nx('run', 'typo:crop');
      expect(unknown.status).not.toBe(0);
      expect(unknown.out).toContain('data-manifests/typo.json: stages.crop: Unrecognized key: "sed"');
    } finally {
      await fs.rm(path.join(root, 'data-manifests', 'broken.json'));
      await fs.rm(path.join(root, 'data-manifests', 'typo.json'));
    }
  }, 120000);

  it('caches each dataset on its own manifest, stage code and inputs only', async () => {
    const clipsSummary = path.join(root, 'data', 'mini', 'clips', 'clips.json');
    const first = run('-t', 'evaluate');
    expect(tasks(first, 'mini')).toEqual({ generate: 'ran', extract: 'ran', crop: 'ran', train: 'ran', evaluate: 'ran' });
    expect(tasks(first, 'other')).toEqual({ generate: 'ran', extract: 'ran', crop: 'ran', train: 'ran', evaluate: 'ran' });
    expect(await frameCount()).toBe(20);
    expect(JSON.parse(await fs.readFile(clipsSummary, 'utf8'))).toMatchObject({ count: 300, clipShape: [5, 32, 32, 3] });
    expect(JSON.parse(await fs.readFile(path.join(root, 'data', 'other', 'clips', 'clips.json'), 'utf8')).count).toBe(100);
    expect(await fs.readdir(path.join(root, 'runs', 'mini', 'checkpoints'))).toEqual(['step-000000002']);
    const report = await fs.readFile(path.join(root, 'runs', 'mini', 'eval', 'report.html'));
    const index = await fs.readFile(path.join(framesDir(), 'index.json'));
    const clips = await fs.readFile(clipsSummary);

    // Export the trained generator, after its training (from the cache).
    const exported = run('-t', 'export', '-p', 'mini');
    expect(tasks(exported, 'mini')).toMatchObject({ train: 'cache' });
    expect(exported).toMatch(/nx run mini:export(?!.*cache)/);
    expect(JSON.parse(await fs.readFile(path.join(root, 'dist', 'mini-web', 'model', 'model.json'), 'utf8')).userDefinedMetadata.nextframe.step).toBe(2);
    expect(run('-t', 'export', '-p', 'mini')).toMatch(/nx run mini:export +\[local cache\]/);
    // Restoring train's outputs from the cache left evaluate's report inside the run folder alone.
    expect(await fs.readFile(path.join(root, 'runs', 'mini', 'eval', 'report.html'))).toEqual(report);

    // Run again: all from the cache.
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual(ALL_CACHED);

    // Another dataset's crop seed, a third manifest, a description: the first stays cached.
    await writeManifest('other', { ...OTHER, crop: { ...OTHER.crop, seed: 3 } });
    await writeManifest('third', { extract: {}, crop: CROP, train: TRAIN });
    await writeManifest('mini', MINI, { description: 'now with words' });
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual(ALL_CACHED);
    await writeManifest('other', OTHER);
    await fs.rm(path.join(root, 'data-manifests', 'third.json'));

    // stages.evaluate: only evaluate.
    await writeManifest('mini', { ...MINI, evaluate: { recursions: 3 } });
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual({ ...ALL_CACHED, evaluate: 'ran' });

    // stages.crop: crop, train and evaluate, not generate or extract.
    await writeManifest('mini', { ...MINI, evaluate: { recursions: 3 }, crop: { ...CROP, clips: 200 } });
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual({ generate: 'cache', extract: 'cache', crop: 'ran', train: 'ran', evaluate: 'ran' });
    expect(JSON.parse(await fs.readFile(clipsSummary, 'utf8')).count).toBe(200);

    // Training code: train and evaluate of every dataset.
    const trainCode = path.join(root, 'apps', 'train', 'src', 'train-command.ts');
    await fs.appendFile(trainCode, '\n// a change to the training code\n');
    const codeChanged = run('-t', 'evaluate');
    for (const dataset of ['mini', 'other']) {
      expect(tasks(codeChanged, dataset)).toEqual({ generate: 'cache', extract: 'cache', crop: 'cache', train: 'ran', evaluate: 'ran' });
    }

    // Back to the first crop settings: that crop is still in the cache (the training code is new).
    await writeManifest('mini', MINI);
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual({ generate: 'cache', extract: 'cache', crop: 'cache', train: 'ran', evaluate: 'ran' });
    expect(JSON.parse(await fs.readFile(clipsSummary, 'utf8')).count).toBe(300);

    // Deleted outputs come back from the cache, byte for byte.
    const reportNow = await fs.readFile(path.join(root, 'runs', 'mini', 'eval', 'report.html'));
    await fs.rm(path.join(root, 'data'), { recursive: true });
    await fs.rm(path.join(root, 'runs'), { recursive: true });
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual(ALL_CACHED);
    expect(await fs.readdir(path.join(root, 'runs', 'mini', 'checkpoints'))).toEqual(['step-000000002']);
    expect((await fs.readFile(path.join(root, 'runs', 'mini', 'eval', 'report.html'))).equals(reportNow)).toBe(true);
    expect((await fs.readFile(path.join(framesDir(), 'index.json'))).equals(index)).toBe(true);
    expect((await fs.readFile(clipsSummary)).equals(clips)).toBe(true);
    expect(report.length).toBeGreaterThan(0);
    expect(await frameCount()).toBe(20);

    // stages.extract: extract and everything after it, not generate.
    await writeManifest('mini', { ...MINI, extract: { maxSide: 40 } });
    expect(tasks(run('-t', 'evaluate', '-p', 'mini'), 'mini')).toEqual({ generate: 'cache', extract: 'ran', crop: 'ran', train: 'ran', evaluate: 'ran' });
    const resized = JSON.parse(await fs.readFile(path.join(framesDir(), 'index.json'), 'utf8'));
    expect(Object.values(resized.videos as Record<string, { width: number }>).map((v) => v.width)).toEqual([40, 40]);
  }, 900000);
});
