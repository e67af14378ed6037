import http from 'node:http';

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/**
 * A small JSON client over real sockets, kept alive between requests as a production client
 * keeps them (node:http with a keep-alive agent: fetch adds more client-side time per call than
 * the calls being measured take). Counts the sockets it opened, so the report can show that
 * connections were reused.
 */
export class HttpClient {
  readonly #agent: http.Agent;
  readonly #url: URL;
  #socketsOpened = 0;

  constructor(baseUrl: string) {
    this.#url = new URL(baseUrl);
    this.#agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  }

  get socketsOpened(): number {
    return this.#socketsOpened;
  }

  request(
    method: 'GET' | 'POST',
    path: string,
    token: string,
    body?: unknown,
  ): Promise<HttpResponse> {
    const payload = body === undefined ? undefined : JSON.stringify(body);
    const headers: http.OutgoingHttpHeaders = { authorization: `Bearer ${token}` };
    if (payload !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = Buffer.byteLength(payload);
    }
    return new Promise((resolve, reject) => {
      const request = http.request(
        {
          agent: this.#agent,
          hostname: this.#url.hostname,
          port: this.#url.port,
          method,
          path,
          headers,
        },
        (response) => {
          const chunks: Buffer[] = [];
          response.on('data', (chunk: Buffer) => chunks.push(chunk));
          response.on('error', reject);
          response.on('end', () => {
            resolve({
              status: response.statusCode ?? 0,
              headers: response.headers,
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
        },
      );
      request.on('socket', (socket) => {
        // A reused socket is handed over again; only a new one has not connected yet.
        if (socket.connecting) this.#socketsOpened += 1;
      });
      request.on('error', reject);
      request.end(payload);
    });
  }

  close(): void {
    this.#agent.destroy();
  }
}

/** The JSON body of a response that must have the given status. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters -- the caller names the shape; JSON.parse cannot check it
export function expectJson<T>(response: HttpResponse, status: number, what: string): T {
  if (response.status !== status)
    throw new Error(`${what}: HTTP ${response.status}, expected ${status}: ${response.body}`);
  return JSON.parse(response.body) as T;
}
