// Where rich output goes: a Jupyter display message when running inside a tslab kernel, else
// plain text on stdout.
//
// tslab's public `display.raw(mime, data)` sends one MIME type per message, but a chart needs a
// bundle (HTML, the plotly JSON and an SVG image side by side, so each front end picks what it can
// show). So we call the function tslab's own display API calls, `lastWriteDisplayData` in
// tslab/dist/jupyter.js, which takes a whole bundle. We look for the tslab module the running
// kernel already loaded (in require.cache) rather than `require('tslab')`: a second copy of tslab
// would have no connection to the kernel, and loading it would drag in its TypeScript compiler.
import * as crypto from 'crypto';

export type MimeBundle = Record<string, string | object>;

export interface DisplayMessage {
  data: MimeBundle;
  metadata: Record<string, unknown>;
  transient: { display_id?: string };
}

/** Receives display messages; `update` replaces the earlier output with the same display_id. */
export type DisplaySink = (message: DisplayMessage, update: boolean) => void;

interface TslabJupyterModule {
  lastWriteDisplayData: DisplaySink | null;
}

let explicitSink: DisplaySink | null = null;

/** Routes rich output to `sink` (tests, or a host other than tslab); `null` returns to detection. */
export function setDisplaySink(sink: DisplaySink | null): void {
  explicitSink = sink;
}

function isTslabJupyter(exports: unknown): exports is TslabJupyterModule {
  return typeof exports === 'object' && exports !== null && 'lastWriteDisplayData' in exports;
}

function tslabSink(): DisplaySink | null {
  for (const [file, mod] of Object.entries(require.cache)) {
    if (!/[\\/]tslab[\\/]dist[\\/]jupyter\.js$/.test(file) || mod === undefined) continue;
    const exports: unknown = mod.exports;
    // Set by the kernel at the start of each cell execution; null before the first one.
    if (isTslabJupyter(exports) && exports.lastWriteDisplayData !== null) return exports.lastWriteDisplayData;
  }
  return null;
}

export function currentSink(): DisplaySink | null {
  return explicitSink ?? tslabSink();
}

/** True when rich output reaches a notebook (a tslab kernel, or a sink set by a test). */
export function inNotebook(): boolean {
  return currentSink() !== null;
}

function plainText(bundle: MimeBundle): string {
  const text = bundle['text/plain'];
  return typeof text === 'string' ? text : JSON.stringify(text);
}

/**
 * Shows a bundle once. Outside a notebook only its text/plain part is printed (a bundle must
 * therefore always carry text/plain).
 */
export function displayBundle(bundle: MimeBundle): void {
  const sink = currentSink();
  if (sink === null) {
    process.stdout.write(plainText(bundle) + '\n');
    return;
  }
  sink({ data: bundle, metadata: {}, transient: {} }, false);
}

/** One output area that later calls overwrite in place (Jupyter's display_id mechanism). */
export class UpdatableDisplay {
  private readonly id = crypto.randomBytes(8).toString('hex');
  private shown = false;

  /** Returns false when no notebook is attached (callers fall back to text). */
  show(bundle: MimeBundle): boolean {
    const sink = currentSink();
    if (sink === null) return false;
    sink({ data: bundle, metadata: {}, transient: { display_id: this.id } }, this.shown);
    this.shown = true;
    return true;
  }
}

/** Lets queued messages (display updates, a SIGINT handler) run during a long synchronous loop. */
export function yieldToEventLoop(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

/** Text safe inside HTML elements and quoted attributes. */
export function escapeHtml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c] as string,
  );
}
