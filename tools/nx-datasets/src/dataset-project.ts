import * as path from 'node:path';
import type { ProjectConfiguration, TargetConfiguration, TargetDependencyConfig } from '@nx/devkit';
import { RUNS_FOLDER, RUN_LAYOUT, TRAINING_OUTPUTS, trainedRunNames } from '@nextframe/manifest/run-layout';
import type { Stage, StageCode } from './stage-projects';

/** What the plugin knows of one manifest before any stage validates it. */
export interface ManifestFacts {
  /** The dataset's name: the manifest's file name without `.json` (the stages require `name` to match). */
  name: string;
  /** `data-manifests/<name>.json`, relative to the workspace root. */
  file: string;
  /** False when the file is not a JSON object: every stage target is kept and reports the error itself. */
  parsed: boolean;
  description?: string;
  hasGenerators: boolean;
  hasVideoFiles: boolean;
  /** The `stages.*` sections present. */
  stages: ReadonlySet<string>;
  /** `stages.train.adversarialFineTune` is set: training also writes `runs/<name>-adversarial`. */
  fineTune: boolean;
  /** `stages.evaluate.run` and `.compare`: the runs evaluate reads (default the dataset's own). */
  evaluatedRuns: string[];
  /** `stages.curve.heldout`: the dataset whose test frames judge the learning curve. */
  curveHeldout?: string;
}

/** Read the facts the targets depend on; never throws (a broken manifest still gets a project). */
export function manifestFacts(file: string, text: string): ManifestFacts {
  const name = path.basename(file, '.json');
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch {
    raw = undefined;
  }
  if (!isObject(raw)) {
    return { name, file, parsed: false, hasGenerators: false, hasVideoFiles: false, stages: new Set(), fineTune: false, evaluatedRuns: [] };
  }
  const sources = Array.isArray(raw.sources) ? raw.sources.filter(isObject) : [];
  const stages = isObject(raw.stages) ? raw.stages : {};
  const train = isObject(stages.train) ? stages.train : {};
  const evaluate = isObject(stages.evaluate) ? stages.evaluate : {};
  const evaluatedRuns = [evaluate.run, evaluate.compare].filter((r): r is string => typeof r === 'string');
  const curve = isObject(stages.curve) ? stages.curve : {};
  return {
    name,
    file,
    parsed: true,
    description: typeof raw.description === 'string' ? raw.description : undefined,
    hasGenerators: sources.some((s) => s.kind === 'generator'),
    hasVideoFiles: sources.some((s) => s.kind === 'videos'),
    stages: new Set(Object.keys(stages)),
    fineTune: train.adversarialFineTune !== undefined,
    evaluatedRuns: evaluatedRuns.length ? evaluatedRuns : [name],
    ...(typeof curve.heldout === 'string' ? { curveHeldout: curve.heldout } : {}),
  };
}

/** The runs a dataset's `train` target writes (named as libs/manifest names them). */
export function runsOf(facts: ManifestFacts): string[] {
  return trainedRunNames(facts.name, facts.fineTune);
}

export interface DatasetProjectOptions {
  facts: ManifestFacts;
  /** Every dataset (this one included), to find which dataset's training writes an evaluated run. */
  datasets: readonly ManifestFacts[];
  /** The Nx projects whose code each stage runs (`stageCode`). */
  stageCode: Readonly<Record<Stage, StageCode>>;
  /** The Nx project name (the dataset name, unless another project already has it). */
  projectName: string;
  /** Another dataset's Nx project name (default: its name). */
  projectNameOf?: (dataset: string) => string;
}

const CLI = 'node apps/cli/bin/nextframe.js';
const FINGERPRINT = 'node --require tsx/cjs tools/workspace-scripts/src/print-source-fingerprint.ts';

/**
 * The dataset's Nx project: a target per stage its manifest has, each cached on the stage's code,
 * its input stage's outputs and, of this manifest only, the fields the stage reads.
 */
