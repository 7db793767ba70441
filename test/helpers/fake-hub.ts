// A local HTTP server that serves files the way the Hugging Face Hub does, for download tests.
import * as http from 'http';
import type { AddressInfo } from 'net';

type RepoFiles = Record<string, Buffer | string>;

export interface FakeHubContent {
  models?: Record<string, RepoFiles>;
  datasets?: Record<string, RepoFiles>;
  /** When set, requests without `Authorization: Bearer <token>` get 401. */
  requireToken?: string;
  /** Entries per page of the tree API (pagination through a Link header). */
  pageSize?: number;
}

export interface FakeHub {
  endpoint: string;
  requests: string[];
  close(): Promise<void>;
}

function lookup(content: FakeHubContent, type: 'models' | 'datasets', repo: string): RepoFiles | undefined {
  return content[type]?.[repo];
}

export async function startFakeHub(content: FakeHubContent): Promise<FakeHub> {
  const requests: string[] = [];
  const server = http.createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost');
    requests.push(url.pathname + url.search);
    if (content.requireToken && request.headers.authorization !== `Bearer ${content.requireToken}`) {
      response.writeHead(401).end('unauthorized');
      return;
    }
    const segments = url.pathname.split('/').filter((s) => s.length > 0).map(decodeURIComponent);
    // /api/{models|datasets}/{owner}/{name}/tree/{rev}
    if (segments[0] === 'api') {
      const type = segments[1] as 'models' | 'datasets';
      const treeAt = segments.indexOf('tree');
      const files = lookup(content, type, segments.slice(2, treeAt).join('/'));
      if (treeAt < 0 || files === undefined) {
        response.writeHead(404).end('not found');
        return;
      }
      const all = Object.keys(files).sort();
      const pageSize = content.pageSize ?? all.length;
      const start = Number(url.searchParams.get('cursor') ?? '0');
      const page = all.slice(start, start + pageSize).map((p) => ({ type: 'file', path: p, size: Buffer.byteLength(files[p]) }));
      const headers: Record<string, string> = { 'content-type': 'application/json' };
      if (start + pageSize < all.length) {
        const next = new URL(url.toString());
        next.searchParams.set('cursor', String(start + pageSize));
        headers.link = `<http://${request.headers.host}${next.pathname}${next.search}>; rel="next"`;
      }
      response.writeHead(200, headers).end(JSON.stringify(page));
      return;
    }
    // [/datasets]/{owner}/{name}/resolve/{rev}/{file...}
    const type = segments[0] === 'datasets' ? 'datasets' : 'models';
    const rest = type === 'datasets' ? segments.slice(1) : segments;
    const resolveAt = rest.indexOf('resolve');
    const files = resolveAt < 0 ? undefined : lookup(content, type, rest.slice(0, resolveAt).join('/'));
    const file = rest.slice(resolveAt + 2).join('/');
    if (files === undefined || !(file in files)) {
      response.writeHead(404).end('Entry not found');
      return;
    }
    const body = Buffer.from(files[file]);
    response.writeHead(200, { 'content-length': String(body.length) }).end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    requests,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
