/**
 * `URL` and `URLSearchParams` (V8 alone provides neither), following the WHATWG URL standard.
 *
 * Sandbox-safe: no Node imports.
 */
import {
  FRAGMENT_SET,
  parseForm,
  percentEncode,
  QUERY_SET,
  SPECIAL_QUERY_SET,
  serializeForm,
  USERINFO_SET,
} from './url-encoding.ts';
import { HostError, parseHost } from './url-host.ts';
import {
  appendPath,
  parsePort,
  parseUrl,
  SPECIAL,
  serializePath,
  serializeUrl,
  UrlError,
  type UrlRecord,
} from './url-parse.ts';

let linkParams: (params: URLSearchParams, query: string | null, onChange: (query: string) => void) => void;

type ParamsInit = string | Record<string, string> | Iterable<[string, string]> | URLSearchParams;

/** The query string of a URL as an ordered list of name/value pairs. */
export class URLSearchParams {
  #pairs: [string, string][] = [];
  #onChange: ((query: string) => void) | undefined;

  constructor(init: ParamsInit = '') {
    if (typeof init === 'object' && init !== null) {
      if (init instanceof URLSearchParams)
        this.#pairs = [...init.#pairs.map((p) => [p[0], p[1]] as [string, string])];
      else if (typeof (init as Iterable<unknown>)[Symbol.iterator] === 'function') {
        for (const pair of init as Iterable<unknown>) {
          const items = [...(pair as Iterable<unknown>)];
          if (items.length !== 2)
            throw new TypeError('URLSearchParams: each pair must have exactly two items');
          this.#pairs.push([String(items[0]), String(items[1])]);
        }
      } else
        for (const key of Object.keys(init))
          this.#pairs.push([key, String((init as Record<string, unknown>)[key])]);
    } else {
      const text = String(init);
      this.#pairs = parseForm(text.startsWith('?') ? text.slice(1) : text);
    }
  }

  static {
    // Module-private: a URL keeps its `searchParams` and its query in step through this.
    linkParams = (params, query, onChange) => {
      params.#pairs = parseForm(query ?? '');
      params.#onChange = onChange;
    };
  }