export function datasetProject(options: DatasetProjectOptions): ProjectConfiguration {
  const { facts, stageCode } = options;
  const n = facts.name;
  const has = (stage: string) => !facts.parsed || facts.stages.has(stage);
  // What of the manifest a stage reads. A manifest that does not parse is hashed whole: its
  // stages run and print the parse error.
  const manifest = (...fields: string[]) =>
    facts.parsed ? { json: `{workspaceRoot}/${facts.file}`, fields: ['name', ...fields] } : `{workspaceRoot}/${facts.file}`;
  const code = (stage: Stage) => [
    { input: 'production', projects: [...stageCode[stage].projects] },
    'sharedGlobals',
    '{workspaceRoot}/apps/cli/bin/nextframe.js',
    '{workspaceRoot}/tsconfig.json',
  ];
  const ffmpeg = { runtime: `${FINGERPRINT} ffmpeg` };
  // A stage that predicts with trained checkpoints on extracted frames (evaluate, curve).
  const predictionInputs = (stage: 'evaluate' | 'curve') => [
    ...code(stage),
    manifest(`stages.${stage}`),
    { env: 'NEXTFRAME_BACKEND' },
    { dependentTasksOutputFiles: '**/checkpoint.json', transitive: true },
    { dependentTasksOutputFiles: '**/index.json', transitive: true },
  ];
  const targets: Record<string, TargetConfiguration> = {};

  if (facts.hasGenerators) {
    targets.generate = target({
      command: `node --require tsx/cjs tools/demo-data/src/main.ts --manifest=${n}`,
      description: `make the videos of ${facts.file}'s generators → data/${n}/videos`,
      inputs: [...code('generate'), manifest('sources'), ffmpeg],
      outputs: [`{workspaceRoot}/data/${n}/videos`],
    });
  }
  targets.extract = target({
    command: `${CLI} extract --manifest=${n}`,
    description: `frames of every source video → data/${n}/frames/{train,test}`,
    dependsOn: facts.hasGenerators ? ['generate'] : [],
    inputs: [
      ...code('extract'),
      manifest('sources', 'split', 'stages.extract'),
      ffmpeg,
      // Your own video files (path, size, modification time); generated ones by content below.
      ...(facts.hasVideoFiles || !facts.parsed ? [{ runtime: `${FINGERPRINT} videos ${n}` }] : []),
      ...(facts.hasGenerators ? [{ dependentTasksOutputFiles: '**/*.mp4' }] : []),
    ],
    outputs: [`{workspaceRoot}/data/${n}/frames`],
  });
  const trains = has('train');
  if (has('crop') || trains) {
    targets.crop = target({
      command: `${CLI} crop --manifest=${n} --overwrite`,
      description: `random movement-filtered clips of data/${n}/frames/train → data/${n}/clips`,
      dependsOn: ['extract'],
      inputs: [...code('crop'), manifest('stages.crop'), { dependentTasksOutputFiles: '**/index.json' }],
      outputs: [`{workspaceRoot}/data/${n}/clips`],
    });
  }
  if (trains) {
    targets.train = target({
      command: `${CLI} train --manifest=${n} --overwrite`,
      description: `train on data/${n}/clips → ${runsOf(facts).map((r) => `${RUNS_FOLDER}/${r}`).join(', ')}`,
      dependsOn: ['crop'],
      inputs: [
        ...code('train'),
        manifest('stages.train'),
        { env: 'NEXTFRAME_BACKEND' },
        { dependentTasksOutputFiles: '**/clips.json', transitive: true },
        { dependentTasksOutputFiles: '**/index.json', transitive: true },
      ],
      outputs: runsOf(facts).flatMap((r) => TRAINING_OUTPUTS.map((entry) => `{workspaceRoot}/${RUNS_FOLDER}/${r}/${entry}`)),
    });
  }
  if (has('evaluate')) {
    targets.evaluate = target({
      command: `${CLI} evaluate --manifest=${n}`,
      description: `recursive predictions of ${facts.evaluatedRuns.join(' and ')} on data/${n}/frames/test → ${RUNS_FOLDER}/${n}/${RUN_LAYOUT.eval}/report.html`,
      dependsOn: ['extract', ...trainingOf(options)],
      inputs: predictionInputs('evaluate'),
      outputs: [`{workspaceRoot}/${RUNS_FOLDER}/${n}/${RUN_LAYOUT.eval}`],
    });
  }
  if (has('curve') && trains) {
    const heldout = options.datasets.find((d) => d.name === facts.curveHeldout);
    targets.curve = target({
      command: `${CLI} curve --manifest=${n}`,
      description: `every checkpoint of ${runsOf(facts).map((r) => `${RUNS_FOLDER}/${r}`).join(' and ')} on data/${facts.curveHeldout ?? '<heldout>'}/frames/test → ${RUNS_FOLDER}/${n}/${RUN_LAYOUT.curve}/report.html, curve.png`,
      dependsOn: ['train', ...(heldout ? [{ projects: [(options.projectNameOf ?? ((d: string) => d))(heldout.name)], target: 'extract' }] : [])],
      inputs: predictionInputs('curve'),
      outputs: [`{workspaceRoot}/${RUNS_FOLDER}/${n}/${RUN_LAYOUT.curve}`],
    });
  }
  if (trains) {
    // The model worth showing: the run evaluate judges when this dataset trains it, else its own.
    const run = runsOf(facts).includes(facts.evaluatedRuns[0]) ? facts.evaluatedRuns[0] : n;
    targets.export = target({
      command: `${CLI} export -n ${run} --out dist/${n}-web --sample data/${n}/frames/test`,
      description: `runs/${run} as a TF.js layers model and a web page that predicts in the browser → dist/${n}-web`,
      dependsOn: ['train', 'extract'],
      inputs: [...code('export'), { dependentTasksOutputFiles: '**/checkpoint.json', transitive: true }, { dependentTasksOutputFiles: '**/index.json', transitive: true }],
      outputs: [`{workspaceRoot}/dist/${n}-web`],
    });
  }
  return {
    name: options.projectName,
    root: path.posix.join('data-manifests', n),
    projectType: 'application',
    tags: ['type:dataset'],
    // So `nx graph` shows which stage apps a dataset runs.
    implicitDependencies: [
      ...new Set(Object.keys(targets).map((t) => stageCode[t as Stage].app)),
      ...trainingOf(options).flatMap((d) => (typeof d === 'string' ? [] : (d.projects as string[]))),
    ],
    metadata: { description: facts.parsed ? (facts.description ?? `dataset ${n}`) : `${facts.file} does not parse: its targets report the error` },
    targets,
  };
}

