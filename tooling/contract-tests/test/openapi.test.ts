// docs/openapi.yaml against docs/contract.md: every JSON endpoint the contract names is
// described, with the same error codes and media fields, and every $ref resolves.
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Validator } from '@seriousme/openapi-schema-validator';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const docs = (name: string) =>
  readFileSync(fileURLToPath(new URL(`../../../docs/${name}`, import.meta.url)), 'utf8');

const contract = docs('contract.md');

interface OpenApi {
  openapi: string;
  info: { title: string; version: string };
  paths: Record<string, Record<string, { responses?: Record<string, unknown> }>>;
  components: {
    schemas: Record<
      string,
      {
        required?: string[];
        properties?: Record<string, { properties?: Record<string, { enum?: string[] }> }>;
      }
    >;
  };
}

const spec = parse(docs('openapi.yaml')) as OpenApi;

/** `### \`METHOD /path\`` headings of the contract, as [method, OpenAPI path]. */
function contractEndpoints(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const match of contract.matchAll(/^### `([A-Z]+) ([^`\s]+)`/gm)) {
    const method = (match[1] ?? '').toLowerCase();
    const path = (match[2] ?? '').split('?')[0]?.replace(/:([a-z]+)/g, '{$1}') ?? '';
    out.push([method, path]);
  }
  return out;
}

/** The JSON API: everything but the HTML page, the form target and the file routes. */
const NOT_JSON = new Set(['/', '/upload', '/static/<file>', '/media/<key>']);

describe('docs/openapi.yaml', () => {
  it('is OpenAPI 3.1 with a title and version', () => {
    expect(spec.openapi).toMatch(/^3\.1\.\d+$/);
    expect(spec.info.title).toBeTruthy();
    expect(spec.info.version).toMatch(/^\d+\.\d+\.\d+$/);
  });

  it('validates against the OpenAPI 3.1 schema, every reference resolving', async () => {
    const validator = new Validator();
    const result = await validator.validate(docs('openapi.yaml'));
    expect(result.errors ?? [], JSON.stringify(result.errors, null, 2)).toEqual([]);
    expect(result.valid).toBe(true);
    expect(validator.version).toBe('3.1');
    expect(() => validator.resolveRefs()).not.toThrow();
  });

  it('the validator would notice a broken document', async () => {
    const broken = docs('openapi.yaml').replace(/^paths:/m, 'pathz:');
    const result = await new Validator().validate(broken);
    expect(result.valid).toBe(false);
  });

  const endpoints = contractEndpoints();

  it('the contract names endpoints (the heading parser works)', () => {
    expect(endpoints.length).toBeGreaterThanOrEqual(10);
    expect(endpoints).toContainEqual(['get', '/api/media/{id}/content']);
  });

  it.each(endpoints.filter(([, path]) => !NOT_JSON.has(path)))(
    'describes %s %s with responses',
    (method, path) => {
      const operation = spec.paths[path]?.[method];
      expect(operation, `${method.toUpperCase()} ${path}`).toBeDefined();
      expect(Object.keys(operation?.responses ?? {}).length).toBeGreaterThan(0);
    },
  );

  it('describes no path the contract does not name', () => {
    const named = new Set(endpoints.map(([, path]) => path));
    for (const path of Object.keys(spec.paths)) expect(named, path).toContain(path);
  });

  it('has exactly the error codes of the contract', () => {
    const line = /Codes:\s*([\s\S]*?)\.\s*A 5xx/.exec(contract)?.[1] ?? '';
    const codes = [...line.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]);
    expect(codes.length).toBeGreaterThanOrEqual(10);
    const error = spec.components.schemas.Error?.properties?.error?.properties?.code?.enum;
    expect([...(error ?? [])].sort()).toEqual([...codes].sort());
  });

  it('requires exactly the fields of the contract media object', () => {
    const example = /The media object:\s*```json\s*([\s\S]*?)```/.exec(contract)?.[1] ?? '{}';
    const fields = Object.keys(JSON.parse(example) as object).sort();
    expect(fields).toHaveLength(7);
    expect([...(spec.components.schemas.Media?.required ?? [])].sort()).toEqual(fields);
  });

  it('every $ref points at something', () => {
    const refs: string[] = [];
    const walk = (node: unknown): void => {
      if (!node || typeof node !== 'object') return;
      for (const [key, value] of Object.entries(node)) {
        if (key === '$ref' && typeof value === 'string') refs.push(value.replace(/^#\//, ''));
        else walk(value);
      }
    };
    walk(spec);
    expect(refs.length).toBeGreaterThan(5);
    for (const ref of refs) {
      let node: unknown = spec;
      for (const part of ref.split('/')) node = (node as Record<string, unknown>)?.[part];
      expect(node, ref).toBeDefined();
    }
  });
});
