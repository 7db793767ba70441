import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { TFJS_NODE_UTIL_HELPERS, installTfjsNodeUtilHelpers } from '../lib/node-compat';
import { compareWithOldSemantics, runShimCheck, utilHelpersUsedIn } from '../scripts/check-tfjs-node-shim';

test('the shim defines only missing helpers and leaves existing ones alone', () => {
  const own = (value: unknown): boolean => value === 'mine';
  const target: Record<string, unknown> = { isArray: own };
  assert.deepEqual(installTfjsNodeUtilHelpers(target), ['isNullOrUndefined']);
  assert.equal(target.isArray, own);
  assert.equal(target.isNullOrUndefined, TFJS_NODE_UTIL_HELPERS.isNullOrUndefined);
  assert.deepEqual(installTfjsNodeUtilHelpers(target), [], 'a second call changes nothing');
});

test('the shim helpers return what Node returned before it removed them', () => {
  for (const [name, helper] of Object.entries(TFJS_NODE_UTIL_HELPERS)) {
    assert.deepEqual(compareWithOldSemantics(name, helper), [], name);
  }
});

test('the scan finds util helpers under every alias form and refuses forms it does not know', () => {
  const compiled = [
    'var util_1 = require("util");',
    'var util_2 = __importStar(require("node:util"));',
    "const { isBuffer, isDate: dateCheck } = require('util');",
    'if ((0, util_1.isNullOrUndefined)(x)) {}',
    'util_2.isPrimitive(y); util_1["isRegExp"](z); other.isString(w); tfc.util.isTypedArray(v);',
    'require("util").isSymbol(s);',
  ].join('\n');
  const names = utilHelpersUsedIn(compiled, 'example.js').sort();
  assert.deepEqual(names, ['isBuffer', 'isDate', 'isNullOrUndefined', 'isPrimitive', 'isRegExp', 'isSymbol']);
  const oddForm = 'helpers = [require("util")];';
  assert.throws(() => utilHelpersUsedIn(oddForm, 'odd.js'), /odd\.js:1: util is loaded in a form/);
});

test('@tensorflow/tfjs-node 4.22.0 from the registry uses exactly the helpers the shim defines', () => {
  const lines: string[] = [];
  // Downloads the package with npm pack: fails (does not skip) when the registry cannot be reached.
  const check = runShimCheck((line) => lines.push(line));
  console.log(lines.map((line) => `# ${line}`).join('\n'));
  assert.ok(check.usedNames.length > 0, 'the scan found no util.is* use at all: the scan is broken');
  assert.deepEqual(check.problems, []);
  assert.deepEqual(check.usedNames, check.shimNames);
});
