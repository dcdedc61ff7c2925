// Shopify's Admin GraphQL contract, as Shopify publishes it, for the fake Shopify in the tests.
//
// Reads the introspection Shopify ships in npm @shopify/dev-mcp (App.Tests/Shopify/Schema/admin_<version>.json.gz)
// with graphql-js (buildClientSchema) and answers, one JSON line per request on stdin/stdout:
//   {"id":1,"op":"check","version":"2026-10","query":"…","variables":{…},"scopes":"read_orders,…"}
//     → the document parsed and validated against the schema, the variables coerced against their input types
//       (URL, DateTime, Decimal, Money, UnsignedInt64, enums, required fields, gid:// ids of the right type,
//       arrays ≤ 250), the requested cost by Shopify's published rules, deprecated fields/arguments/input
//       fields/enum values used, and the scopes the schema says each root field needs. With "documentOnly": true,
//       a document alone (its variables unknown): what the app's code sends, checked without a request.
//   {"id":2,"op":"shape","version":"2026-10","query":"…","variables":{…},"data":{…}}
//     → the fake's answer run through graphql-js's executor against the same schema: only what the query asked
//       for, under its aliases, connections paged by first/after/last/before with cursors and pageInfo, every
//       enum and scalar serialized as the schema says (a fake answer the schema would not allow is an error), and
//       the actual cost of what came back.
//
// Cost rules (shopify.dev, "GraphQL Admin API rate limits"): scalars and enums 0, objects 1, interfaces and unions
// the maximum of their possible selections, connections 2 + first/last × the cost of one node (nested connections
// multiply), each mutation field 10; a query whose requested cost is over 1,000 is refused (MAX_COST_EXCEEDED).
// Shopify's limits (shopify.dev, "Shopify API limits"): an input array holds at most 250 items; a page at most 250.
//
// Installed by scripts/test.sh into .tools (npm graphql); started by App.Tests/Infrastructure/ShopifyContract.cs.
'use strict';
const fs = require('fs');
const path = require('path');
const zlib = require('zlib');
const readline = require('readline');

const root = path.resolve(__dirname, '..');
const g = require(require.resolve('graphql', { paths: [path.join(root, '.tools')] }));
const { getVariableValues } = require(require.resolve('graphql/execution/values', { paths: [path.join(root, '.tools')] }));

const MAX_COST = 1000;
const MAX_PAGE = 250;
const MAX_INPUT_ARRAY = 250;
const schemaDir = path.resolve(process.argv[2] || path.join(root, 'App.Tests', 'Shopify', 'Schema'));
const schemas = new Map();

/** A version's schema, built once: graphql-js's schema plus what Shopify adds to introspection (gid types, access). */
function schemaFor(version) {
  if (schemas.has(version)) return schemas.get(version);
  const file = path.join(schemaDir, `admin_${version}.json.gz`);
  if (!fs.existsSync(file)) return null;
  const json = JSON.parse(zlib.gunzipSync(fs.readFileSync(file)));
  const intro = json.data || json;
  const schema = g.buildClientSchema(intro);
  const gidTypes = new Map();      // "Type.field(arg)" and "InputType.field" → accepted gid types
  const requiredAccess = new Map(); // "Type.field" → Shopify's requiredAccess text
  for (const type of intro.__schema.types) {
    for (const field of type.fields || []) {
      if (field.requiredAccess) requiredAccess.set(`${type.name}.${field.name}`, field.requiredAccess);
      for (const arg of field.args || []) if (arg.gidTypes) gidTypes.set(`${type.name}.${field.name}(${arg.name})`, arg.gidTypes);
    }
    for (const field of type.inputFields || []) if (field.gidTypes) gidTypes.set(`${type.name}.${field.name}`, field.gidTypes);
  }
  strictScalars(schema);
  const entry = { schema, gidTypes, requiredAccess };
  schemas.set(version, entry);
  return entry;
}

