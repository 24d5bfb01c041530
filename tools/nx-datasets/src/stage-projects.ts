import { existsSync, readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';

/** The pipeline stages a dataset project runs, in order. */
export type Stage = 'generate' | 'extract' | 'crop' | 'train' | 'evaluate' | 'curve' | 'export';
export const STAGES: readonly Stage[] = ['generate', 'extract', 'crop', 'train', 'evaluate', 'curve', 'export'];

/** Where each stage's code lives: the stage apps stay the code, dataset projects only run them. */
export const STAGE_ROOTS: Readonly<Record<Stage, string>> = {
  generate: 'tools/demo-data',
  extract: 'apps/extract-frames',
  crop: 'apps/crop-clips',
  train: 'apps/train',
  evaluate: 'apps/evaluate',
  curve: 'apps/evaluate',
  export: 'apps/export',
};

/** A stage's app project and every project whose code it runs (the app included). */
export interface StageCode {
  app: string;
  projects: string[];
}

/**
 * The Nx projects whose code a stage runs: its app and, transitively, the `@nextframe/*`
 * libraries its production sources import (tests and `testing` entries left out). A target's
 * cache key hashes exactly these, so a change to the model library reruns train and evaluate
 * but not extract.
 */
export function stageCode(stage: Stage, workspaceRoot: string): StageCode {
  const libs = libraryRoots(workspaceRoot);
  const seen = new Set<string>();
  const visit = (root: string) => {
    if (seen.has(root)) return;
    seen.add(root);
    for (const file of sourceFiles(path.join(workspaceRoot, root))) {
      for (const match of readFileSync(file, 'utf8').matchAll(/(?:from\s+|require\(\s*|import\(\s*)['"](@nextframe\/[\w-]+(?:\/[\w-]+)?)['"]/g)) {
        const lib = libs.get(match[1]);
        if (lib) visit(lib);
      }
    }
  };
  visit(STAGE_ROOTS[stage]);
  return { app: projectName(workspaceRoot, STAGE_ROOTS[stage]), projects: [...seen].map((root) => projectName(workspaceRoot, root)).sort() };
}

/** `@nextframe/model` → `libs/model`, from tsconfig.base.json's paths. */
function libraryRoots(workspaceRoot: string): Map<string, string> {
  const tsconfig = JSON.parse(readFileSync(path.join(workspaceRoot, 'tsconfig.base.json'), 'utf8')) as { compilerOptions?: { paths?: Record<string, string[]> } };
  const roots = new Map<string, string>();
  for (const [alias, [target]] of Object.entries(tsconfig.compilerOptions?.paths ?? {})) {
    if (!alias.includes('/testing') && target) roots.set(alias, target.replace(/\/src\/.*$/, ''));
  }
  return roots;
}

function sourceFiles(dir: string): string[] {
  if (!existsSync(dir)) return [];
  return readdirSync(dir, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts') && !e.name.endsWith('.spec.ts') && !e.name.endsWith('.e2e-spec.ts') && e.name !== 'testing.ts')
    .map((e) => path.join(e.parentPath, e.name))
    .filter((f) => !f.includes(`${path.sep}node_modules${path.sep}`));
}

function projectName(workspaceRoot: string, root: string): string {
  const file = path.join(workspaceRoot, root, 'project.json');
  const name = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as { name?: string }).name : undefined;
  return name ?? path.basename(root);
}
