// The server's public API, and nothing else: every call goes to this origin's /v1 routes, with the signed-in key.
export interface Problem {
  status: number;
  code: string;
  detail: string;
}

export class ApiError extends Error {
  constructor(readonly problem: Problem) {
    super(`${problem.code}: ${problem.detail}`);
  }
}

const KEY = 'mosaic.key';

/** The key lives only for this browser tab (sessionStorage), never in a URL. */
export const session = {
  key: (): string | null => sessionStorage.getItem(KEY),
  signIn: (k: string) => sessionStorage.setItem(KEY, k.trim()),
  signOut: () => sessionStorage.removeItem(KEY),
};

export async function api<T>(
  path: string,
  init: { method?: string; body?: unknown; key?: boolean } = {},
): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const k = init.key === false ? null : session.key();
  if (k) headers.authorization = `Bearer ${k}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  const res = await fetch(path, {
    method: init.method ?? 'GET',
    headers,
    ...(init.body !== undefined ? { body: JSON.stringify(init.body) } : {}),
  });
  const text = await res.text();
  const json = text ? (JSON.parse(text) as unknown) : undefined;
  if (!res.ok) {
    const p = (json ?? {}) as Partial<Problem>;
    throw new ApiError({
      status: res.status,
      code: p.code ?? 'http.error',
      detail: p.detail ?? res.statusText,
    });
  }
  return json as T;
}

export const qs = (o: Record<string, string | undefined>): string => {
  const p = new URLSearchParams();
  for (const [k, v] of Object.entries(o)) if (v) p.set(k, v);
  const s = p.toString();
  return s ? `?${s}` : '';
};

/** Today in the browser's calendar, as the API's YYYY-MM-DD. */
export function today(): string {
  const d = new Date();
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}`;
}
