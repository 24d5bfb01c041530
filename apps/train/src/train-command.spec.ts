import { spawn, spawnSync } from 'node:child_process';
import { existsSync, promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { formatHelp, parseCommand } from '@nextframe/cli-kit';
import { TRAIN_SETTINGS } from '@nextframe/manifest';
import { DEFAULT_CROP_SETTINGS, cropClips } from '@nextframe/data';
import { noiseFrames, writeFrameFolder } from '@nextframe/data/testing';
import { useTempDir } from '@nextframe/files/testing';
import { fineTuneOptions, resolveTrainOptions, trainCommand } from './train-command';

const BIN = path.resolve(__dirname, '../../cli/bin/nextframe.js');
const tempDir = useTempDir('train-cli');
let clipsDir: string;

beforeAll(async () => {
  const frames = path.join(tempDir(), 'frames');
  await writeFrameFolder(path.join(frames, 'a'), noiseFrames(40, 36, 8));
  clipsDir = path.join(tempDir(), 'clips');
  await cropClips({ framesDir: frames, storeDir: clipsDir, clipCount: 40, seed: 1, settings: DEFAULT_CROP_SETTINGS });
});

const tinyArgs = () => [
  '--clips', clipsDir, '-n', 'cli', '--preset', 'small', '--batch-size', '2', '--backend', 'wasm', '--threads', '2',
  '--set', 'generator=[{"featureMaps":[12,8,3],"kernelSizes":[3,3]},{"featureMaps":[15,8,3],"kernelSizes":[3,3]},{"featureMaps":[15,8,3],"kernelSizes":[3,3]},{"featureMaps":[15,8,3],"kernelSizes":[3,3]}]',
  '--stats_freq', '1',
];

describe('nextframe train: flags and settings', () => {
  it('resolves flags over the preset, with the seed spellings', async () => {
    const parsed = parseCommand(trainCommand, ['--clips', 'c', '-n', 'x', '-a', 'f', '-s', '7', '--preset', 'small', '--set', 'adversarialWeight=0.5', '--stats_freq', '3', '-O']);
    const options = await resolveTrainOptions(parsed);
    expect(options).toMatchObject({ name: 'x', adversarial: false, steps: 7, statsFreq: 3, summaryFreq: 100, modelSaveFreq: 10000, overwrite: true });
    expect(options.model).toMatchObject({ preset: 'small', adversarialWeight: 0.5, generatorLearningRate: 0.001 });
    await expect(resolveTrainOptions(parseCommand(trainCommand, ['--clips', 'c', '-n', 'x', '--set', 'nope=1']))).rejects.toThrow("--set nope=1: unknown field 'nope'");
    // Every field is checked against the config's schema, naming it.
    for (const [assignment, message] of [
      ['lpWeight=abc', '--set lpWeight=abc: lpWeight: Invalid input: expected number, received string'],
      ['generatorLearningRate=-1', '--set generatorLearningRate=-1: generatorLearningRate: Too small: expected number to be >0'],
      ['initialization=zero', '--set initialization=zero: initialization: Invalid option: expected one of "port"|"torch"|"he"|"glorot"'],
      ['discriminatorClip=[0.9,0.1]', '--set discriminatorClip=[0.9,0.1]: discriminatorClip: needs [low, high] with low < high'],
    ]) {
      await expect(resolveTrainOptions(parseCommand(trainCommand, ['--clips', 'c', '-n', 'x', '--set', assignment]))).rejects.toThrow(message);
    }
    const chosen = await resolveTrainOptions(
      parseCommand(trainCommand, ['--clips', 'c', '-n', 'x', '--set', 'initialization=he', '--set', 'predictChange=true', '--set', 'generatorLearningRateSchedule=[{"fromStep":10,"learningRate":0.0001}]']),
    );
    expect(chosen.model).toMatchObject({ initialization: 'he', predictChange: true, generatorLearningRateSchedule: [{ fromStep: 10, learningRate: 0.0001 }] });

    // The manifest's adversarialFineTune: the adversarial fork of a finished non-adversarial run.
    const main = await resolveTrainOptions(parseCommand(trainCommand, ['--clips', 'c', '-n', 'demo', '-a', 'f', '-s', '450']));
    const fork = fineTuneOptions(main, 300);
    expect(fork).toMatchObject({ name: 'demo-adversarial', adversarial: true, steps: 450, runDir: path.join(path.dirname(main.runDir), 'demo-adversarial') });
    expect(fork.loadPath).toBe(path.join(main.runDir, 'checkpoints', 'step-000000300'));
    expect(() => fineTuneOptions(main, 450)).toThrow('stages.train.adversarialFineTune.fromStep 450 must be below steps 450');
    expect(() => fineTuneOptions({ ...main, adversarial: true }, 300)).toThrow('needs a non-adversarial main run');
    await expect(resolveTrainOptions(parseCommand(trainCommand, ['--clips', 'c', '-n', 'x', '-a', 'maybe']))).rejects.toThrow("-a/--adversarial must be t or f, got 'maybe'");
  });

  it('has a flag for every training setting, its help the words and default of TRAIN_SETTINGS', () => {
    const help = formatHelp(trainCommand);
    for (const entry of Object.values(TRAIN_SETTINGS)) {
      if (!entry.flag) continue;
      const fallback = entry.schema.safeParse(undefined);
      expect(help).toContain(`--${entry.flag.name}`);
      expect(help).toContain(`${entry.schema.description} (default: ${fallback.success ? String(fallback.data) : ''})`);
    }
    expect(help).toMatch(/--keep-every-hours H\s+also keep the first checkpoint of every this many hours \(default: 2\)/);
  });
});

describe('nextframe train: manifests, Ctrl-C and --resume', () => {
  it("takes checkpoint keeping from the manifest's stages.train, flags over it", async () => {
    // A workspace of its own: nx.json and data-manifests/mine.json (the demo's, keeping 7 and every half hour).
    const root = path.join(tempDir(), 'workspace');
    await fs.mkdir(path.join(root, 'data-manifests'), { recursive: true });
    await fs.writeFile(path.join(root, 'nx.json'), '{}');
    const demo = JSON.parse(await fs.readFile(path.resolve(__dirname, '../../../data-manifests/demo.json'), 'utf8'));
    delete demo.$schema;
    const mine = { ...demo, name: 'mine', stages: { ...demo.stages, train: { ...demo.stages.train, keepLast: 7, keepEveryHours: 0.5 } } };
    await fs.writeFile(path.join(root, 'data-manifests', 'mine.json'), JSON.stringify(mine));
    const cwd = process.cwd();
    process.chdir(root);
    try {
      expect(await resolveTrainOptions(parseCommand(trainCommand, ['--manifest', 'mine']))).toMatchObject({ name: 'mine', keepLast: 7, keepEveryHours: 0.5 });
      expect(await resolveTrainOptions(parseCommand(trainCommand, ['--manifest', 'mine', '--keep-every-hours', '3']))).toMatchObject({ keepEveryHours: 3 });
    } finally {
      process.chdir(cwd);
    }
  });

  it('says which backend it uses, trains, and on Ctrl-C writes a checkpoint and exits cleanly', async () => {
    const cwd = tempDir();
    const child = spawn(process.execPath, [BIN, 'train', ...tinyArgs(), '-a', 'f', '-s', '100000'], { cwd });
    let stderr = '';
    let stdout = '';
    child.stdout.on('data', (d) => (stdout += d));
    await new Promise<void>((resolve) =>
      child.stderr.on('data', (d) => {
        stderr += d;
        if (/step 3:/.test(stderr)) resolve();
      }),
    );
    child.kill('SIGINT');
    const code = await new Promise((r) => child.once('exit', r));
    expect(code).toBe(0);
    // The threaded build's workers must not keep the process alive after Ctrl-C (nor after the resumed run below).
    expect(stderr).toMatch(os.availableParallelism() >= 2 ? /^backend: wasm \(XNNPACK, SIMD, 2 threads: --threads 2\)/m : /^backend: wasm/m);
    expect(stderr).toContain('SIGINT: stopping after this step and writing a checkpoint');
    const step = Number(/stopped at step (\d+)/.exec(stdout)?.[1]);
    expect(step).toBeGreaterThanOrEqual(3);
    expect(await fs.readdir(path.join(cwd, 'runs', 'cli', 'checkpoints'))).toEqual([`step-${String(step).padStart(9, '0')}`]);

    const resumed = spawnSync(process.execPath, [BIN, 'train', ...tinyArgs(), '-a', 'f', '-s', String(step + 2), '--resume'], { cwd, encoding: 'utf8' });
    expect(resumed.status).toBe(0);
    expect(resumed.stderr).toContain(`resuming from step ${step}`);
    expect(resumed.stdout).toContain(`train: ${step + 2} steps done`);
  });
});

describe('nextframe train: bad input', () => {
  it('refuses a bad --threads in one line, before writing anything', () => {
    for (const [value, message] of [
      ['0', "error: --threads must be a whole number of threads, at least 1, got '0'"],
      ['x', "error: --threads must be a whole number of threads, at least 1, got 'x'"],
    ]) {
      const result = spawnSync(process.execPath, [BIN, 'train', '--clips', clipsDir, '-n', 'bad-threads', '--backend', 'wasm', '--threads', value], { encoding: 'utf8', cwd: tempDir() });
      expect(result.status).toBe(2);
      expect(result.stderr.trim()).toBe(message);
    }
    const env = { ...process.env, NEXTFRAME_THREADS: 'many' };
    const fromEnv = spawnSync(process.execPath, [BIN, 'train', '--clips', clipsDir, '-n', 'bad-threads', '--backend', 'wasm'], { encoding: 'utf8', cwd: tempDir(), env });
    expect(fromEnv.stderr.trim()).toBe("error: NEXTFRAME_THREADS must be a whole number of threads, at least 1, got 'many'");
    expect(existsSync(path.join(tempDir(), 'runs', 'bad-threads'))).toBe(false);
  });

  it('names a missing clip store in one line', () => {
    const result = spawnSync(process.execPath, [BIN, 'train', '--clips', path.join(tempDir(), 'none'), '-n', 'x', '--backend', 'wasm'], { encoding: 'utf8', cwd: tempDir() });
    expect(result.status).toBe(1);
    expect(result.stderr.trim().split('\n').pop()).toBe(`error: ${path.join(tempDir(), 'none')}: no such clip store`);
  });
});

describe('nextframe train --set with a bad value', () => {
  it('is one line naming the field, exit 2, and leaves no run folder behind', () => {
    const cwd = tempDir();
    const result = spawnSync(process.execPath, [BIN, 'train', '--clips', clipsDir, '-n', 'bad-set', '--backend', 'wasm', '--set', 'lpWeight=abc'], { encoding: 'utf8', cwd });
    expect(result.status).toBe(2);
    expect(result.stderr.trim()).toBe('error: --set lpWeight=abc: lpWeight: Invalid input: expected number, received string');
    expect(existsSync(path.join(cwd, 'runs', 'bad-set'))).toBe(false);
  });
});
