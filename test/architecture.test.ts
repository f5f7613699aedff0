import * as fs from 'fs';
import * as path from 'path';

// The folders of src/ and what each imports (ARCHITECTURE.md, "The layers"): dependencies point one
// way, and src/private/ (helpers several folders share) imports no capability folder.
const SRC = path.join(__dirname, '..', 'src');

/** Every TypeScript file under a folder, recursively. */
function sourcesIn(dir: string): string[] {
  return (fs.readdirSync(dir, { recursive: true, encoding: 'utf-8' }))
    .filter(f => f.endsWith('.ts') && !f.endsWith('.d.ts'))
    .map(f => path.join(dir, f));
}

/** The top folder of src/ a file is in ('' for src/index.ts). */
function folderOf(file: string): string {
  const parts = path.relative(SRC, file).split(path.sep);
  return parts.length > 1 ? parts[0] : '';
}

/** Each folder's imports of other folders, with the files that make them. */
function folderImports(): Map<string, Map<string, string[]>> {
  const graph = new Map<string, Map<string, string[]>>();
  for (const file of sourcesIn(SRC)) {
    const from = folderOf(file);
    if (from === '') continue; // src/index.ts re-exports every folder
    for (const [, spec] of fs.readFileSync(file, 'utf-8').matchAll(/from '(\.[^']*)'/g)) {
      const to = folderOf(path.resolve(path.dirname(file), spec));
      if (to === from) continue;
      if (!graph.has(from)) graph.set(from, new Map());
      const edges = graph.get(from)!;
      edges.set(to, [...edges.get(to) ?? [], path.relative(SRC, file)]);
    }
  }
  return graph;
}

/** Every cycle of folders, as the folders in order, the first repeated at the end. */
function cycles(graph: Map<string, Map<string, string[]>>): string[][] {
  const found: string[][] = [];
  const visit = (folder: string, trail: string[]) => {
    for (const next of graph.get(folder)?.keys() ?? []) {
      if (trail.includes(next)) {
        if (next === trail[0]) found.push([...trail, next]);
      } else {
        visit(next, [...trail, next]);
      }
    }
  };
  for (const folder of graph.keys()) visit(folder, [folder]);
  return found;
}

test('no two folders of src/ import each other, directly or through others', () => {
  expect(cycles(folderImports())).toEqual([]);
});

test('src/private/ imports no capability folder: its helpers are shared downwards only', () => {
  const imports = folderImports().get('private') ?? new Map();
  expect(Object.fromEntries(imports)).toEqual({});
});

test('the check finds a cycle where there is one', () => {
  const graph = new Map([
    ['a', new Map([['b', ['a/x.ts']]])],
    ['b', new Map([['c', ['b/y.ts']]])],
    ['c', new Map([['a', ['c/z.ts']]])],
  ]);
  expect(cycles(graph)).toContainEqual(['a', 'b', 'c', 'a']);
  expect(cycles(new Map([['a', new Map([['b', ['a/x.ts']]])]]))).toEqual([]);
});

// Snapshots guard drift, and a person reads their diffs: none may grow past what one can review.
const SNAPSHOT_LIMIT = 200 * 1024;

test('no snapshot file is over 200 KB', () => {
  const root = path.join(__dirname);
  const snapshots = (fs.readdirSync(root, { recursive: true, encoding: 'utf-8' }))
    .filter(f => f.endsWith('.snap') && !f.includes('.work'))
    .map(f => [f, fs.statSync(path.join(root, f)).size] as const);
  expect(snapshots.length).toBeGreaterThan(0);
  expect(snapshots.filter(([, size]) => size > SNAPSHOT_LIMIT)).toEqual([]);
});
