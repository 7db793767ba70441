// Executes the workshop notebooks headlessly with the tslab kernel, as the main job and CI do.
//
//   node dist/scripts/run-notebooks.js [--in-place] [--out DIR] [--timeout SECONDS]
//        [--charts static|interactive] [NOTEBOOK.ipynb | DIR ...]
//
// Registers tslab in a project-local Jupyter folder (.jupyter/), runs each notebook with nbclient
// (kernel started in the notebook's own folder, like JupyterLab), writes executed copies to
// runs/notebooks/ (or back into the sources with --in-place), prints each notebook's wall time,
// and exits non-zero naming the notebook, cell and error when a cell fails.
//
// Charts are static (SVG only) unless --charts interactive or FT_ROBERTA_CHARTS=interactive:
// a live kernel would inline plotly.js (4.8 MB) into every executed notebook, and the committed
// ones must stay light.
import { execFileSync, spawnSync } from 'child_process';
import * as fs from 'fs';
import * as path from 'path';
import { parseArgs } from 'util';

export const REPO_ROOT = path.resolve(__dirname, '..', '..');
export const JUPYTER_DIR = path.join(REPO_ROOT, '.jupyter');
export const KERNEL_NAME = 'tslab';
const PYTHON_CANDIDATES = ['/usr/bin/python3', 'python3'];

export interface NotebookResult {
  notebook: string;
  output: string;
  seconds: number;
  ok: boolean;
  cell?: number | null;
  error?: string;
}

function hasNbclient(python: string): boolean {
  const probe = spawnSync(python, ['-c', 'import nbclient, nbformat'], { stdio: 'ignore' });
  return probe.status === 0;
}

export function findPython(): string {
  const found = PYTHON_CANDIDATES.find(hasNbclient);
  if (found === undefined) {
    throw new Error(
      `no python3 with nbclient found (tried ${PYTHON_CANDIDATES.join(', ')}); ` +
        'install it with: apt-get install python3-nbclient python3-nbconvert (or pip install nbclient)',
    );
  }
  return found;
}

export type RunnerChartMode = 'static' | 'interactive';

/** --charts, else FT_ROBERTA_CHARTS, else static; anything else is an error naming where it came from. */
export function runnerChartMode(option: string | undefined, env: NodeJS.ProcessEnv = process.env): RunnerChartMode {
  const [value, source] = option !== undefined ? [option, '--charts'] : [env.FT_ROBERTA_CHARTS, 'FT_ROBERTA_CHARTS'];
  if (value === undefined || value === '') return 'static';
  if (value === 'static' || value === 'interactive') return value;
  throw new Error(`${source}: expected 'static' or 'interactive', got '${value}'`);
}

/**
 * Environment that makes Jupyter find the project-local kernel and keep its files in .jupyter/;
 * the kernel inherits it, FT_ROBERTA_CHARTS included.
 */
export function jupyterEnv(charts: RunnerChartMode = 'static'): NodeJS.ProcessEnv {
  const share = path.join(JUPYTER_DIR, 'share', 'jupyter');
  return {
    ...process.env,
    FT_ROBERTA_CHARTS: charts,
    JUPYTER_PATH: [share, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter),
    JUPYTER_DATA_DIR: path.join(JUPYTER_DIR, 'data'),
    JUPYTER_RUNTIME_DIR: path.join(JUPYTER_DIR, 'runtime'),
    JUPYTER_CONFIG_DIR: path.join(JUPYTER_DIR, 'config'),
  };
}

