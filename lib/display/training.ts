// Showing the model and its training: the parameter summary, per-epoch tables, training curves,
// evaluation metrics and predictions.
import { showTable, showHtml, tableHtml, type Row } from './html';
import { escapeHtml } from './output';
import { lossCurves, metricCurves, stepLossCurve, confusionMatrixChart } from './plots';
import { parameterSummary, formatSummary } from '../model/summary';
import type { RobertaConfig } from '../model/config';
import type { EpochRecord, TrainingHistory } from '../trainer';
import type { EvaluationReport, LabelScore } from '../pipeline';
import { displayPath, percent, fixed, showChart } from './format';

/** torchinfo-style table of parameters by module, with output shapes for `inputShape`. */
export function showModelSummary(config: RobertaConfig, inputShape?: [number, number], depth = 3): void {
  const summary = parameterSummary(config, { depth, inputShape });
  const rows: Row[] = summary.rows.map((row) => {
    const last = row.path === '' ? row.module : row.path.split('.').slice(-1)[0];
    const name =
      row.path.startsWith('roberta.encoder.layer.') && row.module === 'RobertaLayer' ? `layer.${last}` : last;
    return {
      module: '\u00a0\u00a0\u00a0'.repeat(row.depth) + (row.path === '' ? name : `${name}`),
      type: row.module,
      ...(inputShape ? { 'output shape': row.outputShape === null ? '' : `[${row.outputShape.join(', ')}]` } : {}),
      parameters: row.parameters.toLocaleString('en-US'),
    };
  });
  const footer =
    `Total parameters: ${summary.total.toLocaleString('en-US')} (all trainable), ` +
    `${(summary.bytes / 2 ** 20).toFixed(1)} MiB as float32`;
  showHtml(`${tableHtml(rows, { maxRows: 200 })}<p><b>${escapeHtml(footer)}</b></p>`, formatSummary(summary));
}

/** One row per epoch: losses, validation metrics, speed, padding, where the model was saved. */
export function epochRows(epochs: readonly EpochRecord[]): Row[] {
  return epochs.map((e) => ({
    epoch: e.epoch,
    'train loss': fixed(e.trainLoss),
    'val loss': fixed(e.evalLoss),
    accuracy: fixed(e.evalAccuracy),
    F1: fixed(e.evalF1),
    precision: fixed(e.evalPrecision),
    recall: fixed(e.evalRecall),
    's / batch': fixed(e.secondsPerBatch, 2),
    'samples / s': fixed(e.samplesPerSecond, 1),
    padding: percent(e.paddingShare),
    'saved to': e.savedModelDir === undefined ? '' : displayPath(e.savedModelDir),
  }));
}

export function showEpochs(epochs: readonly EpochRecord[]): void {
  showTable(epochRows(epochs), { caption: 'Per epoch' });
}

/** The loss of every step (with a moving average), then loss and validation metrics per epoch. */
export function showTrainingCurves(history: TrainingHistory): void {
  const losses = history.batches.map((b) => b.loss);
  showChart(stepLossCurve(losses, Math.max(2, Math.min(20, Math.round(losses.length / 8)))));
  showChart(lossCurves(history.epochs));
  showChart(metricCurves(history.epochs));
}

/** Accuracy, F1, precision, recall as a table, then the confusion matrix. */
export function showEvaluation(report: EvaluationReport, labelNames: string[], caption = 'Test split'): void {
  showTable(
    [
      { metric: 'accuracy', value: fixed(report.accuracy) },
      { metric: 'F1', value: fixed(report.f1) },
      { metric: 'precision', value: fixed(report.precision) },
      { metric: 'recall', value: fixed(report.recall) },
      { metric: 'loss', value: fixed(report.loss) },
      { metric: 'reviews', value: report.count },
      { metric: 'reviews / s', value: fixed(report.samples_per_s, 1) },
    ],
    { caption },
  );
  showChart(
    confusionMatrixChart(
      report.confusion_matrix,
      labelNames,
      `Confusion matrix (${caption.toLowerCase()}, ${report.count} reviews)`,
    ),
  );
}

/** One row per text: the best label, its score, and all scores. */
export function showPredictions(texts: string[], results: LabelScore[][]): void {
  showTable(
    texts.map((text, i) => ({
      text,
      prediction: results[i][0].label,
      score: fixed(results[i][0].score),
      'all scores (best first)': results[i].map((r) => `${r.label} ${r.score.toFixed(4)}`).join(' · '),
    })),
  );
}
