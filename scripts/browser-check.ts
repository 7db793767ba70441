// Opens executed notebooks in a real browser, the way a reader sees them, and checks them.
//
//   node dist/scripts/browser-check.js [folder-of-executed-notebooks | NOTEBOOK.ipynb] [--screenshots DIR]
//        [--jupyter-path DIR] [--root DIR] [--timeout SECONDS] [--untrusted] [--charts interactive|static]
//
// Starts Debian's classic `jupyter notebook` on 127.0.0.1 (no token, no browser, a free port),
// signs ("trusts") every notebook first — without a signature classic Notebook sanitizes the
// HTML outputs and plotly's <script> never runs — then loads each notebook in headless Chromium
// through playwright-core and checks that:
//   - the notebook opened as trusted, its kernel started, and no dialog popped up;
//   - every plotly chart drew its SVG (`.main-svg`): the expected count comes from the
//     `Plotly.newPlot`/`Plotly.react` calls in each cell's HTML outputs, the drawn count from the page;
//   - every image (PNG/JPEG/SVG outputs, pictures in markdown) loaded;
//   - no error output exists, neither in the file (output_type "error") nor on the page (`.output_error`);
//   - the page threw no uncaught JavaScript exception;
//   - with --charts interactive (a notebook executed in a live-kernel setting,
//     `run-notebooks --charts interactive`): every chart output carries plotly HTML and plotly drew it;
//     with --charts static (the committed notebooks): no chart output carries plotly.js or HTML, and
//     every chart shows as a loaded SVG image.
// Saves a full-page screenshot per notebook and one of its first chart, prints a JSON summary,
// exits 1 when anything failed.
//
// Needs: `apt-get install -y chromium jupyter-notebook` (python3-nbformat comes with the latter).
import { spawn, spawnSync, type ChildProcess } from 'child_process';
import * as fs from 'fs';
import * as net from 'net';
import * as os from 'os';
import * as path from 'path';
import { parseArgs } from 'util';
import { chromium, type BrowserContext, type Page } from 'playwright-core';

const REPO_ROOT = path.resolve(__dirname, '..', '..');
const CHROMIUM = '/usr/bin/chromium';
const SYSTEM_PYTHON = '/usr/bin/python3';
// Debian's classic Notebook 6 by its full path: a `jupyter` earlier on PATH may be Notebook 7,
// a different front end without the `Jupyter.notebook` object this check reads.
const JUPYTER_NOTEBOOK = '/usr/bin/jupyter-notebook';
const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
];
// plotly.js itself quotes `Plotly.newPlot(` in an error message; scripts this long are the
// library, not a chart.
const LIBRARY_SCRIPT_CHARS = 200_000;
/** Stop waiting for charts and images when nothing has changed on the page for this long. */
const STALL_MS = 10_000;
/** ...and call it rendered once everything is in place and has not changed for this long. */
const SETTLE_MS = 1_000;
/** A tslab kernel needs a few seconds to start; give it at least this long. */
const KERNEL_START_MS = 60_000;
// tslab reports a thrown exception or a compile error on stderr, not as an "error" output:
// "Error: ...", "TypeError: ...", or "1:7 - Cannot find name 'x'." (the same rule as the runner,
// plus tslab's diagnostic lines).
const TSLAB_ERROR_LINE = /^\s*(\w*(Error|Exception)\b|(\S+ )?\d+:\d+ - )/;

interface Options {
  folder: string;
  /** Only this notebook of the folder (when a file was given). */
  only: string | null;
  screenshotDir: string;
  jupyterPath: string | null;
  root: string;
  timeoutMs: number;
  /** Skip signing: see the notebooks as a fresh clone shows them (and expect blank charts). */
  untrusted: boolean;
  /** How the charts must show; null: whatever the outputs say. */
  charts: 'interactive' | 'static' | null;
}

/** What the .ipynb file itself says, before any browser is involved. */
interface CellFacts {
  index: number;
  cellType: string;
  expectedCharts: number;
  /** Outputs that are charts (they carry the plotly figure as JSON). */
  chartOutputs: number;
  /** ...of which carry HTML that draws them with plotly. */
  plotlyHtmlCharts: number;
  /** Outputs whose HTML inlines plotly.js itself. */
  plotlyLibraries: number;
  errors: string[];
}

