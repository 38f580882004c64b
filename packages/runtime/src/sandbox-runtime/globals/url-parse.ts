/**
 * The URL record and the parser behind `URL`: the WHATWG URL standard's behaviour for the forms
 * workflow code meets (absolute and relative URLs, special and opaque schemes, dot segments,
 * percent-encoding, IPv4/IPv6 hosts), written as a direct parser rather than the spec's state machine.
 *
 * Sandbox-safe: no Node imports.
 */
import {
  FRAGMENT_SET,
  PATH_SET,
  percentEncode,
  percentEncodeC0,
  QUERY_SET,
  SPECIAL_QUERY_SET,
  USERINFO_SET,
} from './url-encoding.ts';
import { HostError, parseHost } from './url-host.ts';

/** Default ports of the special schemes (`file` has none). */
export const SPECIAL: Readonly<Record<string, number | null>> = {
  ftp: 21,
  file: null,
  http: 80,
  https: 443,
  ws: 80,
  wss: 443,
};

/** A parsed URL. `path` is a list of segments, or a string for opaque paths (`mailto:x`). */
export interface UrlRecord {
  scheme: string;
  username: string;
  password: string;
  host: string | null;
  port: number | null;
  path: string[] | string;
  query: string | null;
  fragment: string | null;
}

const isSpecial = (scheme: string): boolean => Object.hasOwn(SPECIAL, scheme);
const isDot = (s: string): boolean => s === '.' || s.toLowerCase() === '%2e';
const isDotDot = (s: string): boolean => /^(?:\.|%2e)(?:\.|%2e)$/i.test(s);

/** Thrown for input that is not a URL; `URL` rethrows it as the TypeError the standard requires. */
export class UrlError extends Error {}

/** Parses a port; `null` for empty or the scheme's default. */
export function parsePort(text: string, scheme: string): number | null {
  if (text === '') return null;
  if (!/^[0-9]+$/.test(text)) throw new UrlError(`invalid port "${text}"`);
  const port = Number(text);
  if (port > 65535) throw new UrlError(`port ${port} out of range`);
  return SPECIAL[scheme] === port ? null : port;
}

/** Applies `segments` (already split on `/`) to `base`, resolving `.` and `..`. */
export function appendPath(base: string[], segments: string[]): string[] {
  const path = base.slice();
  segments.forEach((raw, i) => {
    const last = i === segments.length - 1;
    if (isDotDot(raw)) {
      path.pop();
      if (last) path.push('');
    } else if (isDot(raw)) {
      if (last) path.push('');
    } else path.push(percentEncode(raw, PATH_SET));
  });
  return path;
}

