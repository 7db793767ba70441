// Downloads files from the Hugging Face Hub (or any server with the same URL layout) into a local
// cache, the way `huggingface_hub` does: HF_HOME / HF_HUB_CACHE choose the cache, HF_ENDPOINT the
// server, HF_TOKEN authenticates, HF_HUB_OFFLINE=1 forbids the network and uses the cache only.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { Readable } from 'stream';
import { pipeline } from 'stream/promises';
import { ensureDir } from './fsutil';

export type RepoType = 'model' | 'dataset';

export interface HubOptions {
  repoType?: RepoType;
  revision?: string;
  endpoint?: string;
  cacheDir?: string;
  token?: string;
  offline?: boolean;
  /** Called while a file downloads, with bytes received and the total when the server says it. */
  onProgress?: (received: number, total: number | null) => void;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** A Hub repository id: `name` or `owner/name`, and not a path on this machine. */
export function isHubId(source: string): boolean {
  if (fs.existsSync(source)) return false;
  return /^[A-Za-z0-9][A-Za-z0-9_.-]*(\/[A-Za-z0-9][A-Za-z0-9_.-]*)?$/.test(source);
}

export function hubEndpoint(options: HubOptions = {}): string {
  return (options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

export function hubCacheDir(options: HubOptions = {}): string {
  if (options.cacheDir) return options.cacheDir;
  if (process.env.HF_HUB_CACHE) return process.env.HF_HUB_CACHE;
  const home = process.env.HF_HOME ?? path.join(os.homedir(), '.cache', 'huggingface');
  return path.join(home, 'hub');
}

function isOffline(options: HubOptions): boolean {
  if (options.offline !== undefined) return options.offline;
  const flag = process.env.HF_HUB_OFFLINE ?? '';
  return ['1', 'true', 'yes', 'on'].includes(flag.toLowerCase());
}

function token(options: HubOptions): string | undefined {
  return options.token ?? (process.env.HF_TOKEN || undefined);
}

function repoFolder(repoId: string, options: HubOptions): string {
  const type = options.repoType ?? 'model';
  const revision = options.revision ?? 'main';
  return path.join(hubCacheDir(options), `${type}s--${repoId.replace(/\//g, '--')}`, 'snapshots', revision);
}

function describeRepo(repoId: string, options: HubOptions): string {
  return `${options.repoType === 'dataset' ? 'dataset ' : ''}${repoId}@${options.revision ?? 'main'}`;
}

function encodePath(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

/** The URL of a file: `/{repo}/resolve/{rev}/{file}`, with `/datasets/` in front for datasets. */
export function hubFileUrl(repoId: string, filename: string, options: HubOptions = {}): string {
  const prefix = options.repoType === 'dataset' ? '/datasets' : '';
  const revision = encodeURIComponent(options.revision ?? 'main');
  return `${hubEndpoint(options)}${prefix}/${repoId}/resolve/${revision}/${encodePath(filename)}`;
}

async function hubFetch(url: string, options: HubOptions, what: string): Promise<Response> {
  const headers: Record<string, string> = { 'user-agent': 'finetune-roberta-ts' };
  const auth = token(options);
  if (auth) headers.authorization = `Bearer ${auth}`;
  let response: Response;
  try {
    response = await fetch(url, { headers, redirect: 'follow' });
  } catch (err) {
    const cause = (err as Error & { cause?: Error }).cause;
    throw new Error(
      `${what}: cannot reach ${url} (${cause?.message ?? (err as Error).message}). ` +
        'Without internet, use the offline defaults or a local folder, or set HF_HUB_OFFLINE=1 to use the cache.',
    );
  }
  if (!response.ok) {
    const hint =
      response.status === 401 || response.status === 403
        ? ' (private or gated: set HF_TOKEN)'
        : response.status === 404
          ? ' (no such repository, revision or file)'
          : '';
    throw new Error(`${what}: HTTP ${response.status} from ${url}${hint}`);
  }
  return response;
}

/**
 * Returns the local path of `filename` from a Hub repository, downloading it into the cache first
 * unless it is there already. The download lands in a temp file renamed at the end, so an
 * interrupted download never looks complete.
 */
export async function hubDownload(repoId: string, filename: string, options: HubOptions = {}): Promise<string> {
  const target = path.join(repoFolder(repoId, options), filename);
  if (fs.existsSync(target)) return target;
  const what = `${describeRepo(repoId, options)}: ${filename}`;
  if (isOffline(options)) {
    throw new Error(`${what}: not in the cache ${hubCacheDir(options)} and offline mode (HF_HUB_OFFLINE) is on`);
  }
  const response = await hubFetch(hubFileUrl(repoId, filename, options), options, what);
  ensureDir(path.dirname(target));
  const temp = `${target}.incomplete-${process.pid}`;
  const totalHeader = response.headers.get('content-length');
  const total = totalHeader === null ? null : Number(totalHeader);
  let received = 0;
  try {
    if (response.body === null) throw new Error('empty response body');
    const body = Readable.fromWeb(response.body as import('stream/web').ReadableStream<Uint8Array>);
    body.on('data', (chunk: Buffer) => {
      received += chunk.length;
      options.onProgress?.(received, total);
    });
    await pipeline(body, fs.createWriteStream(temp));
    if (total !== null && received !== total) {
      throw new Error(`received ${received} bytes, expected ${total}`);
    }
    fs.renameSync(temp, target);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw new Error(`${what}: download failed (${(err as Error).message})`);
  }
  return target;
}

interface TreeEntry {
  type: string;
  path: string;
}

function nextPageUrl(link: string | null): string | null {
  if (!link) return null;
  const match = /<([^>]+)>;\s*rel="next"/.exec(link);
  return match ? match[1] : null;
}

function listCachedFiles(folder: string): string[] {
  if (!fs.existsSync(folder)) return [];
  const found: string[] = [];
  const walk = (dir: string, prefix: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const relative = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(path.join(dir, entry.name), relative);
      else if (!entry.name.includes('.incomplete-')) found.push(relative);
    }
  };
  walk(folder, '');
  return found.sort();
}

/**
 * Lists every file of a repository through the Hub API (`/api/{models|datasets}/{repo}/tree/{rev}`,
 * following pagination). Offline, it lists what the cache holds.
 */
export async function hubListFiles(repoId: string, options: HubOptions = {}): Promise<string[]> {
  const what = `${describeRepo(repoId, options)}: file list`;
  if (isOffline(options)) {
    const cached = listCachedFiles(repoFolder(repoId, options));
    if (cached.length === 0) throw new Error(`${what}: offline mode is on and nothing is cached`);
    return cached;
  }
  const type = options.repoType ?? 'model';
  const revision = encodeURIComponent(options.revision ?? 'main');
  let url: string | null = `${hubEndpoint(options)}/api/${type}s/${repoId}/tree/${revision}?recursive=true`;
  const files: string[] = [];
  while (url !== null) {
    const response = await hubFetch(url, options, what);
    const page = (await response.json()) as unknown;
    if (!Array.isArray(page)) throw new Error(`${what}: expected a JSON array from ${url}`);
    for (const entry of page as TreeEntry[]) {
      if (entry.type === 'file') files.push(entry.path);
    }
    url = nextPageUrl(response.headers.get('link'));
  }
  return files.sort();
}
