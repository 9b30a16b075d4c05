// The shapes shared by the corpus, the runner, the normaliser and the comparer.

/** A header as sent, in order; a name may repeat. */
export type Header = readonly [name: string, value: string];

/**
 * Bytes for a raw socket: written as they are (after placeholder substitution in `head`),
 * for requests node:http would refuse or rewrite (lower-case methods, a lying
 * Content-Length, bare CR/LF or NUL, HTTP/1.0, two Host headers, ...).
 */
export interface RawRequest {
  /** Request line and header lines, without the blank line: joined with CRLF, sent as UTF-8. */
  head: readonly string[];
  body?: Uint8Array;
  /**
   * After writing: `end` half-closes the socket (the server sees end-of-stream), `open`
   * keeps it open until the answer (or the timeout). Default `open`.
   */
  afterWrite?: 'end' | 'open';
}

export interface CorpusEntry {
  /**
   * Unique and readable (`PUT /api/media/:id`, `POST /api/media [filename ".."]`): the
   * report names the request by it, and later entries refer to its results with
   * `{{name.field}}` or `{{as.field}}` (fields: id, idUpper, key, url, etag, cursor,
   * stylesheet).
   */
  name: string;
  /** A short label for `{{label.field}}` and for ids this request creates (`<id:label>`); default `name`. */
  as?: string;
  method: string;
  /** Request target, with `{{name.field}}` placeholders. */
  path: string;
  /** Sent after the defaults (`Host: contract.example`, `X-Forwarded-Proto: https`). */
  headers?: readonly Header[];
  /** Send only `headers` (no default Host or X-Forwarded-Proto). */
  noDefaultHeaders?: boolean;
  body?: Uint8Array | string;
  /** Send these bytes over a raw socket instead of node:http (`method`/`path` then only label it). */
  raw?: RawRequest;
  /** Default 5000 ms (generous: the machine may be busy with other tests). */
  timeoutMs?: number;
  /**
   * Also count the files left in the storage's temp dir (waiting up to 2 s for them to
   * go): failed uploads must leave none. The default corpus asks once, at the end.
   */
  leftovers?: boolean;
}

/** What came back, before normalisation. */
export type Answer = ResponseAnswer | FailedAnswer;

export interface ResponseAnswer {
  kind: 'response';
  status: number;
  /** Lower-cased names, in order, repeats kept. */
  headers: Array<[string, string]>;
  body: Buffer;
  /** `aborted`: the connection ended mid-body; `timeout`: the body did not finish in time. */
  bodyEnd: 'complete' | 'aborted' | 'timeout';
  /** Raw socket only: what the connection did after the first answer. */
  after?: string;
}

export interface FailedAnswer {
  kind: 'failure';
  /** `RESET`, `CLOSED` (no answer, connection closed), `TIMEOUT`, `REFUSED`, `ERROR <code>`. */
  outcome: string;
}

/** One request's answer as comparable fields (`status`, `header allow`, `body.error.code`, ...). */
export type Observation = Record<string, string>;

/** A running app the differential test talks to. */
export interface AppTarget {
  /** As in the report (`express`). */
  name: string;
  /** Words replaced by `<framework>` before comparing (`express`, `Express`, matched case-insensitively). */
  frameworkNames: readonly string[];
  host: string;
  port: number;
  /** The file storage backend's root, to read what got stored; omitted: storage is not compared. */
  mediaDir?: string;
}

export interface Difference {
  /** The corpus entry's name. */
  request: string;
  field: string;
  /** App name -> value (`(absent)` when the field is missing for that app). */
  values: Record<string, string>;
}
