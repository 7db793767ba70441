import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import * as dfd from 'danfojs';
import { REPO_ROOT } from './helpers/paths';

const PLACEHOLDER_DIR = path.join(REPO_ROOT, 'stubs', 'xlsx');
const NOT_AVAILABLE = /xlsx: .* is not available: Excel reading and writing is not part of this workshop/;

test('the xlsx that danfojs loads is the local placeholder, not the published package', () => {
  const fromDanfojs = require.resolve('xlsx', { paths: [path.dirname(require.resolve('danfojs'))] });
  assert.equal(path.dirname(fs.realpathSync(fromDanfojs)), PLACEHOLDER_DIR);
  const listed = JSON.parse(
    execFileSync('npm', ['ls', 'xlsx', '--all', '--json'], { cwd: REPO_ROOT, encoding: 'utf8' }),
  ) as unknown;
  const placeholderVersion = (
    JSON.parse(fs.readFileSync(path.join(PLACEHOLDER_DIR, 'package.json'), 'utf8')) as { version: string }
  ).version;
  // Every xlsx npm lists is the placeholder (a deduplicated entry carries only its version).
  const found: { version?: string; resolved?: string }[] = [];
  const walk = (node: unknown, name: string): void => {
    if (typeof node !== 'object' || node === null) return;
    const entry = node as { version?: string; resolved?: string; dependencies?: Record<string, unknown> };
    if (name === 'xlsx') found.push(entry);
    for (const [child, value] of Object.entries(entry.dependencies ?? {})) walk(value, child);
  };
  walk(listed, '');
  assert.ok(found.length > 0, 'npm ls lists no xlsx at all');
  for (const entry of found) {
    assert.equal(entry.version, placeholderVersion, `an xlsx ${JSON.stringify(entry)}`);
    if (entry.resolved !== undefined) assert.match(entry.resolved, /^file:.*stubs\/xlsx$/);
  }
});

test('danfojs loads and works, and its Excel functions fail with a clear error', () => {
  const frame = new dfd.DataFrame({ text: ['good', 'bad'], label: [1, 0] });
  assert.deepEqual(frame.shape, [2, 2]);
  assert.throws(() => dfd.toExcel(frame, { fileName: path.join(REPO_ROOT, 'runs', 'never.xlsx') }), NOT_AVAILABLE);
});

test('every entry point of the placeholder throws the same explanation', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const xlsx = require('xlsx') as Record<string, unknown> & { utils: Record<string, unknown> };
  for (const name of ['read', 'readFile', 'write', 'writeFile', 'writeFileXLSX', 'writeXLSX']) {
    assert.throws(() => (xlsx[name] as () => void)(), NOT_AVAILABLE, name);
  }
  assert.throws(() => xlsx.utils.sheet_to_json, /xlsx\.utils\.sheet_to_json is not available/);
});
