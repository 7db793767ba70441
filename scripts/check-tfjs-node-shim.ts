// Checks lib/node-compat.ts against the published @tensorflow/tfjs-node 4.22.0: downloads the package
// with `npm pack` (no install script runs, no native binary is needed), finds every util.is* helper its
// JavaScript calls, and checks that the shim defines exactly those, with Node's old semantics.
// Run: node dist/scripts/check-tfjs-node-shim.js (exit code 1 on any mismatch).
import { execFileSync } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { TFJS_NODE_UTIL_HELPERS, installTfjsNodeUtilHelpers } from '../lib/node-compat';

export const TFJS_NODE_SPEC = '@tensorflow/tfjs-node@4.22.0';

/** Downloads and unpacks the package into `workDir`; returns the unpacked folder. Throws if npm cannot. */
export function packPackage(spec: string, workDir: string): string {
  let output: string;
  try {
    output = execFileSync('npm', ['pack', spec, '--json', '--ignore-scripts', '--pack-destination', workDir], {
      cwd: workDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  } catch (err) {
    const stderr = (err as { stderr?: string }).stderr ?? '';
    throw new Error(`npm pack ${spec} failed (is the npm registry reachable?):\n${stderr || String(err)}`);
  }
  const packed = JSON.parse(output) as { filename: string; name: string; version: string }[];
  const tarball = path.join(workDir, packed[0].filename);
  const unpacked = path.join(workDir, 'unpacked');
  fs.mkdirSync(unpacked);
  execFileSync('tar', ['-xzf', tarball, '-C', unpacked]);
  const packageDir = path.join(unpacked, 'package');
  const manifest = JSON.parse(fs.readFileSync(path.join(packageDir, 'package.json'), 'utf8')) as {
    name: string;
    version: string;
  };
  const wanted = `${manifest.name}@${manifest.version}`;
  if (wanted !== spec) throw new Error(`npm pack ${spec}: the tarball holds ${wanted}`);
  return packageDir;
}

function listJsFiles(dir: string): string[] {
  const found: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) found.push(...listJsFiles(full));
    else if (/\.(c|m)?js$/.test(entry.name)) found.push(full);
  }
  return found;
}

const UTIL = `["'](?:node:)?util["']`;
// Every way the package's compiled code could get hold of Node's util module. A mention of the module
// that none of these explains stops the scan, so a new form cannot slip past unnoticed.
const MODULE_MENTION = new RegExp(`require\\(\\s*${UTIL}\\s*\\)|from\\s+${UTIL}`, 'g');
const ALIAS_BINDING = new RegExp(
  `(?:var|let|const)\\s+([\\w$]+)\\s*=\\s*(?:__importStar\\(|__importDefault\\()?\\s*require\\(\\s*${UTIL}\\s*\\)` +
    `|import\\s+(?:\\*\\s+as\\s+)?([\\w$]+)\\s+from\\s+${UTIL}`,
  'g',
);
const DESTRUCTURING = new RegExp(
  `(?:var|let|const)\\s*\\{([^}]*)\\}\\s*=\\s*require\\(\\s*${UTIL}\\s*\\)|import\\s*\\{([^}]*)\\}\\s*from\\s+${UTIL}`,
  'g',
);
const DIRECT_MEMBER = new RegExp(`require\\(\\s*${UTIL}\\s*\\)\\.(is[A-Z][\\w$]*)`, 'g');

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function lineOf(source: string, index: number): number {
  return source.slice(0, index).split('\n').length;
}

/** The util.is* helpers a source file calls, by name. Throws on a use of util it does not understand. */
export function utilHelpersUsedIn(source: string, fileName: string): string[] {
  const names = new Set<string>();
  const explained = new Set<number>();
  const mentionIndex = (match: RegExpMatchArray): number => {
    const offset = match[0].search(MODULE_MENTION);
    return (match.index ?? 0) + offset;
  };
  for (const match of source.matchAll(ALIAS_BINDING)) {
    explained.add(mentionIndex(match));
    const alias = escapeRegExp(match[1] ?? match[2]);
    const member = new RegExp(`(?<![\\w$.])${alias}(?:\\.default)?(?:\\.|\\[["'])(is[A-Z][\\w$]*)`, 'g');
    for (const use of source.matchAll(member)) names.add(use[1]);
  }
  for (const match of source.matchAll(DESTRUCTURING)) {
    explained.add(mentionIndex(match));
    for (const part of (match[1] ?? match[2]).split(',')) {
      const imported = part.split(/:|\s+as\s+/)[0].trim();
      if (/^is[A-Z]/.test(imported)) names.add(imported);
    }
  }
  for (const match of source.matchAll(DIRECT_MEMBER)) {
    explained.add(match.index ?? 0);
    names.add(match[1]);
  }
  for (const mention of source.matchAll(MODULE_MENTION)) {
    if (!explained.has(mention.index ?? 0)) {
      throw new Error(
        `${fileName}:${lineOf(source, mention.index ?? 0)}: util is loaded in a form the scan does not ` +
          `understand: '${mention[0]}'. Teach scripts/check-tfjs-node-shim.ts this form.`,
      );
    }
  }
  return [...names];
}

