import * as path from 'node:path';
import { datasetProject, manifestFacts, runsOf } from './dataset-project';
import { STAGES, stageCode, type Stage, type StageCode } from './stage-projects';

const repo = path.resolve(__dirname, '../../..');
const CODE = Object.fromEntries(STAGES.map((s) => [s, { app: `${s}-app`, projects: [`${s}-app`, `${s}-lib`] }])) as Record<Stage, StageCode>;

const demo = {
  name: 'demo',
  description: 'words',
  sources: [{ kind: 'generator', generator: 'moving-mnist', id: 'm' }],
  stages: { extract: {}, crop: { clips: 10 }, train: { steps: 5, adversarialFineTune: { fromStep: 2 } }, evaluate: { run: 'demo-adversarial', compare: 'demo' }, curve: { heldout: 'heldout' } },
};
const heldout = { name: 'heldout', sources: [{ kind: 'generator' }], stages: { extract: {}, evaluate: { run: 'demo-adversarial', compare: 'demo' } } };
const mine = { name: 'mine', sources: [{ kind: 'videos', paths: ['~/v'] }], stages: { crop: {}, train: {}, evaluate: {} } };

const facts = (name: string, value: unknown) => manifestFacts(`data-manifests/${name}.json`, JSON.stringify(value));
const project = (name: string, value: unknown, others: unknown[] = []) => {
  const f = facts(name, value);
  const datasets = [f, ...others.map((o) => facts((o as { name: string }).name, o))];
  return datasetProject({ facts: f, datasets, stageCode: CODE, projectName: name });
};

