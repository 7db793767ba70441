// A parameter summary by module, like torchinfo's table for the PyTorch model, computed from the
// config alone (nothing is allocated, so roberta-base's 125M parameters cost nothing to count).
import type { RobertaConfig } from './config';
import { elementCount, parameterSpecs } from './parameters';

export interface SummaryRow {
  /** Module path as in the state dict ('' for the whole model). */
  path: string;
  /** The Hugging Face / PyTorch class, e.g. 'RobertaLayer', 'Linear'. */
  module: string;
  /** Nesting depth: 0 for the model, 1 for roberta/classifier, ... */
  depth: number;
  /** Output shape for `inputShape` ([batch, seq]); null when no input shape was given. */
  outputShape: number[] | null;
  /** Parameters of this module including its children. */
  parameters: number;
}

export interface ParameterSummary {
  rows: SummaryRow[];
  total: number;
  trainable: number;
  /** float32 bytes of the parameters. */
  bytes: number;
}

export interface SummaryOptions {
  /** Deepest module level to list (torchinfo's `depth`, default 3); totals always cover everything. */
  depth?: number;
  /** [batch, seq] to show output shapes. */
  inputShape?: [number, number];
}

interface ModuleNode {
  path: string;
  module: string;
  output: (batch: number, seq: number) => number[];
  children: ModuleNode[];
}

/** The module tree of RobertaForSequenceClassification, named as in transformers. */
function moduleTree(config: RobertaConfig): ModuleNode {
  const h = config.hidden_size;
  const node = (
    path: string,
    module: string,
    output: ModuleNode['output'],
    children: ModuleNode[] = [],
  ): ModuleNode => ({ path, module, output, children });
  const tokens = (width: number) => (b: number, s: number) => [b, s, width];
  const layer = (i: number): ModuleNode => {
    const p = `roberta.encoder.layer.${i}`;
    return node(p, 'RobertaLayer', tokens(h), [
      node(`${p}.attention`, 'RobertaAttention', tokens(h), [
        node(`${p}.attention.self`, 'RobertaSelfAttention', tokens(h), [
          node(`${p}.attention.self.query`, 'Linear', tokens(h)),
          node(`${p}.attention.self.key`, 'Linear', tokens(h)),
          node(`${p}.attention.self.value`, 'Linear', tokens(h)),
        ]),
        node(`${p}.attention.output`, 'RobertaSelfOutput', tokens(h), [
          node(`${p}.attention.output.dense`, 'Linear', tokens(h)),
          node(`${p}.attention.output.LayerNorm`, 'LayerNorm', tokens(h)),
        ]),
      ]),
      node(`${p}.intermediate`, 'RobertaIntermediate', tokens(config.intermediate_size), [
        node(`${p}.intermediate.dense`, 'Linear', tokens(config.intermediate_size)),
      ]),
      node(`${p}.output`, 'RobertaOutput', tokens(h), [
        node(`${p}.output.dense`, 'Linear', tokens(h)),
        node(`${p}.output.LayerNorm`, 'LayerNorm', tokens(h)),
      ]),
    ]);
  };
  return node('', 'RobertaForSequenceClassification', (b) => [b, config.num_labels], [
    node('roberta', 'RobertaModel', tokens(h), [
      node('roberta.embeddings', 'RobertaEmbeddings', tokens(h), [
        node('roberta.embeddings.word_embeddings', 'Embedding', tokens(h)),
        node('roberta.embeddings.position_embeddings', 'Embedding', tokens(h)),
        node('roberta.embeddings.token_type_embeddings', 'Embedding', tokens(h)),
        node('roberta.embeddings.LayerNorm', 'LayerNorm', tokens(h)),
      ]),
      node(
        'roberta.encoder',
        'RobertaEncoder',
        tokens(h),
        Array.from({ length: config.num_hidden_layers }, (_, i) => layer(i)),
      ),
    ]),
    node('classifier', 'RobertaClassificationHead', (b) => [b, config.num_labels], [
      node('classifier.dense', 'Linear', (b) => [b, h]),
      node('classifier.out_proj', 'Linear', (b) => [b, config.num_labels]),
    ]),
  ]);
}

/** Parameter counts by module for a config, e.g. 124,647,170 for roberta-base with 2 labels. */
export function parameterSummary(config: RobertaConfig, options: SummaryOptions = {}): ParameterSummary {
  const maxDepth = options.depth ?? 3;
  const specs = parameterSpecs(config);
  const countUnder = (prefix: string): number =>
    specs
      .filter((spec) => prefix === '' || spec.name.startsWith(`${prefix}.`))
      .reduce((sum, spec) => sum + elementCount(spec.shape), 0);
  const rows: SummaryRow[] = [];
  const visit = (node: ModuleNode, depth: number): void => {
    if (depth > maxDepth) return;
    rows.push({
      path: node.path,
      module: node.module,
      depth,
      outputShape: options.inputShape ? node.output(options.inputShape[0], options.inputShape[1]) : null,
      parameters: countUnder(node.path),
    });
    for (const child of node.children) visit(child, depth + 1);
  };
  visit(moduleTree(config), 0);
  const total = countUnder('');
  return { rows, total, trainable: total, bytes: total * 4 };
}

/** The summary as a fixed-width text table with torchinfo's footer. */
export function formatSummary(summary: ParameterSummary): string {
  const withShapes = summary.rows.some((row) => row.outputShape !== null);
  const label = (row: SummaryRow): string => {
    const name = row.path === '' ? row.module : `${row.path.split('.').slice(-1)[0]} (${row.module})`;
    const shortName =
      row.path.startsWith('roberta.encoder.layer.') && row.module === 'RobertaLayer'
        ? `layer.${row.path.split('.')[3]} (${row.module})`
        : name;
    return `${row.depth === 0 ? '' : '  '.repeat(row.depth - 1) + '└─'}${shortName}`;
  };
  const nameWidth = Math.max(24, ...summary.rows.map((row) => label(row).length));
  const shapeText = (row: SummaryRow): string => (row.outputShape === null ? '' : `[${row.outputShape.join(', ')}]`);
  const shapeWidth = withShapes ? Math.max(12, ...summary.rows.map((row) => shapeText(row).length)) : 0;
  const header =
    `${'Layer (type)'.padEnd(nameWidth)}  ` +
    `${withShapes ? 'Output Shape'.padEnd(shapeWidth) + '  ' : ''}${'Param #'.padStart(13)}`;
  const rule = '='.repeat(header.length);
  const lines = [rule, header, rule];
  for (const row of summary.rows) {
    lines.push(
      `${label(row).padEnd(nameWidth)}  ` +
        `${withShapes ? shapeText(row).padEnd(shapeWidth) + '  ' : ''}` +
        row.parameters.toLocaleString('en-US').padStart(13),
    );
  }
  lines.push(
    rule,
    `Total params: ${summary.total.toLocaleString('en-US')}`,
    `Trainable params: ${summary.trainable.toLocaleString('en-US')}`,
    `Non-trainable params: ${(summary.total - summary.trainable).toLocaleString('en-US')}`,
    `Params size (MB): ${(summary.bytes / 1e6).toFixed(2)}`,
    rule,
  );
  return lines.join('\n');
}
