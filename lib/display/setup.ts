// The notebooks' opening tables: the platform, the shared parameters with this notebook's
// overrides, any flat record as a table, and the files a save wrote.
import * as fs from 'fs';
import * as path from 'path';
import { describePlatform, type PlatformInfo } from '../backend';
import { showTable, showHtml, tableHtml, type Row } from './html';
import { displayPath, warningHtml } from './format';
import { TRAINING_ARGUMENT_NOTES } from './training-argument-notes';

/** What the slow fallbacks mean in practice, in one sentence each. */
export function platformWarning(info: PlatformInfo): string | null {
  if (info.backend === 'wasm') {
    return (
      'Slow fallback: native TensorFlow (tfjs-node) is not available, so tensors run on WebAssembly, ' +
      `on ${info.threads === 1 ? 'one thread' : `${info.threads} threads`}. ` +
      'The small offline model trains in minutes here; roberta-base takes minutes per batch of 16, in micro-batches ' +
      'with gradient accumulation that train() plans for the 4 GiB WebAssembly heap.'
    );
  }
  if (info.backend === 'cpu') {
    return (
      'Slow fallback: the plain JavaScript backend multiplies matrices about 30 times slower than WebAssembly. ' +
      'Training will crawl; install tfjs-node or use the wasm backend.'
    );
  }
  return null;
}

/** Backend, threads, tfjs and Node versions as a table, with a warning on the slow fallbacks. */
export function showPlatform(info: PlatformInfo): void {
  const rows: Row[] = [
    { '': 'backend', value: info.backend },
    { '': 'threads', value: info.threads },
    { '': 'TensorFlow.js', value: info.tfjsVersion },
    { '': 'Node.js', value: info.nodeVersion },
  ];
  info.notes.forEach((note, i) => rows.push({ '': i === 0 ? 'not used' : '', value: note }));
  const warning = platformWarning(info);
  const html = tableHtml(rows) + (warning === null ? '' : warningHtml(warning));
  showHtml(html, describePlatform(info) + (warning === null ? '' : `\n${warning}`));
}

/** One line per parameter: what it is for (lib/defaults.ts has the longer comments). */
export const PARAMETER_NOTES: Record<string, string> = {
  backend: "'auto': native if it loads, else wasm, else cpu",
  wasmThreads: "WebAssembly threads; 'auto': cores - 1 from 3 cores up, else 1",
  model: "'offline' = small model from scratch; or a folder / Hub id",
  tokenizer: "'offline' = GPT-2's byte-level BPE, RoBERTa's special tokens",
  data: "'offline' = generated IMDb-like corpus; or a Hub dataset / folder / CSV",
  trainSize: 'training reviews used',
  validationSize: 'validation reviews used',
  testSize: 'test reviews used',
  ...TRAINING_ARGUMENT_NOTES,
};

export function formatParameter(key: string, value: unknown): string {
  if (typeof value === 'string' && (key.endsWith('Dir') || path.isAbsolute(value))) return displayPath(value);
  if (typeof value === 'number' && !Number.isInteger(value) && Math.abs(value) < 1e-2) return value.toExponential(0);
  return String(value);
}

/** Rows: parameter, the value in params.ts, the value this notebook uses (marked when overridden). */
export function parameterRows<T extends object>(shared: T, overrides: Partial<T>): Row[] {
  const changed = overrides as Record<string, unknown>;
  return Object.entries(shared).map(([key, value]) => {
    const set = key in changed;
    const mark = set ? (changed[key] !== value ? '◀ changed' : '◀ set here') : '';
    return {
      parameter: key,
      'params.ts': formatParameter(key, value),
      'this notebook': set ? `${formatParameter(key, changed[key])}  ${mark}` : 'same',
      meaning: PARAMETER_NOTES[key] ?? '',
    };
  });
}

export function showParameters<T extends object>(shared: T, overrides: Partial<T>): void {
  showTable(parameterRows(shared, overrides), {
    caption: 'Shared parameters (params.ts) and this notebook’s overrides',
    maxRows: 100,
  });
}

/** Any flat record (training arguments, HF-style metrics) as a two-column table. */
export function keyValueRows(record: object): Row[] {
  return Object.entries(record)
    .filter(([, value]) => value !== undefined && typeof value !== 'function')
    .map(([key, value]) => ({
      name: key,
      value:
        typeof value === 'number'
          ? Number.isInteger(value)
            ? value
            : Number(value.toPrecision(4))
          : formatParameter(key, value),
    }));
}

export function showKeyValues(record: object, caption?: string): void {
  showTable(keyValueRows(record), { caption, maxRows: 100 });
}

/**
 * Files in a folder (one level of subfolders) with their sizes: what a save or checkpoint wrote.
 * `only` keeps just these top-level entries (e.g. this run's saves, not an earlier run's).
 */
export function showFolder(dir: string, only?: string[]): void {
  const keep =
    only === undefined
      ? null
      : new Set(only.map((entry) => path.relative(dir, path.resolve(dir, entry)).split(path.sep)[0]));
  const rows: Row[] = [];
  const visit = (folder: string, depth: number): void => {
    for (const entry of fs.readdirSync(folder, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
      if (depth === 0 && keep !== null && !keep.has(entry.name)) continue;
      const full = path.join(folder, entry.name);
      const name = path.relative(dir, full);
      if (entry.isDirectory()) {
        rows.push({ file: `${name}/`, size: '' });
        if (depth < 1) visit(full, depth + 1);
      } else {
        const bytes = fs.statSync(full).size;
        rows.push({
          file: name,
          size: bytes >= 2 ** 20 ? `${(bytes / 2 ** 20).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} kB`,
        });
      }
    }
  };
  visit(dir, 0);
  showTable(rows, { caption: displayPath(dir), maxRows: 200 });
}
