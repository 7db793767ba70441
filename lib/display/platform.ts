// The notebooks' platform check: backend, threads and versions in a small table, and one plain
// sentence on what the backend means for this workshop.
import { platformSentence, type PlatformInfo } from '../backend';
import { showHtml, tableHtml, tableText, type Row } from './html';
import { escapeHtml } from './output';

export function platformRows(info: PlatformInfo): Row[] {
  return [
    { '': 'backend', value: info.backend },
    { '': 'threads', value: info.threads },
    { '': 'TensorFlow.js', value: info.tfjsVersion },
    { '': 'Node.js', value: info.nodeVersion },
  ];
}

export function showPlatform(info: PlatformInfo): void {
  const sentence = platformSentence(info);
  showHtml(
    `${tableHtml(platformRows(info))}<p>${escapeHtml(sentence)}</p>`,
    `${tableText(platformRows(info))}\n${sentence}`,
  );
}
