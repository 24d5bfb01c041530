import { readdirSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';

/** The limits STYLE.md sets for apps/ and libs/: lines per function (test callbacks included) and per file. */
export const CODE_SIZE_LIMITS = { functionLines: 60, fileLines: 300 } as const;

/** A function or file over its limit: `apps/x/src/y.ts:12 describe('…') 64 lines`. */
export interface Oversize {
  file: string;
  line: number;
  what: string;
  lines: number;
}

/** Every TypeScript and JavaScript file under `dirs` (relative to `root`), vendored code and node_modules left out. */
export function sourceFilesUnder(root: string, dirs: readonly string[]): string[] {
  return dirs.flatMap((dir) =>
    readdirSync(path.join(root, dir), { withFileTypes: true, recursive: true })
      .filter((e) => e.isFile() && /\.(ts|js)$/.test(e.name))
      .map((e) => path.relative(root, path.join(e.parentPath, e.name)))
      .filter((f) => !f.split(path.sep).some((part) => part === 'node_modules' || part === 'vendor')),
  );
}

/** The functions (named, arrow, and the callbacks of `describe`/`it`) and the file over the limits in one source text. */
export function oversizeIn(file: string, text: string, limits: { functionLines: number; fileLines: number } = CODE_SIZE_LIMITS): Oversize[] {
  const found: Oversize[] = [];
  const lines = text.split('\n').length;
  if (lines > limits.fileLines) found.push({ file, line: 1, what: 'file', lines });
  const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
  const lineOf = (pos: number) => source.getLineAndCharacterOfPosition(pos).line + 1;
  const visit = (node: ts.Node) => {
    if (ts.isFunctionLike(node) && 'body' in node && node.body) {
      const length = lineOf(node.getEnd()) - lineOf(node.getStart()) + 1;
      if (length > limits.functionLines) found.push({ file, line: lineOf(node.getStart()), what: describeFunction(node), lines: length });
    }
    ts.forEachChild(node, visit);
  };
  visit(source);
  return found;
}

function describeFunction(node: ts.SignatureDeclaration): string {
  if (node.name) return node.name.getText();
  const parent = node.parent;
  if (ts.isCallExpression(parent)) return `${parent.expression.getText()}(${parent.arguments[0]?.getText().slice(0, 50) ?? ''})`;
  if (ts.isVariableDeclaration(parent)) return parent.name.getText();
  return 'function';
}

/** Everything over the limits in apps/ and libs/ of the workspace at `root`. */
export function workspaceOversize(root: string): Oversize[] {
  return sourceFilesUnder(root, ['apps', 'libs']).flatMap((file) => oversizeIn(file, readFileSync(path.join(root, file), 'utf8')));
}