/** Shopify's custom scalars, as their descriptions in the schema define them (introspection carries no parser). */
function strictScalars(schema) {
  const str = (name, test, what) => {
    const type = schema.getType(name);
    if (!type) return;
    const check = value => {
      if (typeof value !== 'string' || !test(value)) throw new TypeError(`${name} must be ${what}; got ${JSON.stringify(value)}.`);
      return value;
    };
    type.parseValue = check;
    type.parseLiteral = ast => {
      if (ast.kind !== g.Kind.STRING) throw new TypeError(`${name} must be a string literal.`);
      return check(ast.value);
    };
    type.serialize = check;
  };
  const absoluteUrl = v => { try { const u = new URL(v); return /^[a-z][a-z0-9+.-]*:$/i.test(u.protocol) && (u.protocol === 'mailto:' || u.host.length > 0); } catch { return false; } };
  const decimal = v => /^-?\d+(\.\d+)?$/.test(v);
  str('URL', absoluteUrl, 'an absolute RFC 3986 URI with a scheme and a host (e.g. "https://example.myshopify.com")');
  str('DateTime', v => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?$/.test(v) && !isNaN(Date.parse(v)), 'an ISO 8601 date and time');
  str('Date', v => /^\d{4}-\d{2}-\d{2}$/.test(v), 'an ISO 8601 date (YYYY-MM-DD)');
  str('Decimal', decimal, 'a decimal number as a string (e.g. "29.99")');
  str('Money', decimal, 'a monetary value string without a currency symbol (e.g. "100.57")');
  str('UnsignedInt64', v => /^\d+$/.test(v) && BigInt(v) < 2n ** 64n, 'an unsigned 64-bit integer as a string of digits (e.g. "50")');
  str('Color', v => /^#[0-9a-fA-F]{6}$/.test(v), 'a hex colour (#RRGGBB)');
  str('HTML', () => true, 'a string of HTML');
  str('FormattedString', () => true, 'a string');
  str('UtcOffset', v => /^[+-]\d{2}:\d{2}$/.test(v), 'a UTC offset such as "+01:00"');
}

function error(message, code, extra) {
  return { message, extensions: Object.assign({ code }, extra || {}) };
}

/** graphql-ruby's validation codes, which Shopify sends, for graphql-js's rules. */
function validationCode(message) {
  if (/^Cannot query field/.test(message)) return 'undefinedField';
  if (/^Unknown argument/.test(message)) return 'argumentNotAccepted';
  if (/argument .* is required/.test(message)) return 'missingRequiredArguments';
  if (/^Unknown type/.test(message)) return 'undefinedType';
  if (/^Variable .* is never used/.test(message)) return 'variableNotUsed';
  if (/^Variable .* is not defined/.test(message)) return 'undefinedVariable';
  if (/used in position expecting/.test(message)) return 'variableMismatch';
  if (/must have a selection of subfields|must not have a selection/.test(message)) return 'selectionMismatch';
  if (/cannot represent|Expected value of type|Expected type/.test(message)) return 'argumentLiteralsIncompatible';
  return 'GRAPHQL_VALIDATION_FAILED';
}

function locations(err) {
  return err.locations ? err.locations.map(l => ({ line: l.line, column: l.column })) : undefined;
}

function isConnection(type) {
  return g.isObjectType(type) && /Connection$/.test(type.name) && !!type.getFields().pageInfo;
}

/** The fields selected on a concrete object type (fragments whose condition applies to it merged in). */
function collect(schema, fragments, selectionSet, objectType, variables, into) {
  into = into || [];
  if (!selectionSet) return into;
  for (const sel of selectionSet.selections) {
    if (skipped(sel, variables)) continue;
    if (sel.kind === g.Kind.FIELD) into.push(sel);
    else if (sel.kind === g.Kind.INLINE_FRAGMENT) {
      if (applies(schema, sel.typeCondition, objectType)) collect(schema, fragments, sel.selectionSet, objectType, variables, into);
    } else if (sel.kind === g.Kind.FRAGMENT_SPREAD) {
      const frag = fragments[sel.name.value];
      if (frag && applies(schema, frag.typeCondition, objectType)) collect(schema, fragments, frag.selectionSet, objectType, variables, into);
    }
  }
  return into;
}

function applies(schema, condition, objectType) {
  if (!condition) return true;
  const type = schema.getType(condition.name.value);
  if (!type) return false;
  if (type === objectType) return true;
  return g.isAbstractType(type) && schema.isSubType(type, objectType);
}

function skipped(node, variables) {
  for (const d of node.directives || []) {
    const arg = d.arguments && d.arguments.find(a => a.name.value === 'if');
    if (!arg) continue;
    const value = g.valueFromASTUntyped(arg.value, variables);
    if (d.name.value === 'skip' && value === true) return true;
    if (d.name.value === 'include' && value === false) return true;
  }
  return false;
}

function argValue(field, name, variables) {
  const arg = (field.arguments || []).find(a => a.name.value === name);
  return arg ? g.valueFromASTUntyped(arg.value, variables) : undefined;
}

/**
 * The cost of a selection on a type, by Shopify's rules. With `data`, the actual cost of what came back (a null
 * object costs nothing, a connection counts the nodes returned); without, the requested cost.
 */
function selectionCost(ctx, selectionSet, type, data) {
  if (g.isAbstractType(type)) {
    let max = 0;
    for (const possible of ctx.schema.getPossibleTypes(type)) {
      if (data && data.__typename && data.__typename !== possible.name) continue;
      max = Math.max(max, objectCost(ctx, selectionSet, possible, data));
    }
    return max;
  }
  return objectCost(ctx, selectionSet, type, data);
}

function objectCost(ctx, selectionSet, objectType, data) {
  let total = 0;
  for (const field of collect(ctx.schema, ctx.fragments, selectionSet, objectType, ctx.variables)) {
    const name = field.name.value;
    if (name === '__typename') continue;
    const def = objectType.getFields()[name];
    if (!def) continue;
    const value = data === undefined ? undefined : data == null ? null : data[(field.alias || field.name).value];
    total += fieldCost(ctx, field, def, value, data !== undefined);
  }
  return total;
}

function fieldCost(ctx, field, def, value, actual) {
  const named = g.getNamedType(def.type);
  if (g.isLeafType(named)) return 0;
  if (actual && value == null) return 0;
  if (isConnection(named)) {
    const size = argValue(field, 'first', ctx.variables) ?? argValue(field, 'last', ctx.variables);
    const nodeType = g.getNamedType(named.getFields().nodes ? named.getFields().nodes.type : named.getFields().edges.type);
    let perNode = 0;
    for (const sub of collect(ctx.schema, ctx.fragments, field.selectionSet, named, ctx.variables)) {
      const subName = sub.name.value;
      if (subName === 'nodes') perNode = Math.max(perNode, nodeCost(ctx, sub.selectionSet, nodeType, actual ? value && value[(sub.alias || sub.name).value] : undefined));
      else if (subName === 'edges') {
        const edgeType = g.getNamedType(named.getFields().edges.type);
        for (const edgeField of collect(ctx.schema, ctx.fragments, sub.selectionSet, edgeType, ctx.variables))
          if (edgeField.name.value === 'node') {
            const edges = actual ? value && value[(sub.alias || sub.name).value] : undefined;
            const nodes = edges ? edges.map(e => e && e[(edgeField.alias || edgeField.name).value]) : undefined;
            perNode = Math.max(perNode, nodeCost(ctx, edgeField.selectionSet, nodeType, nodes));
          }
      }
    }
    // Requested: 2 + first × one node's cost. Actual: 2 + what the returned nodes cost.
    if (actual) return 2 + perNode;
    if (typeof size !== 'number') return 2;
    return 2 + size * perNode;
  }
  const inner = actual && Array.isArray(value)
    ? value.reduce((sum, item) => sum + (item == null ? 0 : 1 + selectionCost(ctx, field.selectionSet, named, item)), 0)
    : 1 + selectionCost(ctx, field.selectionSet, named, actual ? value : undefined);
  return inner;
}

/** Requested: one node's cost. Actual (with the list returned): the sum over the nodes. */
function nodeCost(ctx, selectionSet, nodeType, nodes) {
  if (nodes === undefined) return 1 + selectionCost(ctx, selectionSet, nodeType, undefined);
  if (!Array.isArray(nodes)) return 0;
  return nodes.reduce((sum, n) => sum + (n == null ? 0 : 1 + selectionCost(ctx, selectionSet, nodeType, n)), 0);
}

/** Every connection asks for first or last, at most 250 (Shopify refuses an unbounded or oversized page). */
function pageErrors(ctx, selectionSet, type, pathSoFar, errors) {
  const types = g.isAbstractType(type) ? ctx.schema.getPossibleTypes(type) : [type];
  for (const objectType of types) {
    for (const field of collect(ctx.schema, ctx.fragments, selectionSet, objectType, ctx.variables)) {
      const def = objectType.getFields()[field.name.value];
      if (!def) continue;
      const named = g.getNamedType(def.type);
      const here = pathSoFar.concat((field.alias || field.name).value);
      if (isConnection(named)) {
        const first = argValue(field, 'first', ctx.variables);
        const last = argValue(field, 'last', ctx.variables);
        if (first == null && last == null)
          errors.push(error('you must provide one of first or last', 'BAD_REQUEST', { path: here }));
        else if ((first ?? last) > MAX_PAGE || (first ?? last) < 0)
          errors.push(error(`The page size requested for ${def.name} (${first ?? last}) is out of range: at most ${MAX_PAGE} records can be requested.`, 'BAD_REQUEST', { path: here }));
      }
      if (field.selectionSet && !g.isLeafType(named)) pageErrors(ctx, field.selectionSet, named, here, errors);
    }
  }
}

/** gid:// ids of the types Shopify accepts for an argument or input field, and input arrays of at most 250. */
function inputErrors(entry, ctx, operation, errors) {
  const checkId = (value, types, where) => {
    if (value == null) return;
    if (Array.isArray(value)) { value.forEach((v, i) => checkId(v, types, `${where}[${i}]`)); return; }
    const m = /^gid:\/\/shopify\/([A-Za-z]+)\/[^/\s]+$/.exec(String(value));
    // A type named by gidTypes may be an interface (node(id:) takes any Node): its implementations are accepted.
    const accepted = types.flatMap(t => {
      const named = entry.schema.getType(t);
      return named && g.isAbstractType(named) ? entry.schema.getPossibleTypes(named).map(x => x.name) : [t];
    });
    if (!m || !accepted.includes(m[1]))
      errors.push(error(`Invalid global id '${value}' for ${where}: expected a gid://shopify/${types.join('|')}/… id.`, 'INVALID_VARIABLE', { problems: [{ path: where.split('.'), explanation: 'Invalid global id' }] }));
  };
  const walk = (type, value, where) => {
    if (value == null) return;
    type = g.getNullableType(type);
    if (g.isListType(type)) {
      if (!Array.isArray(value)) return walk(type.ofType, value, where);
      if (value.length > MAX_INPUT_ARRAY)
        errors.push(error(`The input array ${where} has ${value.length} items: at most ${MAX_INPUT_ARRAY} are accepted.`, 'MAX_INPUT_SIZE_EXCEEDED', { problems: [{ path: where.split('.') }] }));
      value.forEach((v, i) => walk(type.ofType, v, `${where}.${i}`));
      return;
    }
    if (g.isInputObjectType(type) && typeof value === 'object') {
      const fields = type.getFields();
      for (const [k, v] of Object.entries(value)) {
        const f = fields[k];
        if (!f) continue;
        const gids = entry.gidTypes.get(`${type.name}.${k}`);
        if (gids) checkId(v, gids, `${where}.${k}`);
        if (f.deprecationReason != null) ctx.deprecations.push({ what: `input field ${type.name}.${k}`, reason: f.deprecationReason });
        walk(f.type, v, `${where}.${k}`);
      }
      return;
    }
    if (g.isEnumType(type)) {
      const ev = type.getValue(value);
      if (ev && ev.deprecationReason != null) ctx.deprecations.push({ what: `enum value ${type.name}.${value}`, reason: ev.deprecationReason });
    }
  };
  const visitFields = (selectionSet, parentType) => {
    const types = g.isAbstractType(parentType) ? ctx.schema.getPossibleTypes(parentType) : [parentType];
    for (const objectType of types)
      for (const field of collect(ctx.schema, ctx.fragments, selectionSet, objectType, ctx.variables)) {
        const def = objectType.getFields()[field.name.value];
        if (!def) continue;
        for (const arg of field.arguments || []) {
          const argDef = def.args.find(a => a.name === arg.name.value);
          if (!argDef) continue;
          const value = g.valueFromAST(arg.value, argDef.type, ctx.variables);
          const gids = entry.gidTypes.get(`${objectType.name}.${def.name}(${argDef.name})`);
          if (gids) checkId(value, gids, `${def.name}.${argDef.name}`);
          walk(argDef.type, value, `${def.name}.${argDef.name}`);
        }
        const named = g.getNamedType(def.type);
        if (field.selectionSet && !g.isLeafType(named)) visitFields(field.selectionSet, named);
      }
  };
  visitFields(operation.selectionSet, ctx.rootType);
}

function check(req) {
  const entry = schemaFor(req.version);
  if (!entry) return { ok: false, errors: [error(`No schema for Admin API version ${req.version} in ${schemaDir}: the fake knows only the versions it was given.`, 'UNSUPPORTED_VERSION')] };
  let document;
  try { document = g.parse(req.query); } catch (e) {
    return { ok: false, errors: [Object.assign(error(e.message, 'parseError'), { locations: locations(e) })] };
  }
  const validation = g.validate(entry.schema, document);
  if (validation.length > 0)
    return { ok: false, errors: validation.map(e => Object.assign(error(e.message, validationCode(e.message)), { locations: locations(e) })) };
  const operations = document.definitions.filter(d => d.kind === g.Kind.OPERATION_DEFINITION);
  const operation = req.operationName ? operations.find(o => o.name && o.name.value === req.operationName) : operations[0];
  if (!operation || (operations.length > 1 && !req.operationName))
    return { ok: false, errors: [error('An operation name is required when the document holds several operations.', 'operationNotFound')] };
  // A document checked on its own (no request): its variables are unknown, the rest is checked as usual.
  const coerced = req.documentOnly ? { coerced: {} }
    : getVariableValues(entry.schema, operation.variableDefinitions || [], req.variables || {});
  if (coerced.errors)
    return { ok: false, errors: coerced.errors.map(e => Object.assign(error(e.message, 'INVALID_VARIABLE', { value: req.variables }), { locations: locations(e) })) };
  const variables = coerced.coerced;
  const rootType = operation.operation === 'mutation' ? entry.schema.getMutationType() : entry.schema.getQueryType();
  const fragments = Object.fromEntries(document.definitions.filter(d => d.kind === g.Kind.FRAGMENT_DEFINITION).map(f => [f.name.value, f]));
  const ctx = { schema: entry.schema, fragments, variables, rootType, deprecations: [] };

  const errors = [];
  pageErrors(ctx, operation.selectionSet, rootType, [], errors);
  inputErrors(entry, ctx, operation, errors);
  if (errors.length > 0) return { ok: false, errors };

  for (const e of g.validate(entry.schema, document, [g.NoDeprecatedCustomRule]))
    ctx.deprecations.push({ what: e.message, reason: e.message });

  const roots = collect(entry.schema, fragments, operation.selectionSet, rootType, variables);
  const requested = operation.operation === 'mutation'
    ? roots.filter(f => f.name.value !== '__typename').length * 10
    : objectCost(ctx, operation.selectionSet, rootType, undefined);
  return {
    ok: true,
    operation: { type: operation.operation, name: operation.name ? operation.name.value : null },
    rootFields: roots.filter(f => f.name.value !== '__typename').map(f => ({
      name: f.name.value, alias: (f.alias || f.name).value,
      requiredAccess: entry.requiredAccess.get(`${rootType.name}.${f.name.value}`) || null,
    })),
    requestedCost: requested,
    maxCost: MAX_COST,
    deprecations: ctx.deprecations,
    variables,
  };
}

function cursor(index) { return Buffer.from(JSON.stringify({ last_index: index })).toString('base64'); }
function fromCursor(c) {
  try { return JSON.parse(Buffer.from(String(c), 'base64').toString()).last_index; } catch { return undefined; }
}

/** A whole list the fake holds, paged as Shopify pages a connection. */
function page(all, args) {
  let start = 0, end = all.length;
  if (args.after != null) { const i = fromCursor(args.after); if (typeof i !== 'number') throw new Error(`Invalid cursor for after: ${args.after}`); start = i + 1; }
  if (args.before != null) { const i = fromCursor(args.before); if (typeof i !== 'number') throw new Error(`Invalid cursor for before: ${args.before}`); end = Math.min(end, i); }
  if (args.reverse) throw new Error('reverse paging is not modelled by the fake');
  let from = start, to = end;
  if (args.first != null) to = Math.min(end, start + args.first);
  else if (args.last != null) from = Math.max(start, end - args.last);
  const nodes = all.slice(from, to);
  return {
    nodes,
    edges: nodes.map((node, i) => ({ node, cursor: cursor(from + i) })),
    pageInfo: {
      hasNextPage: to < all.length, hasPreviousPage: from > 0,
      startCursor: nodes.length ? cursor(from) : null, endCursor: nodes.length ? cursor(to - 1) : null,
    },
  };
}

function shape(req) {
  const entry = schemaFor(req.version);
  const document = g.parse(req.query);
  const operation = document.definitions.find(d => d.kind === g.Kind.OPERATION_DEFINITION);
  const result = g.executeSync({
    schema: entry.schema, document, rootValue: req.data || {}, variableValues: req.variables || {},
    fieldResolver(source, args, _ctx, info) {
      if (source == null || typeof source !== 'object') return null;
      const value = source[info.fieldName];
      const named = g.getNamedType(info.returnType);
      if (isConnection(named) && value && Array.isArray(value.nodes) && !value.pageInfo) return page(value.nodes, args);
      return value === undefined ? null : value;
    },
    typeResolver(value, _ctx, _info, abstractType) {
      if (value && value.__typename) return value.__typename;
      const possible = entry.schema.getPossibleTypes(abstractType);
      return possible.length === 1 ? possible[0].name : undefined;
    },
  });
  const rootType = operation.operation === 'mutation' ? entry.schema.getMutationType() : entry.schema.getQueryType();
  const fragments = Object.fromEntries(document.definitions.filter(d => d.kind === g.Kind.FRAGMENT_DEFINITION).map(f => [f.name.value, f]));
  const coerced = getVariableValues(entry.schema, operation.variableDefinitions || [], req.variables || {});
  const ctx = { schema: entry.schema, fragments, variables: coerced.coerced || {}, rootType, deprecations: [] };
  const actual = operation.operation === 'mutation'
    ? collect(entry.schema, fragments, operation.selectionSet, rootType, ctx.variables).length * 10
    : result.data ? objectCost(ctx, operation.selectionSet, rootType, result.data) : 0;
  return {
    data: result.data === undefined ? null : result.data,
    errors: (result.errors || []).map(e => ({ message: e.message, path: e.path, locations: locations(e) })),
    actualCost: actual,
  };
}

const input = readline.createInterface({ input: process.stdin, crlfDelay: Infinity });
input.on('line', line => {
  if (!line.trim()) return;
  let req;
  try { req = JSON.parse(line); } catch (e) { process.stdout.write(JSON.stringify({ id: null, fatal: e.message }) + '\n'); return; }
  let answer;
  try {
    if (req.op === 'check') answer = check(req);
    else if (req.op === 'shape') answer = shape(req);
    else if (req.op === 'load') answer = { ok: !!schemaFor(req.version) };
    else answer = { fatal: `unknown op ${req.op}` };
  } catch (e) {
    answer = { fatal: String(e && e.stack || e) };
  }
  process.stdout.write(JSON.stringify(Object.assign({ id: req.id }, answer)) + '\n');
});
input.on('close', () => process.exit(0));
