/** A problem+json answer from the API (RFC 9457), as an Error the pages can show. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export type Query = Record<string, string | number | boolean | undefined>;

/** `path?query`, leaving out the parameters that are not set. */
export function withQuery(path: string, query: Query = {}): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(query))
    if (value !== undefined && value !== '') params.set(key, String(value));
  const text = params.toString();
  return text === '' ? path : `${path}?${text}`;
}

/**
 * The API as the token holder sees it. Every request carries the token as a bearer header, never
 * in a URL, so it stays out of logs and history.
 */
export class ApiClient {
  constructor(
    readonly token: string,
    private readonly onUnauthenticated: () => void = () => undefined,
  ) {}

  async request<T>(method: string, path: string, body?: unknown): Promise<T> {
    const headers: Record<string, string> = { authorization: `Bearer ${this.token}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    const response = await fetch(path, {
      method,
      headers,
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 204) return null as T;
    const text = await response.text();
    const parsed: unknown = text === '' ? null : JSON.parse(text);
    if (!response.ok) {
      const problem = (parsed ?? {}) as { code?: string; detail?: string; title?: string };
      if (response.status === 401) this.onUnauthenticated();
      throw new ApiError(
        response.status,
        problem.code ?? 'error',
        problem.detail ?? problem.title ?? `${method} ${path}: ${response.status}`,
      );
    }
    return parsed as T;
  }

  get<T>(path: string, query?: Query): Promise<T> {
    return this.request<T>('GET', withQuery(path, query));
  }

  post<T>(path: string, body: unknown = {}): Promise<T> {
    return this.request<T>('POST', path, body);
  }
}
