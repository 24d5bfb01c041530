import { promises as fs } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import {
  ManifestError,
  assignSplit,
  datasetLayout,
  findWorkspaceRoot,
  listManifestVideos,
  loadManifest,
  manifestJsonSchema,
  parseManifest,
  TRAIN_SETTINGS,
} from './index';

const repoRoot = path.resolve(__dirname, '../../..');

let root: string;
beforeEach(async () => {
  root = await fs.mkdtemp(path.join(os.tmpdir(), 'nextframe-manifest-'));
  await fs.mkdir(path.join(root, 'data-manifests'));
  await fs.writeFile(path.join(root, 'nx.json'), '{}');
});
afterEach(async () => {
  await fs.rm(root, { recursive: true, force: true });
});

async function writeManifest(name: string, value: unknown): Promise<void> {
  await fs.writeFile(path.join(root, 'data-manifests', `${name}.json`), typeof value === 'string' ? value : JSON.stringify(value));
}

const mnist = { kind: 'generator', generator: 'moving-mnist', id: 'mnist', count: 3, frames: 20, seed: 1 };

describe('loadManifest', () => {
  it('loads the demo manifest of this workspace', async () => {
    const loaded = await loadManifest('demo', repoRoot);
    expect(loaded.manifest.name).toBe('demo');
    expect(loaded.dataDir).toBe(path.join(repoRoot, 'data', 'demo'));
    // Moving-MNIST videos only (issue #20: the synthetic ffmpeg sources cost the digits' predictions), digits from the 'train' pool.
    expect(loaded.manifest.sources).toEqual([expect.objectContaining({ kind: 'generator', generator: 'moving-mnist', count: 60, digitPool: 'train' })]);
  });

  it('fills defaults', async () => {
    await writeManifest('tiny', { name: 'tiny', sources: [mnist] });
    const { manifest } = await loadManifest('tiny', root);
    expect(manifest.sources[0]).toMatchObject({ fps: 10, sizePx: 64, digitsPerVideo: 2 });
    expect(manifest.split).toEqual({ testFraction: 0, seed: 0 });
    expect(manifest.stages.extract).toEqual({});
    // stages.train: every setting at its default (the seed's), none left undefined but the optional ones.
    expect(manifest.stages.train).toEqual({
      preset: 'paper', adversarial: 't', steps: 500000, seed: 0, statsFreq: 10, summaryFreq: 100, modelSaveFreq: 10000,
      imgSaveFreq: 1000, testFreq: 5000, recursions: 1, keepLast: 3, keepEveryHours: 2,
    });
  });

  it.each([
    ['not JSON', '{ "name": "bad", ', /bad\.json: invalid JSON \(/],
    ['a misspelt field', { name: 'bad', sources: [mnist], stages: { extract: { fsp: 5 } } }, /bad\.json: stages\.extract: Unrecognized key: "fsp"/],
    ['a misspelt training setting', { name: 'bad', sources: [mnist], stages: { train: { stats_freq: 5 } } }, /bad\.json: stages\.train: Unrecognized key: "stats_freq"/],
    ['a bad training setting', { name: 'bad', sources: [mnist], stages: { train: { keepEveryHours: 0 } } }, /bad\.json: stages\.train\.keepEveryHours: Too small: expected number to be >0/],
    ['a wrong type', { name: 'bad', sources: [{ ...mnist, count: 'three' }] }, /bad\.json: sources\[0\]\.count: Invalid input: expected number, received string/],
    ['no sources', { name: 'bad', sources: [] }, /bad\.json: sources: Too small/],
    ['size and maxSide', { name: 'bad', sources: [mnist], stages: { extract: { size: '64x48', maxSide: 32 } } }, /give size or maxSide, not both/],
    ['a name that differs from the file', { name: 'other', sources: [mnist] }, /bad\.json: name is 'other' but the file is bad\.json/],
  ])('rejects %s with one line naming the file and field', async (_label, content, message) => {
    await writeManifest('bad', content);
    const error = await loadManifest('bad', root).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ManifestError);
    expect((error as ManifestError).oneLine()).toMatch(message);
    expect((error as ManifestError).oneLine()).not.toContain('\n');
  });

  it('names the known manifests when one is missing', async () => {
    await writeManifest('alpha', { name: 'alpha', sources: [mnist] });
    await expect(loadManifest('beta', root)).rejects.toThrow('no such manifest (known manifests: alpha)');
  });
});