/** Every util.is* helper the package's .js files call, with the files (relative paths) that call it. */
export function scanUtilHelpers(packageDir: string): Map<string, string[]> {
  const uses = new Map<string, string[]>();
  for (const file of listJsFiles(packageDir)) {
    const relative = path.relative(packageDir, file);
    for (const name of utilHelpersUsedIn(fs.readFileSync(file, 'utf8'), relative)) {
      uses.set(name, [...(uses.get(name) ?? []), relative]);
    }
  }
  return new Map([...uses.entries()].sort(([a], [b]) => a.localeCompare(b)));
}

// What Node's own helpers returned (checked against them on Node versions that still have them).
const PROBES: unknown[] = [null, undefined, 0, NaN, '', 'text', false, [], [1, 2], {}, { length: 1 }, () => 0];
export const OLD_RESULTS: Readonly<Record<string, readonly boolean[]>> = {
  //                 null   undef  0      NaN    ''     'text' false  []     [1,2]  {}     {len}  fn
  isArray: [false, false, false, false, false, false, false, true, true, false, false, false],
  isNullOrUndefined: [true, true, false, false, false, false, false, false, false, false, false, false],
};

function describeProbe(value: unknown): string {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'number' && Number.isNaN(value)) return 'NaN';
  return value === undefined ? 'undefined' : JSON.stringify(value);
}

/** Problems with one helper as `fn` behaves on the probes, compared with Node's old results. */
export function compareWithOldSemantics(name: string, fn: unknown): string[] {
  const expected = OLD_RESULTS[name];
  if (expected === undefined) return [`${name}: no record of Node's old results (add it to OLD_RESULTS)`];
  if (typeof fn !== 'function') return [`${name}: expected a function, found ${typeof fn}`];
  const problems: string[] = [];
  PROBES.forEach((probe, i) => {
    const got = (fn as (value: unknown) => unknown)(probe);
    if (got !== expected[i]) {
      problems.push(`${name}(${describeProbe(probe)}): expected ${expected[i]}, got ${String(got)}`);
    }
  });
  return problems;
}

export interface ShimCheck {
  usedNames: string[];
  shimNames: string[];
  /** Helpers this Node still has natively (not put there by the shim). */
  nativeNames: string[];
  problems: string[];
}

/** Compares the shim with the helpers the package uses, on a bare object and on this Node's util. */
export function checkShim(used: Map<string, string[]>): ShimCheck {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const util = require('util') as Record<string, unknown>;
  const usedNames = [...used.keys()];
  const shimNames = Object.keys(TFJS_NODE_UTIL_HELPERS).sort();
  const problems: string[] = [];
  for (const name of usedNames) {
    if (!shimNames.includes(name)) problems.push(`${name}: used by ${used.get(name)?.join(', ')} but not in the shim`);
  }
  for (const name of shimNames) {
    if (!usedNames.includes(name)) problems.push(`${name}: in the shim but not used by the package`);
  }
  const nativeNames = usedNames.filter(
    (name) => typeof util[name] === 'function' && util[name] !== TFJS_NODE_UTIL_HELPERS[name],
  );
  for (const name of nativeNames) {
    problems.push(...compareWithOldSemantics(name, util[name]).map((p) => `native ${p}`));
  }
  const bare: Record<string, unknown> = {};
  installTfjsNodeUtilHelpers(bare);
  for (const name of usedNames) problems.push(...compareWithOldSemantics(name, bare[name]).map((p) => `shim ${p}`));
  installTfjsNodeUtilHelpers();
  for (const name of usedNames) {
    problems.push(...compareWithOldSemantics(name, util[name]).map((p) => `util after the shim: ${p}`));
  }
  return { usedNames, shimNames, nativeNames, problems };
}

/** Packs, scans and checks; prints the report. Returns the check so callers can assert on it. */
export function runShimCheck(log: (line: string) => void = console.log): ShimCheck {
  const workDir = fs.mkdtempSync(path.join(os.tmpdir(), 'tfjs-node-shim-'));
  try {
    const used = scanUtilHelpers(packPackage(TFJS_NODE_SPEC, workDir));
    log(`${TFJS_NODE_SPEC} calls ${used.size} util.is* helper(s):`);
    for (const [name, files] of used) log(`  util.${name}  (${files.join(', ')})`);
    const check = checkShim(used);
    const missing = check.usedNames.filter((name) => !check.nativeNames.includes(name));
    const listed = (names: string[]): string => names.join(', ') || 'none';
    log(`Node ${process.version}: native ${listed(check.nativeNames)}; from the shim ${listed(missing)}`);
    for (const problem of check.problems) log(`problem: ${problem}`);
    return check;
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const check = runShimCheck();
  if (check.problems.length > 0 || check.usedNames.length === 0) process.exit(1);
  console.log('the shim matches the package');
}