interface NotebookFacts {
  file: string;
  kernelName: string | null;
  cells: CellFacts[];
}

/** What the page shows for one cell. */
interface CellOnPage {
  charts: number;
  drawnCharts: number;
  images: number;
  loadedImages: number;
  brokenImages: string[];
  /** Images the browser is still fetching or decoding. */
  pendingImages: number;
  /** 1 for a markdown cell whose HTML is not there yet (highlighting code loads asynchronously). */
  pendingMarkdown: number;
  errorOutputs: number;
  /** SVG image outputs that have a size on the page (a static chart, or a diagram). */
  shownSvgOutputs: number;
}

interface PageFacts {
  trusted: boolean | null;
  cells: CellOnPage[];
  dialogs: string[];
}

interface NotebookResult {
  notebook: string;
  ok: boolean;
  trusted: boolean | null;
  /** 'ready' once the kernel answered kernel_info, else what the page said. */
  kernel: string;
  cells: number;
  charts: { outputs: number; withPlotlyHtml: number; expected: number; drawn: number; plotlyLibraries: number };
  images: { total: number; loaded: number };
  /** Error outputs, errors printed on stderr, cells never executed. */
  errors: number;
  pageErrors: string[];
  screenshot: string | null;
  /** A screenshot of the notebook's first chart (plotly when drawn, else the SVG image). */
  chartScreenshot: string | null;
  seconds: number;
  problems: string[];
}

function parseOptions(argv: string[]): Options {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      screenshots: { type: 'string' },
      'jupyter-path': { type: 'string' },
      root: { type: 'string' },
      timeout: { type: 'string', default: '90' },
      untrusted: { type: 'boolean', default: false },
      charts: { type: 'string' },
    },
  });
  if (positionals.length > 1)
    throw new Error(`expected at most one folder argument, got ${positionals.length}: ${positionals.join(' ')}`);
  const target = path.resolve(positionals[0] ?? path.join(REPO_ROOT, 'runs', 'notebooks'));
  const only = target.endsWith('.ipynb') ? target : null;
  const folder = only === null ? target : path.dirname(target);
  const timeoutSeconds = Number(values.timeout);
  if (!Number.isFinite(timeoutSeconds) || timeoutSeconds <= 0)
    throw new Error(`--timeout: expected seconds > 0, got "${values.timeout}"`);
  // Serving the repo root (when the notebooks live inside it) keeps relative links such as
  // ../presentation_resources/*.svg working exactly as they do for a reader.
  const root = path.resolve(values.root ?? (isInside(folder, REPO_ROOT) ? REPO_ROOT : folder));
  if (!isInside(folder, root)) throw new Error(`--root ${root} does not contain the notebook folder ${folder}`);
  const charts = values.charts ?? null;
  if (charts !== null && charts !== 'interactive' && charts !== 'static') {
    throw new Error(`--charts: expected 'interactive' or 'static', got '${charts}'`);
  }
  return {
    folder,
    only,
    screenshotDir: path.resolve(values.screenshots ?? path.join(REPO_ROOT, 'runs', 'screenshots')),
    jupyterPath: values['jupyter-path'] ? path.resolve(values['jupyter-path']) : null,
    root,
    timeoutMs: timeoutSeconds * 1000,
    untrusted: values.untrusted ?? false,
    charts,
  };
}

function isInside(child: string, parent: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

// ---------------------------------------------------------------- reading the .ipynb files

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** nbformat stores multi-line strings either as one string or as a list of lines. */
function joinedText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) return value.filter((part): part is string => typeof part === 'string').join('');
  return '';
}

