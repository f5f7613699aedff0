/**
 * A template value flattened to text, for reports and for matching against names and ARNs: the
 * parts of `Fn::Join` joined, `Fn::Sub`'s string with its variables put in, `Fn::Select` of a
 * list resolved; a `Ref` renders as `${X}` and an `Fn::GetAtt` as `${X.Attribute}` (pseudo
 * parameters too: `${AWS::Partition}`), and any other intrinsic function as `${Fn::Name}`.
 */
export function renderValue(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (!value || typeof value !== 'object' || Array.isArray(value)) return '${?}';
  const fn = value as Record<string, any>;
  if (typeof fn.Ref === 'string') return `\${${fn.Ref}}`;
  const getAtt = fn['Fn::GetAtt'];
  if (Array.isArray(getAtt)) return `\${${getAtt.map(part => renderValue(part)).join('.')}}`;
  if (typeof getAtt === 'string') return `\${${getAtt}}`;
  const join = fn['Fn::Join'];
  if (Array.isArray(join) && Array.isArray(join[1])) return join[1].map(part => renderValue(part)).join(String(join[0]));
  if (fn['Fn::Sub'] !== undefined) {
    const [text, variables] = Array.isArray(fn['Fn::Sub']) ? fn['Fn::Sub'] : [fn['Fn::Sub'], {}];
    if (typeof text !== 'string') return '${Fn::Sub}';
    return text.replace(/\$\{(!?)([^}]*)\}/g, (whole, literal: string, name: string) =>
      (literal ? `\${${name}}` : variables?.[name] !== undefined ? renderValue(variables[name]) : whole));
  }
  const select = fn['Fn::Select'];
  const selected = Array.isArray(select) && Array.isArray(select[1]) ? select[1][Number(select[0])] : undefined;
  if (selected !== undefined) return renderValue(selected);
  const name = Object.keys(fn)[0];
  return `\${${name ?? '?'}}`;
}

/**
 * The logical ids a template value mentions anywhere: in a `Ref`, an `Fn::GetAtt`, or a
 * `${X}` / `${X.Attribute}` of an `Fn::Sub` string, at any depth (inside `Fn::Join`, `Fn::If`, ...).
 * Pseudo parameters (`AWS::Partition`) are left out.
 */
export function mentionedIds(value: unknown): Set<string> {
  const found = new Set<string>();
  const add = (id: unknown) => {
    if (typeof id === 'string' && !id.startsWith('AWS::')) found.add(id);
  };
  const visit = (node: unknown) => {
    if (Array.isArray(node)) {
      node.forEach(visit);
      return;
    }
    if (!node || typeof node !== 'object') return;
    for (const [key, child] of Object.entries(node)) {
      if (key === 'Ref') {
        add(child);
      } else if (key === 'Fn::GetAtt') {
        add(Array.isArray(child) ? child[0] : typeof child === 'string' ? child.split('.')[0] : undefined);
      } else if (key === 'Fn::Sub') {
        const [text, variables] = Array.isArray(child) ? child : [child, {}];
        if (typeof text === 'string') {
          for (const [, literal, name] of text.matchAll(/\$\{(!?)([^}]*)\}/g)) {
            if (!literal && variables?.[name] === undefined) add(name.split('.')[0]);
          }
        }
        visit(variables);
      } else {
        visit(child);
      }
    }
  };
  visit(value);
  return found;
}

/** Whether `text` holds an IAM wildcard (`*` or `?`). */
export function hasWildcard(text: string): boolean {
  return /[*?]/.test(text);
}

/**
 * The positions in `glob` (an IAM pattern: `*` any run of characters, `?` one) at which a match
 * can stand once it has consumed all of `text`. Empty when no string that starts with `text`
 * matches the glob; a position on a `*` means the star is still open.
 */
function positionsAfter(glob: string, text: string, ignoreCase: boolean): Set<number> {
  const [g, t] = ignoreCase ? [glob.toLowerCase(), text.toLowerCase()] : [glob, text];
  const close = (positions: Set<number>) => {
    for (const i of [...positions]) {
      for (let j = i; g[j] === '*'; j++) positions.add(j + 1);
    }
    return positions;
  };
  let positions = close(new Set([0]));
  for (const c of t) {
    const next = new Set<number>();
    for (const i of positions) {
      if (g[i] === '*') next.add(i);
      else if (i < g.length && (g[i] === '?' || g[i] === c)) next.add(i + 1);
    }
    positions = close(next);
    if (positions.size === 0) break;
  }
  return positions;
}

/** Whether the IAM pattern `glob` matches all of `text`. */
export function globMatches(glob: string, text: string, ignoreCase = false): boolean {
  return positionsAfter(glob, text, ignoreCase).has(glob.length);
}

/** Whether the IAM pattern `glob` matches some string that starts with `prefix`. */
export function globCanStartWith(glob: string, prefix: string, ignoreCase = false): boolean {
  return positionsAfter(glob, prefix, ignoreCase).size > 0;
}

/**
 * Whether the IAM pattern `glob` matches some string made of `prefix` and a rest without
 * `excluded` (a role ARN's name, after `role/`, has no colon): the glob's own text after the
 * prefix must then hold no `excluded` but in what its wildcards stand for.
 */
export function globCanMatchPrefixed(glob: string, prefix: string, excluded: string): boolean {
  return [...positionsAfter(glob, prefix, false)].some(i => !glob.slice(i).includes(excluded));
}
