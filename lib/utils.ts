// The notebooks' one-stop import, as the original workshop's utils.py: preprocessing (tokenizing
// with a progress bar, examples from an encoding) and collation, plus a barrel of what the notebooks
// use from the library. The notebook display helpers (show*) live in lib/display/.
//
//   import { loadTokenizer, showTokenization, showChart, ... } from '../dist/lib/utils';
//
// Training itself is imported from trainer / train-api / pipeline, as the notebooks show it.
import type * as dfd from 'danfojs';
import type { RobertaTokenizer, EncodedTexts } from './tokenizer';
import { tokenizedExamples, type TokenizedExample } from './batching';
import { progressBar, type ProgressMode } from './display/progress';

export { initBackend, describePlatform, platformInfo, type PlatformInfo } from './backend';
export { loadTokenizer, RobertaTokenizer, type EncodedTexts } from './tokenizer';
export {
  DataLoader,
  dynamicPaddingCollate,
  paddingReport,
  tokenizedExamples,
  toTensors,
  type Batch,
  type TokenizedExample,
  type PaddingMode,
} from './batching';
export { loadImdb, DEFAULT_IMDB_DATASET, type ImdbSplits } from './data/imdb';
export { headHtml, infoHtml, valueCountsHtml, frameInfo, valueCounts } from './data/frames';
export { lengthStats } from './data/corpus';
export { showTable, showHtml, showDataFrame, tableHtml, type Row } from './display/html';
export {
  setChartMode,
  chartMode,
  resetPlotlyLoader,
  lossCurves,
  metricCurves,
  stepLossCurve,
  confusionMatrixChart,
  lengthHistogram,
  timingBars,
  barChart,
} from './display/plots';
export { ProgressBar, withProgress } from './display/progress';
export { parameterSummary, formatSummary } from './model/summary';
export { batchSeed } from './random';
export { clipByGlobalNorm, AdamOptimizer } from './optimizer';
export * from './display/format';
export * from './display/setup';
export * from './display/data';
export * from './display/training';

/** The shared parameters with this notebook's overrides applied. */
export function withOverrides<T extends object>(shared: T, overrides: Partial<T>): T {
  for (const key of Object.keys(overrides)) {
    if (!(key in shared))
      throw new Error(
        `withOverrides: '${key}' is not one of the shared parameters (${Object.keys(shared).join(', ')})`,
      );
  }
  return { ...shared, ...overrides };
}

/** The text and label columns as plain arrays. */
export function textsAndLabelsOf(frame: dfd.DataFrame): { texts: string[]; labels: number[] } {
  return { texts: frame.column('text').values as string[], labels: frame.column('label').values as number[] };
}

export type EncodingMode = 'static' | 'dynamic' | 'plain';

/**
 * Tokenizes many texts in chunks with a progress bar: 'static' pads and truncates to maxLength,
 * 'dynamic' only truncates, 'plain' does neither.
 */
export async function tokenizeWithProgress(
  tokenizer: RobertaTokenizer,
  texts: string[],
  options: {
    mode: EncodingMode;
    maxLength?: number;
    chunkSize?: number;
    description?: string;
    progress?: ProgressMode | false;
  },
): Promise<EncodedTexts> {
  if (options.mode !== 'plain' && options.maxLength === undefined)
    throw new Error(`tokenizeWithProgress: mode '${options.mode}' needs maxLength`);
  const chunkSize = options.chunkSize ?? 100;
  const bar = progressBar(texts.length, options.description ?? 'Tokenizing', 'review', options.progress);
  const result: EncodedTexts = { inputIds: [], attentionMask: [], truncated: [] };
  try {
    for (let start = 0; start < texts.length; start += chunkSize) {
      const chunk = texts.slice(start, start + chunkSize);
      const encoded =
        options.mode === 'static'
          ? tokenizer.encodeStatic(chunk, options.maxLength!)
          : options.mode === 'dynamic'
            ? tokenizer.encodeDynamic(chunk, options.maxLength!)
            : tokenizer.encodePlain(chunk);
      result.inputIds.push(...encoded.inputIds);
      result.attentionMask.push(...encoded.attentionMask);
      result.truncated.push(...encoded.truncated);
      await bar.tick(chunk.length);
    }
  } finally {
    await bar.close();
  }
  return result;
}

/**
 * Training examples from an encoding: only the tokens with attention mask 1, so the loader can
 * pad them again as its mode says (a DataLoader takes unpadded ids and makes the mask itself).
 */
export function examplesFromEncoding(encoded: EncodedTexts, labels: ArrayLike<number>): TokenizedExample[] {
  const ids = encoded.inputIds.map((row, i) => row.filter((_, j) => encoded.attentionMask[i][j] === 1));
  return tokenizedExamples(ids, labels);
}