describe('datasetProject', () => {
  it('gives a manifest with generators and every stage the six targets, in pipeline order', () => {
    const p = project('demo', demo, [heldout]);
    expect(p.root).toBe('data-manifests/demo');
    expect(Object.keys(p.targets ?? {})).toEqual(['generate', 'extract', 'crop', 'train', 'evaluate', 'curve', 'export']);
    expect(p.implicitDependencies).toEqual(STAGES.map((s) => `${s}-app`));
    expect(p.metadata?.description).toBe('words');
    const t = p.targets ?? {};
    expect(t.extract.dependsOn).toEqual(['generate']);
    expect(t.crop.dependsOn).toEqual(['extract']);
    expect(t.train.dependsOn).toEqual(['crop']);
    expect(t.evaluate.dependsOn).toEqual(['extract', 'train']);
    // What train writes in each run folder, not the folders: evaluate's and curve's outputs live inside them.
    expect(t.train.outputs).toEqual(
      ['demo', 'demo-adversarial'].flatMap((r) => ['checkpoints', 'summaries', 'images', 'test', 'metrics.jsonl'].map((e) => `{workspaceRoot}/runs/${r}/${e}`)),
    );
    expect(t.evaluate.outputs).toEqual(['{workspaceRoot}/runs/demo/eval']);
    // The learning curve: after training, on the held-out dataset's extracted test frames.
    expect(t.curve.dependsOn).toEqual(['train', { projects: ['heldout'], target: 'extract' }]);
    expect(t.curve.outputs).toEqual(['{workspaceRoot}/runs/demo/curve']);
    expect(t.curve.options.command).toBe('node apps/cli/bin/nextframe.js curve --manifest=demo');
    expect(t.crop.options.command).toBe('node apps/cli/bin/nextframe.js crop --manifest=demo --overwrite');
    // Export the model evaluate judges (the adversarial one), after training, keyed on its checkpoints.
    expect(t.export.options.command).toBe('node apps/cli/bin/nextframe.js export -n demo-adversarial --out dist/demo-web --sample data/demo/frames/test');
    expect(t.export.dependsOn).toEqual(['train', 'extract']);
    expect(t.export.outputs).toEqual(['{workspaceRoot}/dist/demo-web']);
    expect(t.export.inputs).toContainEqual({ dependentTasksOutputFiles: '**/checkpoint.json', transitive: true });
  });

  it('keys each target on its own stage code and only the manifest fields its stage reads', () => {
    const t = project('demo', demo).targets ?? {};
    const fieldsOf = (target: string) => (t[target].inputs ?? []).find((i) => typeof i === 'object' && 'json' in i);
    expect(fieldsOf('generate')).toEqual({ json: '{workspaceRoot}/data-manifests/demo.json', fields: ['name', 'sources'] });
    expect(fieldsOf('extract')).toEqual({ json: '{workspaceRoot}/data-manifests/demo.json', fields: ['name', 'sources', 'split', 'stages.extract'] });
    expect(fieldsOf('crop')).toMatchObject({ fields: ['name', 'stages.crop'] });
    expect(fieldsOf('train')).toMatchObject({ fields: ['name', 'stages.train'] });
    expect(fieldsOf('evaluate')).toMatchObject({ fields: ['name', 'stages.evaluate'] });
    expect(t.train.inputs).toContainEqual({ input: 'production', projects: ['train-app', 'train-lib'] });
    expect(t.extract.inputs).toContainEqual({ runtime: 'node --require tsx/cjs tools/workspace-scripts/src/print-source-fingerprint.ts ffmpeg' });
    expect(t.extract.inputs).toContainEqual({ dependentTasksOutputFiles: '**/*.mp4' });
    // No video files in the demo: no runtime listing of them.
    expect(JSON.stringify(t.extract.inputs)).not.toContain('videos demo');
  });

  it('lists your own video files in extract, and has no generate without generators', () => {
    const t = project('mine', mine).targets ?? {};
    expect(Object.keys(t)).toEqual(['extract', 'crop', 'train', 'evaluate', 'export']);
    expect(t.export.options.command).toBe('node apps/cli/bin/nextframe.js export -n mine --out dist/mine-web --sample data/mine/frames/test');
    expect(t.extract.dependsOn).toBeUndefined();
    expect(t.extract.inputs).toContainEqual({ runtime: 'node --require tsx/cjs tools/workspace-scripts/src/print-source-fingerprint.ts videos mine' });
    expect(t.train.outputs).toEqual(['checkpoints', 'summaries', 'images', 'test', 'metrics.jsonl'].map((e) => `{workspaceRoot}/runs/mine/${e}`));
    expect(t.evaluate.dependsOn).toEqual(['extract', 'train']);
  });

  it("evaluates another dataset's runs after that dataset's training", () => {
    const p = project('heldout', heldout, [demo]);
    expect(Object.keys(p.targets ?? {})).toEqual(['generate', 'extract', 'evaluate']);
    expect(p.targets?.evaluate.dependsOn).toEqual(['extract', { projects: ['demo'], target: 'train' }]);
    expect(p.implicitDependencies).toEqual(['generate-app', 'extract-app', 'evaluate-app', 'demo']);
    expect(p.targets?.evaluate.outputs).toEqual(['{workspaceRoot}/runs/heldout/eval']);
    // A run nobody's training writes is read as it is.
    expect(project('heldout', { ...heldout, stages: { evaluate: { run: 'elsewhere' } } }).targets?.evaluate.dependsOn).toEqual(['extract']);
  });

  it('gives a manifest that does not parse every stage but generate, keyed on the whole file', () => {
    const f = manifestFacts('data-manifests/bad.json', '{ "name": "bad", ');
    expect(f.parsed).toBe(false);
    const p = datasetProject({ facts: f, datasets: [f], stageCode: CODE, projectName: 'bad' });
    expect(Object.keys(p.targets ?? {})).toEqual(['extract', 'crop', 'train', 'evaluate', 'curve', 'export']);
    expect(p.targets?.crop.inputs).toContain('{workspaceRoot}/data-manifests/bad.json');
    expect(p.metadata?.description).toBe('data-manifests/bad.json does not parse: its targets report the error');
    expect(manifestFacts('data-manifests/list.json', '[1, 2]').parsed).toBe(false);
  });

  it('names the runs a training writes', () => {
    expect(runsOf(facts('demo', demo))).toEqual(['demo', 'demo-adversarial']);
    expect(runsOf(facts('mine', mine))).toEqual(['mine']);
  });
});

describe('stageCode (this workspace)', () => {
  it("follows each stage app's imports to the libraries it runs, and no further", () => {
    const train = stageCode('train', repo);
    expect(train.app).toBe('train');
    expect(train.projects).toEqual(expect.arrayContaining(['train', 'model', 'data', 'tf-backend', 'metrics', 'manifest']));
    const extract = stageCode('extract', repo);
    expect(extract.app).toBe('extract-frames');
    expect(extract.projects).toEqual(expect.arrayContaining(['extract-frames', 'media', 'manifest']));
    // Extracting frames runs no model code, so a model change cannot rerun it.
    expect(extract.projects).not.toContain('model');
    expect(extract.projects).not.toContain('tf-backend');
    expect(stageCode('generate', repo).app).toBe('demo-data');
    for (const stage of STAGES) expect(stageCode(stage, repo).projects).not.toContain('train' === stage ? 'evaluate' : 'nx-datasets');
  });
});
