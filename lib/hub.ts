// Downloads files from the Hugging Face Hub (or any server with the same URL layout) into the cache
// Python's `huggingface_hub` uses, in its layout (lib/hub/cache.ts), so either can fill it for the
// other. HF_HOME / HF_HUB_CACHE choose the cache, HF_ENDPOINT the server, HF_TOKEN authenticates,
// HF_HUB_OFFLINE=1 forbids the network and uses the cache only.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { ensureDir } from './fsutil';
import {
  COMMIT_HASH,
  blobPath,
  cachedFile,
  listCachedFiles,
  linkSnapshotFile,
  repoCacheFolder,
  snapshotFolder,
  writeRef,
  type RepoType,
} from './hub/cache';
import {
  HubUnreachableError,
  contentLength,
  downloadFile,
  hubRequest,
  sameOriginRedirects,
  type HubClient,
} from './hub/http';
import { checkRelativeName, hubIdOf, pathInside } from './hub/names';

export { checkRelativeName, hubIdOf, isHubId, looksLikeLocalPath } from './hub/names';
export type { RepoType } from './hub/cache';

export interface HubOptions {
  repoType?: RepoType;
  /** A branch, tag or commit hash (default `main`). */
  revision?: string;
  endpoint?: string;
  cacheDir?: string;
  token?: string;
  offline?: boolean;
  /** Called while a file downloads, with bytes received and the total when the server says it. */
  onProgress?: (received: number, total: number | null) => void;
}

const DEFAULT_ENDPOINT = 'https://huggingface.co';

/** `~/x` as Python's expanduser reads it. */
function expandHome(dir: string): string {
  return dir === '~' || dir.startsWith('~/') ? path.join(os.homedir(), dir.slice(1)) : dir;
}

export function hubEndpoint(options: HubOptions = {}): string {
  return (options.endpoint ?? process.env.HF_ENDPOINT ?? DEFAULT_ENDPOINT).replace(/\/+$/, '');
}

/** HF_HOME, else `$XDG_CACHE_HOME/huggingface`, else `~/.cache/huggingface`. */
function hfHome(): string {
  if (process.env.HF_HOME) return expandHome(process.env.HF_HOME);
  return path.join(expandHome(process.env.XDG_CACHE_HOME || '~/.cache'), 'huggingface');
}

/** HF_HUB_CACHE, else the older HUGGINGFACE_HUB_CACHE, else `<HF_HOME>/hub`. */
export function hubCacheDir(options: HubOptions = {}): string {
  if (options.cacheDir) return options.cacheDir;
  const fromEnv = process.env.HF_HUB_CACHE || process.env.HUGGINGFACE_HUB_CACHE;
  return fromEnv ? expandHome(fromEnv) : path.join(hfHome(), 'hub');
}

function isOffline(options: HubOptions): boolean {
  if (options.offline !== undefined) return options.offline;
  const flag = process.env.HF_HUB_OFFLINE ?? '';
  return ['1', 'true', 'yes', 'on'].includes(flag.toLowerCase());
}

/** HF_TOKEN, else the file `huggingface-cli login` writes (HF_TOKEN_PATH, default `<HF_HOME>/token`). */
function hubToken(options: HubOptions): string | undefined {
  if (options.token) return options.token;
  if (process.env.HF_TOKEN) return process.env.HF_TOKEN;
  const tokenFile = expandHome(process.env.HF_TOKEN_PATH || path.join(hfHome(), 'token'));
  const saved = fs.existsSync(tokenFile) ? fs.readFileSync(tokenFile, 'utf8').trim() : '';
  return saved || undefined;
}

/** What every call needs: the checked repository id and revision, its cache folder and a label for errors. */
interface RepoContext {
  repoId: string;
  type: RepoType;
  revision: string;
  folder: string;
  what: string;
  client: HubClient;
}