function countChartCalls(html: string): number {
  let calls = 0;
  for (const match of html.matchAll(/<script\b[^>]*>([\s\S]*?)<\/script>/gi)) {
    const body = match[1];
    if (body.length >= LIBRARY_SCRIPT_CHARS) continue;
    calls += (body.match(/Plotly\.(newPlot|react)\s*\(/g) ?? []).length;
  }
  return calls;
}

function readNotebookFacts(file: string): NotebookFacts {
  let parsed: unknown;
  try {
    parsed = JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch (error) {
    throw new Error(`${file}: not a readable notebook (${(error as Error).message})`);
  }
  if (!isRecord(parsed) || !Array.isArray(parsed.cells))
    throw new Error(`${file}: expected a notebook with a "cells" list`);
  const metadata = isRecord(parsed.metadata) ? parsed.metadata : {};
  const kernelspec = isRecord(metadata.kernelspec) ? metadata.kernelspec : {};
  const cells = parsed.cells.map((cell: unknown, index: number): CellFacts => {
    const facts: CellFacts = {
      index,
      cellType: 'unknown',
      expectedCharts: 0,
      chartOutputs: 0,
      plotlyHtmlCharts: 0,
      plotlyLibraries: 0,
      errors: [],
    };
    if (!isRecord(cell)) return facts;
    facts.cellType = typeof cell.cell_type === 'string' ? cell.cell_type : 'unknown';
    const outputs = Array.isArray(cell.outputs) ? cell.outputs : [];
    if (facts.cellType === 'code' && joinedText(cell.source).trim() !== '' && cell.execution_count == null) {
      facts.errors.push('the cell was never executed (did an earlier cell fail?)');
    }
    for (const output of outputs) {
      if (!isRecord(output)) continue;
      if (output.output_type === 'error')
        facts.errors.push(`error output ${String(output.ename)}: ${String(output.evalue)}`);
      if (output.output_type === 'stream' && output.name === 'stderr') {
        const thrown = joinedText(output.text)
          .split('\n')
          .find((line) => TSLAB_ERROR_LINE.test(line));
        if (thrown !== undefined) facts.errors.push(`error on stderr: ${thrown.trim().slice(0, 200)}`);
      }
      const data = isRecord(output.data) ? output.data : {};
      const html = joinedText(data['text/html']);
      const calls = countChartCalls(html);
      if (data['application/vnd.plotly.v1+json'] !== undefined) {
        facts.chartOutputs += 1;
        if (calls > 0) facts.plotlyHtmlCharts += 1;
      }
      if (/plotly\.js v\d/.test(html)) facts.plotlyLibraries += 1;
      // A plotly figure with a static picture beside it (our default chart mode) is drawn by the
      // picture; only without one must plotly itself draw it.
      const hasPicture = data['image/svg+xml'] !== undefined || data['image/png'] !== undefined;
      const plotlyOnly = data['application/vnd.plotly.v1+json'] !== undefined && !hasPicture;
      facts.expectedCharts += Math.max(calls, plotlyOnly ? 1 : 0);
    }
    return facts;
  });
  return { file, kernelName: typeof kernelspec.name === 'string' ? kernelspec.name : null, cells };
}

// ---------------------------------------------------------------- Jupyter

function findKernelDir(options: Options, kernelNames: string[]): string | null {
  const candidates = options.jupyterPath
    ? [options.jupyterPath]
    : [path.join(REPO_ROOT, '.jupyter', 'share', 'jupyter'), path.join(REPO_ROOT, '.jupyter')];
  for (const dir of candidates) {
    if (kernelNames.every((name) => fs.existsSync(path.join(dir, 'kernels', name, 'kernel.json')))) return dir;
  }
  if (kernelNames.length === 0) return null;
  const tried = candidates.map((dir) => path.join(dir, 'kernels', '<name>', 'kernel.json')).join(', ');
  throw new Error(
    `kernel spec(s) ${kernelNames.join(', ')} not found (looked for ${tried}); ` +
      `run the notebook runner first, which registers them, or pass --jupyter-path`,
  );
}

/** Environment for jupyter: our kernel spec, and private data/runtime/config dirs. */
function jupyterEnv(kernelDir: string | null, scratch: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  if (kernelDir) env.JUPYTER_PATH = [kernelDir, process.env.JUPYTER_PATH].filter(Boolean).join(path.delimiter);
  // The signature database and its secret live in JUPYTER_DATA_DIR. A private one means the
  // trust granted below covers exactly this check and touches nobody's own Jupyter set-up.
  env.JUPYTER_DATA_DIR = path.join(scratch, 'data');
  env.JUPYTER_RUNTIME_DIR = path.join(scratch, 'runtime');
  env.JUPYTER_CONFIG_DIR = path.join(scratch, 'config');
  env.PATH = [path.join(REPO_ROOT, 'node_modules', '.bin'), process.env.PATH].filter(Boolean).join(path.delimiter);
  delete env.JUPYTER_TOKEN;
  return env;
}

// nbformat's notary is what `jupyter trust` runs; it ships with the notebook server itself,
// whereas the `jupyter trust` command is a separate Debian package.
const SIGN_NOTEBOOKS_PY = [
  'import sys, nbformat',
  'from nbformat.sign import NotebookNotary',
  'notary = NotebookNotary()',
  'for path in sys.argv[1:]:',
  '    notary.sign(nbformat.read(path, as_version=4))',
].join('\n');

function trustNotebooks(files: string[], env: NodeJS.ProcessEnv): void {
  const result = spawnSync(SYSTEM_PYTHON, ['-c', SIGN_NOTEBOOKS_PY, ...files], { env, encoding: 'utf8' });
  if (result.error) throw new Error(`signing notebooks with ${SYSTEM_PYTHON}: ${result.error.message}`);
  if (result.status !== 0) throw new Error(`signing notebooks failed (exit ${result.status}): ${result.stderr.trim()}`);
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => (port > 0 ? resolve(port) : reject(new Error('no free port found'))));
    });
  });
}