/** Evaluate runs after the training that writes the runs it reads: its own, or another dataset's. */
function trainingOf({ facts, datasets, projectNameOf = (d) => d }: DatasetProjectOptions): (string | TargetDependencyConfig)[] {
  const deps: (string | TargetDependencyConfig)[] = [];
  for (const run of facts.evaluatedRuns) {
    const owner = datasets.find((d) => d.stages.has('train') && runsOf(d).includes(run));
    if (!owner) continue; // a run trained outside Nx: evaluate reads it as it is
    const dep = owner.name === facts.name ? 'train' : { projects: [projectNameOf(owner.name)], target: 'train' };
    if (!deps.some((d) => JSON.stringify(d) === JSON.stringify(dep))) deps.push(dep);
  }
  return deps;
}

function target(spec: {
  command: string;
  description: string;
  dependsOn?: (string | TargetDependencyConfig)[];
  inputs: TargetConfiguration['inputs'];
  outputs: string[];
}): TargetConfiguration {
  return {
    executor: 'nx:run-commands',
    cache: true,
    ...(spec.dependsOn?.length ? { dependsOn: spec.dependsOn } : {}),
    inputs: spec.inputs,
    outputs: spec.outputs,
    options: { command: spec.command },
    metadata: { description: spec.description },
  };
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