/** Writes the tslab kernelspec into .jupyter/share/jupyter/kernels/tslab. */
export function registerKernel(python: string): void {
  const tslab = path.join(REPO_ROOT, 'node_modules', '.bin', 'tslab');
  if (!fs.existsSync(tslab)) throw new Error(`${tslab} is missing: run npm ci first`);
  execFileSync(tslab, ['install', `--python=${python}`, `--binary=${tslab}`, `--prefix=${JUPYTER_DIR}`], {
    env: jupyterEnv(),
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

/**
 * Executed copies sit one folder deeper than the repo root, like the sources in notebooks/, so
 * their `../presentation_resources/` links resolve once the folder is linked beside them.
 */
function linkResources(outputDir: string): void {
  const link = path.join(path.dirname(outputDir), 'presentation_resources');
  const target = path.join(REPO_ROOT, 'presentation_resources');
  if (path.resolve(link) === target || !fs.existsSync(target)) return;
  const existing = fs.lstatSync(link, { throwIfNoEntry: false });
  if (existing !== undefined) {
    // A folder of the user's stays; a link (perhaps dangling, left by another checkout) is ours to renew.
    if (!existing.isSymbolicLink() || fs.readlinkSync(link) === target) return;
    fs.unlinkSync(link);
  }
  fs.mkdirSync(path.dirname(link), { recursive: true });
  fs.symlinkSync(target, link, 'dir');
}

function collectNotebooks(inputs: string[]): string[] {
  const notebooks: string[] = [];
  for (const input of inputs) {
    const full = path.resolve(input);
    if (!fs.existsSync(full)) throw new Error(`${input}: no such notebook or folder`);
    if (fs.statSync(full).isDirectory()) {
      for (const name of fs.readdirSync(full).sort()) {
        if (name.endsWith('.ipynb')) notebooks.push(path.join(full, name));
      }
    } else {
      notebooks.push(full);
    }
  }
  if (notebooks.length === 0) throw new Error(`no .ipynb files in ${inputs.join(', ')}`);
  return notebooks;
}

export function executeNotebook(
  python: string,
  notebook: string,
  output: string,
  cellTimeoutSeconds: number,
  charts: RunnerChartMode = 'static',
): NotebookResult {
  const started = process.hrtime.bigint();
  const run = spawnSync(
    python,
    [path.join(REPO_ROOT, 'scripts', 'execute_notebook.py'), notebook, output, KERNEL_NAME, String(cellTimeoutSeconds)],
    { env: jupyterEnv(charts), encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 },
  );
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const lastLine = run.stdout.trim().split('\n').pop() ?? '';
  let verdict: { ok: boolean; cell?: number | null; error?: string };
  try {
    verdict = JSON.parse(lastLine) as typeof verdict;
  } catch {
    const stderr = run.stderr.trim().split('\n').slice(-5).join('\n');
    verdict = { ok: false, cell: null, error: `executor failed (exit ${run.status}): ${stderr}` };
  }
  return { notebook, output, seconds, ...verdict };
}

function describe(result: NotebookResult): string {
  const name = path.relative(process.cwd(), result.notebook) || result.notebook;
  if (result.ok)
    return `ok    ${name}  ${result.seconds.toFixed(1)} s  -> ${path.relative(process.cwd(), result.output)}`;
  const where = result.cell === null || result.cell === undefined ? 'before any cell' : `cell ${result.cell}`;
  return `FAIL  ${name}  ${result.seconds.toFixed(1)} s  ${where}: ${result.error}`;
}

export function main(argv: string[]): number {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      'in-place': { type: 'boolean', default: false },
      out: { type: 'string', default: path.join(REPO_ROOT, 'runs', 'notebooks') },
      timeout: { type: 'string', default: '1800' },
      charts: { type: 'string' },
    },
  });
  const charts = runnerChartMode(values.charts);
  if (charts === 'interactive' && values['in-place']) {
    throw new Error(
      '--in-place with interactive charts would inline plotly.js (4.8 MB) into each committed notebook; ' +
        'write interactive copies with --out instead',
    );
  }
  const notebooks = collectNotebooks(positionals.length > 0 ? positionals : [path.join(REPO_ROOT, 'notebooks')]);
  const python = findPython();
  registerKernel(python);
  if (!values['in-place']) linkResources(path.resolve(values.out));
  const results: NotebookResult[] = [];
  for (const notebook of notebooks) {
    const output = values['in-place'] ? notebook : path.join(path.resolve(values.out), path.basename(notebook));
    process.stdout.write(`running ${path.relative(process.cwd(), notebook)} (${charts} charts) ...\n`);
    const result = executeNotebook(python, notebook, output, Number(values.timeout), charts);
    results.push(result);
    process.stdout.write(describe(result) + '\n');
    if (!result.ok) break;
  }
  const total = results.reduce((sum, r) => sum + r.seconds, 0);
  const failed = results.filter((r) => !r.ok);
  process.stdout.write(
    `${results.length - failed.length} of ${notebooks.length} notebooks ran, ${total.toFixed(1)} s in all\n`,
  );
  return failed.length === 0 && results.length === notebooks.length ? 0 : 1;
}

if (require.main === module) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    process.stderr.write(`run-notebooks: ${(err as Error).message}\n`);
    process.exitCode = 1;
  }
}
