// A local HTTP server that answers the way the Hugging Face Hub does (resolve URLs with X-Repo-Commit,
// ETag and sizes, HEAD and GET, the tree API with pagination), and can misbehave on request: truncated
// or wrongly sized bodies, redirects, pagination links to another host, answers for any path.
import { createHash } from 'crypto';
import * as http from 'http';
import type { AddressInfo } from 'net';

type RepoFiles = Record<string, Buffer | string>;
type RepoKind = 'models' | 'datasets';

/** How the server misbehaves for one file path (in any repository). */
export type FakeFault =
  /** GET announces the full Content-Length, sends this many bytes, then drops the connection. */
  | { truncateAt: number }
  /** GET sends this many bytes (the file cut or padded) without Content-Length; HEAD still tells the true size. */
  | { sendBytes: number }
  /** HEAD and GET answer 302 to this Location (relative or absolute), with the Hub's X- headers on the 302. */
  | { redirectTo: string }
  /** HEAD and GET answer as usual but with these headers replaced (an empty value removes the header). */
  | { headers: Record<string, string> };

export interface FakeHubContent {
  /** Files of each repository at revision `main`. Tests may change them while the server runs. */
  models?: Record<string, RepoFiles>;
  datasets?: Record<string, RepoFiles>;
  /** Other branches or tags: `{ models: { 'org/name': { v1: files } } }`. */
  revisions?: Partial<Record<RepoKind, Record<string, Record<string, RepoFiles>>>>;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  requireToken?: string;
  /** Entries per page of the tree API (pagination through a Link header). */
  pageSize?: number;
  /** Origin written into the tree API's `Link: <...>; rel="next"` (default: this server). */
  nextPageOrigin?: string;
  faults?: Record<string, FakeFault>;
  /** Exact request paths answered 200 with this body and Hub headers, as a server answering anything would. */
  routes?: Record<string, Buffer | string>;
}

export interface FakeRequestRecord {
  method: string;
  path: string;
  authorization: string | undefined;
}

export interface FakeHub {
  endpoint: string;
  /** Paths (with query) of GET requests: what was downloaded or listed. */
  requests: string[];
  /** Every request, HEAD included, with its Authorization header. */
  log: FakeRequestRecord[];
  /** The commit hash the server reports for a repository's revision (it changes when the files do). */
  commitOf(kind: RepoKind, repo: string, revision?: string): string;
  close(): Promise<void>;
}

const sha1 = (data: Buffer | string): string => createHash('sha1').update(data).digest('hex');

/** The git blob id, which the Hub sends as ETag for files kept in git. */
const gitOid = (body: Buffer): string => sha1(Buffer.concat([Buffer.from(`blob ${body.length}\0`), body]));

function revisionsOf(content: FakeHubContent, kind: RepoKind, repo: string): Record<string, RepoFiles> {
  const main = content[kind]?.[repo];
  return { ...(main === undefined ? {} : { main }), ...content.revisions?.[kind]?.[repo] };
}

function commitHash(kind: RepoKind, repo: string, revision: string, files: RepoFiles): string {
  const listing = Object.keys(files)
    .sort()
    .map((name) => `${name}:${gitOid(Buffer.from(files[name]))}`);
  return sha1([`${kind}/${repo}@${revision}`, ...listing].join('\n'));
}

/** The files and commit of a repository at a branch, tag or commit hash. */
function lookup(
  content: FakeHubContent,
  kind: RepoKind,
  repo: string,
  revision: string,
): { files: RepoFiles; commit: string } | null {
  for (const [name, files] of Object.entries(revisionsOf(content, kind, repo))) {
    const commit = commitHash(kind, repo, name, files);
    if (name === revision || commit === revision) return { files, commit };
  }
  return null;
}