function splitAuthority(rest: string, special: boolean): { authority: string; rest: string } {
  const end = rest.search(special ? /[/\\?#]/ : /[/?#]/);
  return end < 0 ? { authority: rest, rest: '' } : { authority: rest.slice(0, end), rest: rest.slice(end) };
}

function applyAuthority(url: UrlRecord, authority: string): void {
  const at = authority.lastIndexOf('@');
  if (at >= 0) {
    const info = authority.slice(0, at);
    const colon = info.indexOf(':');
    url.username = percentEncode(colon < 0 ? info : info.slice(0, colon), USERINFO_SET);
    url.password = colon < 0 ? '' : percentEncode(info.slice(colon + 1), USERINFO_SET);
  }
  const hostPort = authority.slice(at + 1);
  const portAt = hostPort.startsWith('[') ? hostPort.indexOf(']:') + 1 : hostPort.lastIndexOf(':');
  const hostText = portAt > 0 ? hostPort.slice(0, portAt) : hostPort;
  if (hostText === '' && url.scheme !== 'file' && isSpecial(url.scheme)) throw new UrlError('missing host');
  if (hostText === '' && (at >= 0 || portAt > 0)) throw new UrlError('credentials or port without a host');
  url.host = hostText === '' ? '' : parseHost(hostText, isSpecial(url.scheme));
  if (url.scheme === 'file' && url.host === 'localhost') url.host = '';
  url.port = portAt > 0 ? parsePort(hostPort.slice(portAt + 1), url.scheme) : null;
}

/** Parses path, query and fragment from `rest` (which starts at the path) into `url`. */
function applyTail(url: UrlRecord, rest: string, basePath: string[]): void {
  const special = isSpecial(url.scheme);
  const hashAt = rest.indexOf('#');
  if (hashAt >= 0) {
    url.fragment = percentEncode(rest.slice(hashAt + 1), FRAGMENT_SET);
    rest = rest.slice(0, hashAt);
  }
  const queryAt = rest.indexOf('?');
  if (queryAt >= 0) {
    url.query = percentEncode(rest.slice(queryAt + 1), special ? SPECIAL_QUERY_SET : QUERY_SET);
    rest = rest.slice(0, queryAt);
  }
  if (special) rest = rest.replaceAll('\\', '/');
  if (rest === '') {
    url.path = special ? (basePath.length > 0 ? basePath : ['']) : basePath;
    return;
  }
  const segments = rest.split('/');
  if (segments[0] === '') segments.shift();
  url.path = appendPath(basePath, segments);
}

/** Parses `input` against an optional `base` record. Throws {@link UrlError} when it is not a URL. */
export function parseUrl(raw: string, base?: UrlRecord): UrlRecord {
  const input = raw.replace(/^[\0- ]+|[\0- ]+$/g, '').replace(/[\t\n\r]/g, '');
  const schemeMatch = /^([a-zA-Z][a-zA-Z0-9+.-]*):/.exec(input);
  const url: UrlRecord = {
    scheme: '',
    username: '',
    password: '',
    host: null,
    port: null,
    path: [],
    query: null,
    fragment: null,
  };
  try {
    // `http:foo` against an http base is relative to the base (the standard's "special relative" case).
    const sameSchemeRelative =
      schemeMatch !== null &&
      base !== undefined &&
      base.scheme !== 'file' &&
      isSpecial(base.scheme) &&
      schemeMatch[1]!.toLowerCase() === base.scheme &&
      !/^[/\\]/.test(input.slice(schemeMatch[0].length));
    if (schemeMatch !== null && !sameSchemeRelative) {
      url.scheme = schemeMatch[1]!.toLowerCase();
      let rest = input.slice(schemeMatch[0].length);
      const special = isSpecial(url.scheme);
      if (url.scheme === 'file') {
        // file: has an (often empty) host only after exactly two slashes.
        const slashes = /^[/\\]{2}/.test(rest);
        const parts = slashes ? splitAuthority(rest.slice(2), true) : { authority: '', rest };
        url.host = '';
        if (parts.authority !== '') applyAuthority(url, parts.authority);
        applyTail(url, parts.rest, []);
      } else if (special || rest.startsWith('//')) {
        rest = special ? rest.replace(/^[/\\]*/, '') : rest.slice(2);
        const parts = splitAuthority(rest, special);
        applyAuthority(url, parts.authority);
        applyTail(url, parts.rest, []);
      } else if (rest.startsWith('/')) {
        applyTail(url, rest, []);
      } else {
        const end = rest.search(/[?#]/);
        applyTail(url, end < 0 ? '' : rest.slice(end), []);
        url.path = percentEncodeC0(end < 0 ? rest : rest.slice(0, end));
      }
      return url;
    }
    if (base === undefined) throw new UrlError('a relative URL needs a base');
    if (typeof base.path === 'string' && !input.startsWith('#'))
      throw new UrlError('the base URL cannot have relative URLs');
    const special = isSpecial(base.scheme);
    const relative = schemeMatch !== null ? input.slice(schemeMatch[0].length) : input;
    Object.assign(url, { scheme: base.scheme });
    const slash = special ? /^[/\\]{2}/ : /^\/\//;
    if (slash.test(relative)) {
      const parts = splitAuthority(relative.slice(2), special);
      applyAuthority(url, parts.authority);
      applyTail(url, parts.rest, []);
      return url;
    }
    Object.assign(url, {
      username: base.username,
      password: base.password,
      host: base.host,
      port: base.port,
    });
    if (relative.startsWith('#')) {
      Object.assign(url, { path: base.path, query: base.query });
      url.fragment = percentEncode(relative.slice(1), FRAGMENT_SET);
      return url;
    }
    const basePath = typeof base.path === 'string' ? [] : base.path;
    if (relative === '' || relative.startsWith('?')) {
      url.path = basePath;
      url.query = base.query;
      if (relative !== '') applyTail(url, relative, basePath);
      return url;
    }
    if (/^[/\\]/.test(relative) && (special || relative.startsWith('/'))) applyTail(url, relative, []);
    else applyTail(url, `/${relative}`, basePath.slice(0, -1));
    return url;
  } catch (error) {
    if (error instanceof HostError) throw new UrlError(`invalid host: ${error.message}`);
    throw error;
  }
}

/** Serializes the path of `url`. */
export function serializePath(url: UrlRecord): string {
  if (typeof url.path === 'string') return url.path;
  const joined = url.path.map((s) => `/${s}`).join('');
  // A path starting with an empty segment and no host would read back as an authority.
  return url.host === null && url.path.length > 1 && url.path[0] === '' ? `/.${joined}` : joined;
}

/** Serializes a whole URL record (the `href`). */
export function serializeUrl(url: UrlRecord, excludeFragment = false): string {
  let out = `${url.scheme}:`;
  if (url.host !== null) {
    out += '//';
    if (url.username !== '' || url.password !== '') {
      out += `${url.username}${url.password !== '' ? `:${url.password}` : ''}@`;
    }
    out += url.host + (url.port !== null ? `:${url.port}` : '');
  }
  out += serializePath(url);
  if (url.query !== null) out += `?${url.query}`;
  if (!excludeFragment && url.fragment !== null) out += `#${url.fragment}`;
  return out;
}