interface JupyterServer {
  baseUrl: string;
  process: ChildProcess;
  log: string[];
}

async function startJupyter(options: Options, env: NodeJS.ProcessEnv, scratch: string): Promise<JupyterServer> {
  const port = await freePort();
  if (!fs.existsSync(JUPYTER_NOTEBOOK))
    throw new Error(`${JUPYTER_NOTEBOOK} not found: apt-get install -y jupyter-notebook`);
  const args = [
    '--no-browser',
    '--ip=127.0.0.1',
    `--port=${port}`,
    '--port-retries=0',
    // No shell in between, so the empty values need no quotes ('' would reach traitlets literally).
    '--NotebookApp.token=',
    '--NotebookApp.password=',
    `--notebook-dir=${options.root}`,
    // Keep .ipynb_checkpoints/ folders out of the notebooks' folders.
    `--FileCheckpoints.checkpoint_dir=${path.join(scratch, 'checkpoints')}`,
  ];
  if (process.getuid?.() === 0) args.push('--allow-root'); // containers and CI often run as root
  const child = spawn(JUPYTER_NOTEBOOK, args, { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const log: string[] = [];
  const keep = (chunk: Buffer): void => {
    log.push(
      ...chunk
        .toString('utf8')
        .split('\n')
        .filter((line) => line.trim() !== ''),
    );
    if (log.length > 200) log.splice(0, log.length - 200);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const server = { baseUrl: `http://127.0.0.1:${port}`, process: child, log };
  let exited: string | null = null;
  child.once('error', (error) => (exited = `could not start jupyter: ${error.message}`));
  child.once('exit', (code) => (exited = `jupyter exited with code ${code}`));
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (exited) throw new Error(`${exited}\n${log.slice(-20).join('\n')}`);
    try {
      const response = await fetch(`${server.baseUrl}/api/status`);
      if (response.ok) return server;
    } catch {
      // not listening yet
    }
    await sleep(250);
  }
  await stopJupyter(server);
  throw new Error(`jupyter did not answer on ${server.baseUrl} within 60 s\n${log.slice(-20).join('\n')}`);
}

async function stopJupyter(server: JupyterServer): Promise<void> {
  // Shut the kernels the pages started down first, then the server.
  try {
    const response = await fetch(`${server.baseUrl}/api/sessions`);
    const sessions: unknown = await response.json();
    if (Array.isArray(sessions)) {
      for (const session of sessions) {
        if (isRecord(session) && typeof session.id === 'string') {
          await fetch(`${server.baseUrl}/api/sessions/${session.id}`, { method: 'DELETE' });
        }
      }
    }
  } catch {
    // the server is already gone
  }
  const child = server.process;
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
  await exited;
  clearTimeout(timer);
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

// ---------------------------------------------------------------- the page

/** Runs in the browser: what each cell of the open notebook shows. */
function inspectPage(): PageFacts {
  const jupyter = (window as unknown as { Jupyter?: { notebook?: { trusted?: boolean } } }).Jupyter;
  const cells = Array.from(document.querySelectorAll('#notebook-container > .cell')).map((cell): CellOnPage => {
    const charts = Array.from(cell.querySelectorAll('.js-plotly-plot'));
    const images = Array.from(cell.querySelectorAll('.output_area img, .text_cell_render img'));
    const broken = images.filter(
      (img) => !(img as HTMLImageElement).complete || (img as HTMLImageElement).naturalWidth === 0,
    );
    const svgOutputs = Array.from(cell.querySelectorAll('.output_svg svg'));
    const emptySvgs = svgOutputs.filter((svg) => svg.getBoundingClientRect().width === 0);
    return {
      charts: charts.length,
      drawnCharts: charts.filter((chart) => chart.querySelector('.main-svg') !== null).length,
      images: images.length + svgOutputs.length,
      loadedImages: images.length - broken.length + svgOutputs.length - emptySvgs.length,
      brokenImages: broken.map((img) => ((img as HTMLImageElement).getAttribute('src') ?? '').slice(0, 80)),
      pendingImages: images.filter((img) => !(img as HTMLImageElement).complete).length,
      pendingMarkdown:
        cell.classList.contains('text_cell') && (cell.querySelector('.text_cell_render')?.innerHTML.trim() ?? '') === ''
          ? 1
          : 0,
      errorOutputs: cell.querySelectorAll('.output_error').length,
      shownSvgOutputs: svgOutputs.length - emptySvgs.length,
    };
  });
  const dialogs = Array.from(document.querySelectorAll('.modal.in, .modal[style*="display: block"]')).map(
    (modal) =>
      (modal.querySelector('.modal-title')?.textContent ?? 'dialog') +
      ': ' +
      (modal.querySelector('.modal-body')?.textContent ?? '').trim().slice(0, 200),
  );
  return { trusted: jupyter?.notebook?.trusted ?? null, cells, dialogs };
}

/** Runs in the browser: 'ready', 'starting', or what the kernel indicator says went wrong. */
function kernelState(): string {
  const jupyter = (window as unknown as { Jupyter?: { notebook?: { kernel?: { info_reply?: object } | null } } })
    .Jupyter;
  const info = jupyter?.notebook?.kernel?.info_reply;
  if (info && Object.keys(info).length > 0) return 'ready';
  const indicator = document.querySelector('#notification_kernel');
  const text = indicator?.textContent?.trim() ?? '';
  return indicator?.classList.contains('danger') && text !== '' ? `failed: ${text}` : 'starting';
}

async function waitForKernel(page: Page, deadline: number): Promise<string> {
  let state = await page.evaluate(kernelState);
  while (state === 'starting' && Date.now() < deadline) {
    await sleep(500);
    state = await page.evaluate(kernelState);
  }
  return state === 'starting' ? 'still starting when the time ran out' : state;
}

/** Done when every expected chart is drawn and nothing is pending; `state` changes while rendering moves on. */
function renderingProgress(facts: NotebookFacts, page: PageFacts): { done: boolean; state: string } {
  const total = (key: keyof CellOnPage): number => page.cells.reduce((sum, cell) => sum + Number(cell[key]), 0);
  const expected = facts.cells.reduce((sum, cell) => sum + cell.expectedCharts, 0);
  const drawn = total('drawnCharts');
  const pending = total('pendingImages') + total('pendingMarkdown');
  return {
    done: drawn >= expected && pending === 0,
    state: [drawn, total('charts'), total('images'), pending].join('/'),
  };
}

async function checkNotebook(
  context: BrowserContext,
  server: JupyterServer,
  options: Options,
  facts: NotebookFacts,
): Promise<NotebookResult> {
  const page = await context.newPage();
  try {
    return await checkNotebookPage(page, server, options, facts);
  } finally {
    await page.close().catch(() => undefined);
  }
}

async function checkNotebookPage(
  page: Page,
  server: JupyterServer,
  options: Options,
  facts: NotebookFacts,
): Promise<NotebookResult> {
  const started = Date.now();
  const name = path.basename(facts.file);
  const problems: string[] = [];
  const pageErrors: string[] = [];
  page.on('pageerror', (error) => pageErrors.push(error.message.split('\n')[0]));
  // Look, never touch: the page may try to autosave (the kernel's language_info marks it dirty).
  await page.route('**/api/contents/**', (route) =>
    route.request().method() === 'GET' ? route.continue() : route.fulfill({ status: 403, body: 'read-only check' }),
  );
  const urlPath = path.relative(options.root, facts.file).split(path.sep).map(encodeURIComponent).join('/');
  await page.goto(`${server.baseUrl}/notebooks/${urlPath}`, { waitUntil: 'load', timeout: options.timeoutMs });
  await page.waitForFunction(
    () => {
      const jupyter = (window as unknown as { Jupyter?: { notebook?: { _fully_loaded?: boolean } } }).Jupyter;
      return jupyter?.notebook?._fully_loaded === true;
    },
    undefined,
    { timeout: options.timeoutMs },
  );
  // Charts draw and images decode after the notebook reports itself loaded: poll until they are
  // done, until nothing has changed for a while (a chart whose script failed never draws), or
  // until the time is up. The counts below then say what is missing.
  const deadline = started + options.timeoutMs;
  // "Done" must also hold still for a second: a page can look finished before it has started.
  let onPage = await page.evaluate(inspectPage);
  let progress = renderingProgress(facts, onPage);
  let lastChange = Date.now();
  while (Date.now() < deadline && Date.now() - lastChange < (progress.done ? SETTLE_MS : STALL_MS)) {
    await sleep(250);
    onPage = await page.evaluate(inspectPage);
    const next = renderingProgress(facts, onPage);
    if (next.state !== progress.state || next.done !== progress.done) lastChange = Date.now();
    progress = next;
  }
  const kernel = await waitForKernel(page, Math.max(deadline, Date.now() + KERNEL_START_MS));
  onPage = await page.evaluate(inspectPage); // what the page shows now, after the kernel's wait

  if (kernel !== 'ready')
    problems.push(`the ${facts.kernelName ?? '(unnamed)'} kernel did not start in the browser's server: ${kernel}`);
  if (onPage.trusted !== true)
    problems.push('the notebook did not open as trusted, so its HTML/JS outputs were sanitized');
  for (const dialog of onPage.dialogs) problems.push(`a dialog is open: ${dialog}`);
  if (onPage.cells.length !== facts.cells.length) {
    problems.push(`the file has ${facts.cells.length} cells, the page shows ${onPage.cells.length}`);
  }
  let expectedCharts = 0;
  let drawnCharts = 0;
  let images = 0;
  let loadedImages = 0;
  let errors = 0;
  facts.cells.forEach((cell, index) => {
    const shown = onPage.cells[index] ?? {
      charts: 0,
      drawnCharts: 0,
      images: 0,
      loadedImages: 0,
      brokenImages: [],
      pendingImages: 0,
      pendingMarkdown: 0,
      errorOutputs: 0,
      shownSvgOutputs: 0,
    };
    const where = `cell ${index + 1} (${cell.cellType})`;
    expectedCharts += cell.expectedCharts;
    drawnCharts += shown.drawnCharts;
    images += shown.images;
    loadedImages += shown.loadedImages;
    const fileErrorOutputs = cell.errors.filter((error) => error.startsWith('error output')).length;
    errors += Math.max(cell.errors.length, cell.errors.length - fileErrorOutputs + shown.errorOutputs);
    if (shown.drawnCharts < Math.max(cell.expectedCharts, shown.charts)) {
      problems.push(
        `${where}: expected ${Math.max(cell.expectedCharts, shown.charts)} plotly chart(s) with an SVG, found ` +
          `${shown.drawnCharts}`,
      );
    }
    if (shown.pendingMarkdown > 0) problems.push(`${where}: the markdown never rendered`);
    if (shown.loadedImages < shown.images) {
      problems.push(
        `${where}: ${shown.images - shown.loadedImages} of ${shown.images} image(s) did not load ` +
          `${JSON.stringify(shown.brokenImages)}`,
      );
    }
    for (const error of cell.errors) problems.push(`${where}: ${error}`);
    if (shown.errorOutputs > fileErrorOutputs)
      problems.push(`${where}: ${shown.errorOutputs} error output(s) on the page`);
    problems.push(...chartModeProblems(options.charts, cell, shown, where));
  });
  const chartOutputs = facts.cells.reduce((sum, cell) => sum + cell.chartOutputs, 0);
  const plotlyHtmlCharts = facts.cells.reduce((sum, cell) => sum + cell.plotlyHtmlCharts, 0);
  const plotlyLibraries = facts.cells.reduce((sum, cell) => sum + cell.plotlyLibraries, 0);
  if (options.charts !== null && chartOutputs === 0) {
    problems.push(`--charts ${options.charts}: the notebook has no chart outputs`);
  }
  if (options.charts === 'interactive' && plotlyLibraries !== 1) {
    problems.push(
      `--charts interactive: expected plotly.js inlined once (the kernel's first chart), found ${plotlyLibraries}`,
    );
  }
  for (const error of pageErrors) problems.push(`uncaught exception in the page: ${error}`);

  const chartFile = path.join(options.screenshotDir, name.replace(/\.ipynb$/, '') + '-chart.png');
  const chartScreenshot = await screenshotFirstChart(page, chartFile);
  let screenshot: string | null = null;
  try {
    screenshot = path.join(options.screenshotDir, name.replace(/\.ipynb$/, '') + '.png');
    await screenshotWholeNotebook(page, screenshot);
  } catch (error) {
    problems.push(`screenshot failed: ${(error as Error).message.split('\n')[0]}`);
    screenshot = null;
  }
  return {
    notebook: facts.file,
    ok: problems.length === 0,
    trusted: onPage.trusted,
    kernel,
    cells: facts.cells.length,
    charts: {
      outputs: chartOutputs,
      withPlotlyHtml: plotlyHtmlCharts,
      expected: expectedCharts,
      drawn: drawnCharts,
      plotlyLibraries,
    },
    images: { total: images, loaded: loadedImages },
    errors,
    pageErrors,
    screenshot,
    chartScreenshot,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    problems,
  };
}

/** What --charts asks of one cell: plotly HTML that plotly drew, or SVG images and no plotly at all. */
function chartModeProblems(mode: Options['charts'], cell: CellFacts, shown: CellOnPage, where: string): string[] {
  if (mode === 'interactive' && cell.plotlyHtmlCharts < cell.chartOutputs) {
    const missing = cell.chartOutputs - cell.plotlyHtmlCharts;
    return [`${where}: ${missing} chart(s) carry no plotly HTML (executed with static charts?)`];
  }
  if (mode === 'static') {
    const problems: string[] = [];
    if (cell.plotlyHtmlCharts > 0 || cell.plotlyLibraries > 0) {
      const found = `${cell.plotlyHtmlCharts} chart(s), ${cell.plotlyLibraries} copies of plotly.js`;
      problems.push(`${where}: plotly HTML in a static notebook (${found})`);
    }
    if (shown.shownSvgOutputs < cell.chartOutputs) {
      problems.push(`${where}: ${cell.chartOutputs} chart(s), but ${shown.shownSvgOutputs} SVG image(s) shown`);
    }
    return problems;
  }
  return [];
}

/** The first chart on the page, as the reader sees it: plotly's drawing if there is one, else the SVG image. */
async function screenshotFirstChart(page: Page, file: string): Promise<string | null> {
  for (const selector of ['.js-plotly-plot', '.output_svg']) {
    const chart = page.locator(selector).first();
    if ((await chart.count()) === 0) continue;
    try {
      await chart.screenshot({ path: file, timeout: 10_000 });
      return file;
    } catch {
      return null;
    }
  }
  return null;
}

/** Classic Notebook scrolls inside #site, not the page: unroll it so the screenshot holds every cell. */
async function screenshotWholeNotebook(page: Page, file: string): Promise<void> {
  await page.addStyleTag({
    content:
      'html, body, #site { height: auto !important; overflow: visible !important; position: static !important; }',
  });
  await page.evaluate(() => window.dispatchEvent(new Event('resize')));
  await sleep(300);
  await page.screenshot({ path: file, fullPage: true });
}

// ---------------------------------------------------------------- main

async function main(): Promise<number> {
  const options = parseOptions(process.argv.slice(2));
  if (!fs.existsSync(options.only ?? options.folder)) {
    throw new Error(`${options.only ?? options.folder} does not exist (run \`npm run notebooks\` first)`);
  }
  const files =
    options.only !== null
      ? [options.only]
      : fs
          .readdirSync(options.folder)
          .filter((file) => file.endsWith('.ipynb'))
          .sort()
          .map((file) => path.join(options.folder, file));
  if (files.length === 0) throw new Error(`no .ipynb files in ${options.folder}`);
  if (!fs.existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} not found: apt-get install -y chromium`);
  const facts = files.map(readNotebookFacts);
  const kernelNames = [
    ...new Set(facts.map((notebook) => notebook.kernelName).filter((name): name is string => name !== null)),
  ];
  const kernelDir = findKernelDir(options, kernelNames);

  fs.mkdirSync(options.screenshotDir, { recursive: true });
  const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'browser-check-'));
  let server: JupyterServer | null = null;
  let context: BrowserContext | null = null;
  const stopAll = async (): Promise<void> => {
    await context?.close().catch(() => undefined);
    if (server) await stopJupyter(server);
    fs.rmSync(scratch, { recursive: true, force: true });
  };
  const onSignal = (): void => {
    void stopAll().then(() => process.exit(130));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    const env = jupyterEnv(kernelDir, scratch);
    if (!options.untrusted) trustNotebooks(files, env);
    server = await startJupyter(options, env, scratch);
    context = await chromium.launchPersistentContext(path.join(scratch, 'chromium-profile'), {
      executablePath: CHROMIUM,
      headless: true,
      args: CHROMIUM_ARGS,
      viewport: { width: 1280, height: 900 },
    });
    const results: NotebookResult[] = [];
    for (const notebook of facts) {
      try {
        results.push(await checkNotebook(context, server, options, notebook));
      } catch (error) {
        results.push(failedCheck(notebook, error as Error));
      }
    }
    const ok = results.every((result) => result.ok);
    const summary = {
      ok,
      folder: options.folder,
      charts: options.charts ?? 'as the outputs say',
      server: server.baseUrl,
      kernelDir,
      chromium: CHROMIUM,
      notebooks: results,
    };
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return ok ? 0 : 1;
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
    await stopAll();
  }
}

/** A notebook the browser could not even open (timeout, crash): one failed entry, and go on. */
function failedCheck(facts: NotebookFacts, error: Error): NotebookResult {
  return {
    notebook: facts.file,
    ok: false,
    trusted: null,
    kernel: 'unknown',
    cells: facts.cells.length,
    charts: {
      outputs: facts.cells.reduce((sum, cell) => sum + cell.chartOutputs, 0),
      withPlotlyHtml: facts.cells.reduce((sum, cell) => sum + cell.plotlyHtmlCharts, 0),
      expected: facts.cells.reduce((sum, cell) => sum + cell.expectedCharts, 0),
      drawn: 0,
      plotlyLibraries: facts.cells.reduce((sum, cell) => sum + cell.plotlyLibraries, 0),
    },
    images: { total: 0, loaded: 0 },
    errors: facts.cells.reduce((sum, cell) => sum + cell.errors.length, 0),
    pageErrors: [],
    screenshot: null,
    chartScreenshot: null,
    seconds: 0,
    problems: [`could not check the notebook in the browser: ${error.message.split('\n')[0]}`],
  };
}

main().then(
  (code) => process.exit(code),
  (error: Error) => {
    process.stderr.write(`browser-check: ${error.message}\n`);
    process.exit(1);
  },
);