function repoContext(repoId: string, options: HubOptions): RepoContext {
  const type = options.repoType ?? 'model';
  const revision = options.revision ?? 'main';
  hubIdOf(repoId, `expected a Hub ${type} id (name or owner/name)`);
  const what = `${type === 'dataset' ? 'dataset ' : ''}${repoId}@${revision}`;
  checkRelativeName(revision, `${what}: revision`);
  const folder = repoCacheFolder(hubCacheDir(options), type, repoId);
  return { repoId, type, revision, folder, what, client: { endpoint: hubEndpoint(options), token: hubToken(options) } };
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

interface FileMetadata {
  commit: string;
  etag: string;
  size: number | null;
  /** Where to GET the bytes: the resolve URL, or the other host a redirect pointed to. */
  location: string;
}

/**
 * Asks the server which commit `revision` is at and which blob the file is, the way Python does: a HEAD
 * on the resolve URL, following same-origin redirects only. A cross-host redirect (large files on a CDN)
 * carries the Hub's headers itself and tells where to download from.
 */
async function fileMetadata(url: string, ctx: RepoContext, what: string): Promise<FileMetadata> {
  const { response, url: answered } = await hubRequest(url, 'HEAD', ctx.client, what, sameOriginRedirects);
  const headers = response.headers;
  const commit = headers.get('x-repo-commit');
  const rawEtag = headers.get('x-linked-etag') ?? headers.get('etag');
  if (commit === null || rawEtag === null) {
    const missing = commit === null ? 'X-Repo-Commit' : 'ETag';
    throw new Error(`${what}: ${answered} answered without ${missing} (is HF_ENDPOINT a Hugging Face Hub?)`);
  }
  if (!COMMIT_HASH.test(commit)) {
    const found = `X-Repo-Commit ${JSON.stringify(commit)} from ${answered}`;
    throw new Error(`${what}: ${found} is not a commit hash (40 hex digits)`);
  }
  const etag = rawEtag.replace(/^W\//, '').replace(/^"(.*)"$/, '$1');
  const linkedSize = headers.get('x-linked-size');
  // A redirect's own Content-Length counts the redirect body, not the file.
  const ownSize = response.ok ? contentLength(response) : null;
  const size = linkedSize !== null && /^\d+$/.test(linkedSize) ? Number(linkedSize) : ownSize;
  const location = response.ok ? answered.toString() : new URL(headers.get('location') ?? '', answered).toString();
  return { commit, etag, size, location };
}

/**
 * Returns the local path of `filename` from a Hub repository (its snapshot entry in the cache),
 * downloading it first when the cache lacks it. Online, the revision is checked against the server on
 * every call (a new commit is picked up; an unchanged file is not downloaded again); when the server
 * cannot be reached, a cached copy is used. Offline, only the cache is read.
 */
export async function hubDownload(repoId: string, filename: string, options: HubOptions = {}): Promise<string> {
  const ctx = repoContext(repoId, options);
  const what = `${ctx.what}: ${filename}`;
  checkRelativeName(filename, ctx.what);
  const cached = (): string | null => cachedFile(ctx.folder, ctx.revision, filename, ctx.what);
  // A commit never changes: once cached, no need to ask.
  const pinned = COMMIT_HASH.test(ctx.revision) ? cached() : null;
  if (pinned !== null) return pinned;
  if (isOffline(options)) {
    const hit = cached();
    if (hit === null) {
      throw new Error(`${what}: not in the cache ${hubCacheDir(options)} and offline mode (HF_HUB_OFFLINE) is on`);
    }
    return hit;
  }
  let meta: FileMetadata;
  try {
    meta = await fileMetadata(hubFileUrl(repoId, filename, options), ctx, what);
  } catch (err) {
    const hit = err instanceof HubUnreachableError ? cached() : null;
    if (hit === null) throw err;
    return hit;
  }
  const pointer = pathInside(snapshotFolder(ctx.folder, meta.commit, ctx.what), filename, ctx.what);
  if (!fs.existsSync(pointer)) {
    const blob = blobPath(ctx.folder, meta.etag, what);
    if (!fs.existsSync(blob)) {
      ensureDir(path.dirname(blob));
      await downloadFile(meta.location, blob, ctx.client, meta.size, what, options.onProgress);
    }
    linkSnapshotFile(pointer, blob);
  }
  if (ctx.revision !== meta.commit) writeRef(ctx.folder, ctx.revision, meta.commit);
  return pointer;
}

interface TreeEntry {
  type?: unknown;
  path?: unknown;
}

function nextPageUrl(link: string | null, current: URL): URL | null {
  if (!link) return null;
  const match = /<([^>]+)>;\s*rel="next"/.exec(link);
  return match ? new URL(match[1], current) : null;
}

/**
 * Lists every file of a repository through the Hub API (`/api/{models|datasets}/{repo}/tree/{rev}`,
 * following pagination). Every name is checked before anyone uses it as a path. Offline, or when the
 * server cannot be reached, it lists the cached snapshot.
 */
export async function hubListFiles(repoId: string, options: HubOptions = {}): Promise<string[]> {
  const ctx = repoContext(repoId, options);
  const what = `${ctx.what}: file list`;
  const fromCache = (): string[] => listCachedFiles(ctx.folder, ctx.revision, ctx.what);
  if (isOffline(options)) {
    const cached = fromCache();
    if (cached.length === 0) {
      throw new Error(`${what}: offline mode is on and nothing is cached in ${hubCacheDir(options)}`);
    }
    return cached;
  }
  const tree = `/api/${ctx.type}s/${repoId}/tree/${encodeURIComponent(ctx.revision)}?recursive=true`;
  let url: URL | null = new URL(`${ctx.client.endpoint}${tree}`);
  const files: string[] = [];
  while (url !== null) {
    let answer;
    try {
      answer = await hubRequest(url.toString(), 'GET', ctx.client, what);
    } catch (err) {
      const cached = err instanceof HubUnreachableError && files.length === 0 ? fromCache() : [];
      if (cached.length === 0) throw err;
      return cached;
    }
    const page = (await answer.response.json()) as unknown;
    if (!Array.isArray(page)) throw new Error(`${what}: expected a JSON array from ${answer.url}`);
    for (const entry of page as TreeEntry[]) {
      if (entry.type === 'file') files.push(checkRelativeName(entry.path, `${what} from ${answer.url}`));
    }
    url = nextPageUrl(answer.response.headers.get('link'), answer.url);
  }
  return files.sort();
}
