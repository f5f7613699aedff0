// Reads JavaScript with acorn (the parser in the repository's node_modules) and prints, as JSON, the
// AWS calls in it for check.py to hold against the AWS service models:
//
//   node test/aws-definitions/extract.js < [{"name": ..., "code": ...}, ...]
//   -> [{"name": ..., "sdk": [...], "aws": [...], "unread": [...]}, ...]
//
// - sdk: each `new <Op>Command({...})` of the AWS SDK for JavaScript v3, where <Op>Command comes from
//   `require('@aws-sdk/client-<x>')` or `import ... from '@aws-sdk/client-<x>'`: the package, the
//   command and its input. In the input, what is not a literal becomes {"$dynamic": "<source>"},
//   and a spread or computed key becomes the key "...".
// - aws: each call whose arguments are the string 'aws' and an array of arguments, as in
//   exec('aws', ['codepipeline', ...args, '--pipeline-name', x]): the argument words, a non-literal
//   one as "$VALUE". A spread of the enclosing function's parameter (const aws = (args) => exec('aws',
//   ['codepipeline', ...args])) is read from each call of that function with an array literal.
// - unread: the calls of either kind that cannot be read so, with their line, for check.py to report.
'use strict';
const acorn = require('acorn');
const walk = require('acorn-walk');

function parse(code) {
  const options = { ecmaVersion: 'latest', locations: true, allowReturnOutsideFunction: true, allowHashBang: true };
  try {
    return acorn.parse(code, { ...options, sourceType: 'script' });
  } catch {
    return acorn.parse(code, { ...options, sourceType: 'module' });
  }
}

function literal(node) {
  if (node.type === 'Literal' && ['string', 'number', 'boolean'].includes(typeof node.value)) return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked;
  return undefined;
}

function keyName(property) {
  if (property.computed) return undefined;
  return property.key.type === 'Identifier' ? property.key.name : literal(property.key);
}

// An SDK input as JSON: literals as they are, objects and arrays element by element, the rest dynamic.
function input(node, code) {
  const value = literal(node);
  if (value !== undefined) return value;
  if (node.type === 'ArrayExpression') return node.elements.map(e => (e && e.type !== 'SpreadElement' ? input(e, code) : { $dynamic: '...' }));
  if (node.type === 'ObjectExpression') {
    const object = {};
    for (const p of node.properties) {
      const key = p.type === 'Property' ? keyName(p) : undefined;
      if (key === undefined) object['...'] = { $dynamic: code.slice(p.start, p.end) };
      else object[key] = input(p.value, code);
    }
    return object;
  }
  return { $dynamic: code.slice(node.start, node.end) };
}

function extract({ name, code }) {
  const ast = parse(code);
  const result = { name, sdk: [], aws: [], unread: [] };
  const commands = new Map(); // local name -> { pkg, command }
  const namespaces = new Map(); // local name of a whole client package -> pkg
  const isClient = source => typeof source === 'string' && source.startsWith('@aws-sdk/client-');

  // What each client package brings in, by require or by import.
  walk.simple(ast, {
    VariableDeclarator(node) {
      const init = node.init;
      if (!init || init.type !== 'CallExpression' || init.callee.name !== 'require' || !isClient(literal(init.arguments[0] ?? {}))) return;
      const pkg = literal(init.arguments[0]);
      if (node.id.type === 'Identifier') namespaces.set(node.id.name, pkg);
      else if (node.id.type === 'ObjectPattern') {
        for (const p of node.id.properties) if (p.type === 'Property') commands.set(p.value.name, { pkg, command: keyName(p) });
      }
    },
    ImportDeclaration(node) {
      if (!isClient(node.source.value)) return;
      for (const s of node.specifiers) {
        if (s.type === 'ImportSpecifier') commands.set(s.local.name, { pkg: node.source.value, command: s.imported.name ?? s.imported.value });
        else namespaces.set(s.local.name, node.source.value);
      }
    },
  });

  // Functions bound to a name, and calls by name, for the spread of a parameter.
  const calls = new Map(); // function name -> [CallExpression]
  walk.simple(ast, {
    CallExpression(node) {
      if (node.callee.type !== 'Identifier') return;
      if (!calls.has(node.callee.name)) calls.set(node.callee.name, []);
      calls.get(node.callee.name).push(node);
    },
  });
  const boundName = (fn, parent) => {
    if (fn.type === 'FunctionDeclaration') return fn.id.name;
    if (parent && parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
    return undefined;
  };

  // The argument words of exec('aws', [...]), or undefined where a spread cannot be read.
  const words = (elements, ancestors) => {
    let variants = [[]];
    for (const e of elements) {
      if (e && e.type === 'SpreadElement' && e.argument.type === 'Identifier') {
        const at = ancestors.findLastIndex(a => /Function/.test(a.type) && a.params.some(p => p.type === 'Identifier' && p.name === e.argument.name));
        const fn = at >= 0 ? boundName(ancestors[at], ancestors[at - 1]) : undefined;
        const sites = (calls.get(fn) ?? []).map(c => c.arguments[0]);
        if (!fn || sites.length === 0 || sites.some(s => !s || s.type !== 'ArrayExpression')) return undefined;
        const expansions = sites.map(s => s.elements.map(x => (x && literal(x) !== undefined ? String(literal(x)) : '$VALUE')));
        variants = variants.flatMap(v => expansions.map(x => [...v, ...x]));
      } else if (e && e.type === 'SpreadElement') {
        return undefined;
      } else {
        const value = e ? literal(e) : undefined;
        variants = variants.map(v => [...v, value !== undefined ? String(value) : '$VALUE']);
      }
    }
    return variants;
  };

  walk.ancestor(ast, {
    NewExpression(node) {
      const callee = node.callee;
      const known = callee.type === 'Identifier' ? commands.get(callee.name)
        : callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && namespaces.has(callee.object.name) && !callee.computed
          ? { pkg: namespaces.get(callee.object.name), command: callee.property.name } : undefined;
      if (!known || !known.command.endsWith('Command')) return;
      const line = node.loc.start.line;
      const arg = node.arguments[0];
      if (!arg || arg.type !== 'ObjectExpression') {
        result.unread.push({ line, what: `new ${known.command}(${arg ? code.slice(arg.start, arg.end) : ''}): its input is not an object literal` });
        return;
      }
      result.sdk.push({ line, package: known.pkg, command: known.command, input: input(arg, code) });
    },
    CallExpression(node, _state, ancestors) {
      const [command, args] = node.arguments;
      if (!command || literal(command) !== 'aws') return;
      const line = node.loc.start.line;
      const variants = args && args.type === 'ArrayExpression' ? words(args.elements, ancestors) : undefined;
      if (!variants) {
        result.unread.push({ line, what: `${code.slice(node.start, node.end).slice(0, 160)}: its arguments are not an array this reader can follow` });
        return;
      }
      for (const v of variants) result.aws.push({ line, words: v });
    },
  });
  return result;
}

const sources = JSON.parse(require('fs').readFileSync(0, 'utf-8'));
process.stdout.write(JSON.stringify(sources.map(extract)));