describe('listManifestVideos', () => {
  it("lists generated videos and the user's files and folders, sorted by name", async () => {
    const videos = path.join(root, 'my videos');
    await fs.mkdir(videos);
    for (const f of ['b.mp4', 'a.MOV', 'notes.txt']) await fs.writeFile(path.join(videos, f), 'x');
    await fs.writeFile(path.join(root, 'single.mkv'), 'x');
    await writeManifest('mix', {
      name: 'mix',
      sources: [{ ...mnist, count: 2 }, { kind: 'videos', paths: ['my videos', 'single.mkv'] }],
    });
    const loaded = await loadManifest('mix', root);
    const listed = await listManifestVideos(loaded);
    expect(listed.map((v) => v.name)).toEqual(['a', 'b', 'mnist-001', 'mnist-002', 'single']);
    expect(listed[2].file).toBe(path.join(datasetLayout(loaded).generatedVideosDir, 'mnist', 'mnist-001.mp4'));
    expect(listed[0].file).toBe(path.join(videos, 'a.MOV'));
  });

  it('names a missing video path', async () => {
    await writeManifest('gone', { name: 'gone', sources: [{ kind: 'videos', paths: ['nowhere'] }] });
    await expect(listManifestVideos(await loadManifest('gone', root))).rejects.toThrow(
      `sources: no such video file or folder: ${path.join(root, 'nowhere')}`,
    );
  });
});

describe('assignSplit', () => {
  const names = Array.from({ length: 10 }, (_, i) => `v${i}`);

  it('holds out a seeded share, independent of the order given', () => {
    const a = assignSplit(names, { testFraction: 0.2, seed: 7 });
    const b = assignSplit([...names].reverse(), { testFraction: 0.2, seed: 7 });
    const test = [...a].filter(([, s]) => s === 'test').map(([n]) => n);
    expect(test).toHaveLength(2);
    expect([...b]).toEqual([...a]);
    const other = [...assignSplit(names, { testFraction: 0.2, seed: 8 })].filter(([, s]) => s === 'test').map(([n]) => n);
    expect(other).not.toEqual(test);
  });

  it('keeps at least one video on each side when it can', () => {
    expect([...assignSplit(['a', 'b'], { testFraction: 0.1, seed: 1 }).values()].sort()).toEqual(['test', 'train']);
    expect([...assignSplit(['a'], { testFraction: 0.5, seed: 1 }).values()]).toEqual(['train']);
    expect([...assignSplit(names, { testFraction: 0, seed: 1 }).values()].every((s) => s === 'train')).toBe(true);
  });

  it('takes an explicit list and rejects unknown names', () => {
    const split = assignSplit(names, { test: ['v3'] });
    expect(split.get('v3')).toBe('test');
    expect(split.get('v4')).toBe('train');
    expect(() => assignSplit(names, { test: ['v99'] })).toThrow('split.test names unknown videos: v99');
  });
});

describe('manifest JSON schema', () => {
  it('is committed up to date (regenerate with tools/workspace-scripts/src/write-manifest-schema.ts)', async () => {
    const committed = JSON.parse(await fs.readFile(path.join(repoRoot, 'data-manifests', 'manifest.schema.json'), 'utf8'));
    expect(committed).toEqual(manifestJsonSchema());
  });

  it('describes every training setting once, with its default: the same words as the train command\'s help', () => {
    const train = (manifestJsonSchema() as { properties: { stages: { properties: { train: { properties: Record<string, { description?: string; default?: unknown }> } } } } })
      .properties.stages.properties.train.properties;
    expect(Object.keys(train)).toEqual(Object.keys(TRAIN_SETTINGS));
    for (const [key, entry] of Object.entries(TRAIN_SETTINGS)) {
      expect(train[key].description).toBe(entry.schema.description);
      expect(train[key].description?.length).toBeGreaterThan(10);
    }
    expect(train.statsFreq.default).toBe(10);
    expect(train.keepEveryHours.default).toBe(2);
  });

  it('validates every committed manifest', async () => {
    for (const file of (await fs.readdir(path.join(repoRoot, 'data-manifests'))).filter((f) => f.endsWith('.json') && !f.includes('schema'))) {
      const text = await fs.readFile(path.join(repoRoot, 'data-manifests', file), 'utf8');
      expect(parseManifest(text, file).name).toBe(file.replace(/\.json$/, ''));
    }
  });
});

describe('findWorkspaceRoot', () => {
  it('walks up to the folder with nx.json and data-manifests', async () => {
    const deep = path.join(root, 'a', 'b');
    await fs.mkdir(deep, { recursive: true });
    expect(findWorkspaceRoot(deep)).toBe(root);
    expect(findWorkspaceRoot(__dirname)).toBe(repoRoot);
  });
});
