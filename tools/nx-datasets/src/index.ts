/**
 * The local Nx plugin (registered in nx.json as ./tools/nx-datasets/plugin.js): every
 * `data-manifests/<name>.json` becomes an Nx project named after its dataset, with the targets
 * `generate` (when it has generators), `extract`, `crop`, `train` and `evaluate` — inferred the
 * way `@nx/jest` infers `test` from a jest.config. Nothing to write for a new dataset but its
 * manifest: `nx run mine:train`, `nx run-many -t evaluate`, `nx show project demo`.
 */
import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import type { CreateNodesResult, CreateNodesV2 } from '@nx/devkit';
import { datasetProject, manifestFacts } from './dataset-project';
import { STAGES, stageCode, type Stage, type StageCode } from './stage-projects';

const MANIFESTS = 'data-manifests/*.json';

export const createNodesV2: CreateNodesV2 = [
  MANIFESTS,
  (files, _options, context) => {
    const manifests = files.filter((f) => !f.endsWith('.schema.json'));
    const root = context.workspaceRoot;
    const datasets = manifests.map((file) => manifestFacts(file, readFileSync(path.join(root, file), 'utf8')));
    const code = Object.fromEntries(STAGES.map((s) => [s, stageCode(s, root)])) as Record<Stage, StageCode>;
    const taken = workspaceProjectNames(root);
    // A dataset named like one of the workspace's own projects (say `train`) would make Nx
    // refuse the whole workspace; it gets a suffix instead.
    const projectNameOf = (dataset: string) => (taken.has(dataset) ? `${dataset}-dataset` : dataset);
    return datasets.map((facts): [string, CreateNodesResult] => {
      const project = datasetProject({ facts, datasets, stageCode: code, projectName: projectNameOf(facts.name), projectNameOf });
      return [facts.file, { projects: { [project.root]: project } }];
    });
  },
];

/** Nx 22+ calls `createNodes` with the v2 signature too. */
export const createNodes = createNodesV2;

/** Names of the projects under apps/, libs/ and tools/ (each has a project.json). */
function workspaceProjectNames(root: string): Set<string> {
  const names = new Set<string>();
  for (const group of ['apps', 'libs', 'tools']) {
    let entries: string[] = [];
    try {
      entries = readdirSync(path.join(root, group));
    } catch {
      continue;
    }
    for (const entry of entries) {
      try {
        const project = JSON.parse(readFileSync(path.join(root, group, entry, 'project.json'), 'utf8')) as { name?: string };
        names.add(project.name ?? entry);
      } catch {
        // not a project
      }
    }
  }
  return names;
}