  #update(): void {
    this.#onChange?.(this.toString());
  }

  get size(): number {
    return this.#pairs.length;
  }
  append(name: string, value: string): void {
    this.#pairs.push([String(name), String(value)]);
    this.#update();
  }
  delete(name: string, value?: string): void {
    this.#pairs = this.#pairs.filter(
      ([n, v]) => n !== String(name) || (value !== undefined && v !== String(value)),
    );
    this.#update();
  }
  get(name: string): string | null {
    return this.#pairs.find(([n]) => n === String(name))?.[1] ?? null;
  }
  getAll(name: string): string[] {
    return this.#pairs.filter(([n]) => n === String(name)).map(([, v]) => v);
  }
  has(name: string, value?: string): boolean {
    return this.#pairs.some(([n, v]) => n === String(name) && (value === undefined || v === String(value)));
  }
  set(name: string, value: string): void {
    const key = String(name);
    const index = this.#pairs.findIndex(([n]) => n === key);
    if (index < 0) this.#pairs.push([key, String(value)]);
    else {
      this.#pairs[index] = [key, String(value)];
      this.#pairs = this.#pairs.filter(([n], i) => n !== key || i <= index);
    }
    this.#update();
  }
  sort(): void {
    // Stable sort by UTF-16 code units, as the standard requires.
    this.#pairs.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    this.#update();
  }
  forEach(callback: (value: string, name: string, params: URLSearchParams) => void, thisArg?: unknown): void {
    for (const [n, v] of this.#pairs.slice()) callback.call(thisArg, v, n, this);
  }
  *entries(): IterableIterator<[string, string]> {
    for (const [n, v] of this.#pairs) yield [n, v];
  }
  *keys(): IterableIterator<string> {
    for (const [n] of this.#pairs) yield n;
  }
  *values(): IterableIterator<string> {
    for (const [, v] of this.#pairs) yield v;
  }
  [Symbol.iterator](): IterableIterator<[string, string]> {
    return this.entries();
  }
  toString(): string {
    return serializeForm(this.#pairs);
  }
  get [Symbol.toStringTag](): string {
    return 'URLSearchParams';
  }
}

const parseOrThrow = (input: unknown, base?: UrlRecord): UrlRecord => {
  try {
    return parseUrl(String(input), base);
  } catch (error) {
    if (error instanceof UrlError) throw new TypeError(`Invalid URL "${String(input)}": ${error.message}`);
    throw error;
  }
};

/** A parsed URL, as on the web. */
export class URL {
  #url: UrlRecord;
  #params = new URLSearchParams();

  constructor(input: string | URL, base?: string | URL) {
    const baseRecord = base === undefined ? undefined : parseOrThrow(String(base));
    this.#url = parseOrThrow(input, baseRecord);
    this.#relink();
  }

  /** True when `new URL(input, base)` would succeed. */
  static canParse(input: string, base?: string): boolean {
    return URL.parse(input, base) !== null;
  }
  /** `new URL(input, base)`, or `null` instead of throwing. */
  static parse(input: string, base?: string): URL | null {
    try {
      return new URL(input, base);
    } catch {
      return null;
    }
  }

  #relink(): void {
    linkParams(this.#params, this.#url.query, (query) => {
      this.#url.query = query === '' ? null : query;
    });
  }
  #special(): boolean {
    return Object.hasOwn(SPECIAL, this.#url.scheme);
  }

  get href(): string {
    return serializeUrl(this.#url);
  }
  set href(value: string) {
    this.#url = parseOrThrow(value);
    this.#relink();
  }
  get origin(): string {
    const { scheme, host, port } = this.#url;
    if (scheme === 'blob' && typeof this.#url.path === 'string') {
      const inner = URL.parse(this.#url.path);
      return inner !== null && /^https?:$/.test(inner.protocol) ? inner.origin : 'null';
    }
    if (!this.#special() || scheme === 'file') return 'null';
    return `${scheme}://${host}${port !== null ? `:${port}` : ''}`;
  }
  get protocol(): string {
    return `${this.#url.scheme}:`;
  }
  set protocol(value: string) {
    const scheme = String(value).replace(/:.*$/s, '').toLowerCase();
    if (!/^[a-z][a-z0-9+.-]*$/.test(scheme)) return;
    // The standard forbids switching between special and non-special schemes through this setter.
    if (Object.hasOwn(SPECIAL, scheme) !== this.#special()) return;
    this.#url.scheme = scheme;
    if (this.#url.port === SPECIAL[scheme]) this.#url.port = null;
  }
  get username(): string {
    return this.#url.username;
  }
  set username(value: string) {
    if (this.#url.host !== null && this.#url.host !== '')
      this.#url.username = percentEncode(String(value), USERINFO_SET);
  }
  get password(): string {
    return this.#url.password;
  }
  set password(value: string) {
    if (this.#url.host !== null && this.#url.host !== '')
      this.#url.password = percentEncode(String(value), USERINFO_SET);
  }
  get host(): string {
    const { host, port } = this.#url;
    return host === null ? '' : port === null ? host : `${host}:${port}`;
  }
  set host(value: string) {
    const text = String(value);
    const portAt = text.startsWith('[') ? text.indexOf(']:') + 1 : text.lastIndexOf(':');
    this.hostname = portAt > 0 ? text.slice(0, portAt) : text;
    if (portAt > 0) this.port = text.slice(portAt + 1);
  }
  get hostname(): string {
    return this.#url.host ?? '';
  }
  set hostname(value: string) {
    if (typeof this.#url.path === 'string') return;
    try {
      const host = parseHost(String(value), this.#special());
      if (host !== '' || !this.#special()) this.#url.host = host;
    } catch (error) {
      if (!(error instanceof HostError)) throw error;
    }
  }
  get port(): string {
    return this.#url.port === null ? '' : String(this.#url.port);
  }
  set port(value: string) {
    if (this.#url.host === null || this.#url.host === '' || this.#url.scheme === 'file') return;
    const digits = /^[0-9]*/.exec(String(value))![0];
    try {
      this.#url.port = parsePort(digits, this.#url.scheme);
    } catch (error) {
      if (!(error instanceof UrlError)) throw error;
    }
  }
  get pathname(): string {
    return serializePath(this.#url);
  }
  set pathname(value: string) {
    if (typeof this.#url.path === 'string') return;
    let text = String(value);
    if (this.#special()) text = text.replaceAll('\\', '/');
    const segments = text.split('/');
    if (segments[0] === '') segments.shift();
    this.#url.path = appendPath([], segments);
    if (this.#special() && this.#url.path.length === 0) this.#url.path = [''];
  }
  get search(): string {
    return this.#url.query === null || this.#url.query === '' ? '' : `?${this.#url.query}`;
  }
  set search(value: string) {
    const text = String(value).replace(/^\?/, '');
    this.#url.query =
      text === '' ? null : percentEncode(text, this.#special() ? SPECIAL_QUERY_SET : QUERY_SET);
    this.#relink();
  }
  get searchParams(): URLSearchParams {
    return this.#params;
  }
  get hash(): string {
    return this.#url.fragment === null || this.#url.fragment === '' ? '' : `#${this.#url.fragment}`;
  }
  set hash(value: string) {
    const text = String(value).replace(/^#/, '');
    this.#url.fragment = text === '' ? null : percentEncode(text, FRAGMENT_SET);
  }
  toString(): string {
    return this.href;
  }
  toJSON(): string {
    return this.href;
  }
  get [Symbol.toStringTag](): string {
    return 'URL';
  }
}

/** Installs `URL` and `URLSearchParams`. */
export function installUrl(global: typeof globalThis): void {
  Object.defineProperty(global, 'URL', { value: URL, writable: true, configurable: true });
  Object.defineProperty(global, 'URLSearchParams', {
    value: URLSearchParams,
    writable: true,
    configurable: true,
  });
}