export async function startFakeHub(content: FakeHubContent, host = '127.0.0.1'): Promise<FakeHub> {
  const requests: string[] = [];
  const log: FakeRequestRecord[] = [];
  const server = http.createServer((request, response) => {
    const rawPath = request.url ?? '/';
    const url = new URL(rawPath, 'http://localhost');
    const method = request.method ?? 'GET';
    log.push({ method, path: rawPath, authorization: request.headers.authorization });
    if (method === 'GET') requests.push(url.pathname + url.search);
    if (content.requireToken && request.headers.authorization !== `Bearer ${content.requireToken}`) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    const route = content.routes?.[url.pathname];
    if (route !== undefined) {
      const body = Buffer.from(route);
      const headers = { 'x-repo-commit': sha1(url.pathname), etag: `"${gitOid(body)}"` };
      response.writeHead(200, { ...headers, 'content-length': String(body.length) }).end(body);
      return;
    }
    const segments = url.pathname
      .split('/')
      .filter((s) => s.length > 0)
      .map(decodeURIComponent);
    // /api/{models|datasets}/{owner}/{name}/tree/{rev}
    if (segments[0] === 'api') {
      const treeAt = segments.indexOf('tree');
      const repo = segments.slice(2, treeAt).join('/');
      const found = treeAt < 0 ? null : lookup(content, segments[1] as RepoKind, repo, segments[treeAt + 1]);
      if (found === null) {
        response.writeHead(404).end('not found');
        return;
      }
      const all = Object.keys(found.files).sort();
      const pageSize = content.pageSize ?? all.length;
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const entry = (p: string): object => ({ type: 'file', path: p, size: Buffer.byteLength(found.files[p]) });
      const page = all.slice(start, start + pageSize).map(entry);
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (start + pageSize < all.length) {
        const next = new URL(url.pathname + url.search, content.nextPageOrigin ?? `http://${request.headers.host}`);
        next.searchParams.set('cursor', String(start + pageSize));
        headers.link = `<${next}>; rel="next"`;
      }
      response.writeHead(200, headers).end(JSON.stringify(page));
      return;
    }
    // [/datasets]/{owner}/{name}/resolve/{rev}/{file...}
    const kind: RepoKind = segments[0] === 'datasets' ? 'datasets' : 'models';
    const rest = kind === 'datasets' ? segments.slice(1) : segments;
    const resolveAt = rest.indexOf('resolve');
    const found = resolveAt < 0 ? null : lookup(content, kind, rest.slice(0, resolveAt).join('/'), rest[resolveAt + 1]);
    const file = rest.slice(resolveAt + 2).join('/');
    if (found === null || !(file in found.files)) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    const body = Buffer.from(found.files[file]);
    const fault = content.faults?.[file];
    const hubHeaders: Record<string, string> = { 'x-repo-commit': found.commit, etag: `"${gitOid(body)}"` };
    if (fault !== undefined && 'headers' in fault) {
      Object.assign(hubHeaders, fault.headers);
      for (const [name, value] of Object.entries(fault.headers)) if (value === '') delete hubHeaders[name];
    }
    if (fault !== undefined && 'redirectTo' in fault) {
      const linked = { 'x-linked-etag': hubHeaders.etag, 'x-linked-size': String(body.length) };
      response.writeHead(302, { ...hubHeaders, ...linked, location: fault.redirectTo }).end();
      return;
    }
    if (method === 'HEAD') {
      response.writeHead(200, { ...hubHeaders, 'content-length': String(body.length) }).end();
    } else if (fault !== undefined && 'truncateAt' in fault) {
      response.writeHead(200, { ...hubHeaders, 'content-length': String(body.length) });
      response.write(body.subarray(0, fault.truncateAt), () => response.destroy());
    } else if (fault !== undefined && 'sendBytes' in fault) {
      const sent = Buffer.alloc(fault.sendBytes, 0x2a);
      body.copy(sent, 0, 0, Math.min(body.length, fault.sendBytes));
      response.writeHead(200, { ...hubHeaders, 'transfer-encoding': 'chunked' }).end(sent);
    } else {
      response.writeHead(200, { ...hubHeaders, 'content-length': String(body.length) }).end(body);
    }
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://${host}:${port}`,
    requests,
    log,
    commitOf: (kind, repo, revision = 'main') => {
      const found = lookup(content, kind, repo, revision);
      if (found === null) throw new Error(`fake hub: no ${kind} repository ${repo} at ${revision}`);
      return found.commit;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
