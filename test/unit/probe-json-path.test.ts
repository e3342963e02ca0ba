import { describe, expect, it } from 'vitest';
import { evalJsonPath, jsonEquals, JsonPathError, parseJsonPath } from '../../src-main/probes/json-path.js';
import { fillAddress, fillCommand, fillUrl, TemplateError } from '../../src-main/probes/template.js';
import type { ProbeNode } from '../../src-main/probes/types.js';

const at = (doc: unknown, path: string) => evalJsonPath(doc, parseJsonPath(path));

describe('JSON path subset', () => {
  const doc = { ok: true, a: { b: [10, { c: 'x' }], 'weird key': 3 }, list: [1, 2, 3], n: null };

  it('reads $, dotted names, indices, quoted keys and negative indices', () => {
    expect(at(doc, '$')).toEqual({ found: true, value: doc });
    expect(at(doc, '$.ok')).toEqual({ found: true, value: true });
    expect(at(doc, '$.a.b[0]')).toEqual({ found: true, value: 10 });
    expect(at(doc, '$.a.b[1].c')).toEqual({ found: true, value: 'x' });
    expect(at(doc, "$.a['weird key']")).toEqual({ found: true, value: 3 });
    expect(at(doc, '$["list"][-1]')).toEqual({ found: true, value: 3 });
    expect(at(doc, '$.n')).toEqual({ found: true, value: null });
    expect(at({ 'a]b': 1, 'x"y': 2, 'x-y': 3 }, '$["a]b"]')).toEqual({ found: true, value: 1 });
    expect(at({ 'a]b': 1, 'x"y': 2, 'x-y': 3 }, '$["x\\"y"]')).toEqual({ found: true, value: 2 });
    expect(at({ 'a]b': 1, 'x"y': 2, 'x-y': 3 }, '$.x-y')).toEqual({ found: true, value: 3 });
  });

  it('reports missing steps as not found, without walking prototypes', () => {
    expect(at(doc, '$.nope')).toEqual({ found: false });
    expect(at(doc, '$.list[3]')).toEqual({ found: false });
    expect(at(doc, '$.list[-4]')).toEqual({ found: false });
    expect(at(doc, '$.ok.x')).toEqual({ found: false });
    expect(at(doc, '$.a[0]')).toEqual({ found: false });
    expect(at(doc, '$.list.length')).toEqual({ found: false });
    expect(at(doc, '$.constructor')).toEqual({ found: false });
    expect(at(doc, '$.__proto__')).toEqual({ found: false });
    expect(at(doc, '$.a.toString')).toEqual({ found: false });
  });

  it('refuses anything outside the subset, saying where', () => {
    for (const bad of ['a.b', '$..a', '$.a[*]', '$.a[?(@.x)]', '$.a[1', '$[(process.exit())]', '$.', '$ a', '$["open]', "$['a'x]"]) {
      expect(() => parseJsonPath(bad), bad).toThrow(JsonPathError);
    }
    try {
      parseJsonPath('$.a[*]');
    } catch (e) {
      expect((e as JsonPathError).at).toBe(3);
      expect((e as Error).message).toMatch(/not supported/);
    }
  });

  it('compares JSON values deeply', () => {
    expect(jsonEquals(true, true)).toBe(true);
    expect(jsonEquals(1, '1')).toBe(false);
    expect(jsonEquals({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(jsonEquals({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(jsonEquals([1, 2], [2, 1])).toBe(false);
    expect(jsonEquals(null, {})).toBe(false);
  });
});

describe('placeholders', () => {
  const node: ProbeNode = { name: 'node01', host: '10.251.3.11', port: 2222 };

  it('fills URLs, bracketing IPv6 and encoding names', () => {
    expect(fillUrl('http://{host}:8080/health?n={name}&p={port}', node).href).toBe('http://10.251.3.11:8080/health?n=node01&p=2222');
    expect(fillUrl('https://{host}/x', { ...node, host: 'fe80::1' }).host).toBe('[fe80::1]');
    expect(fillUrl('http://h/{name}', { ...node, name: 'db.1_a-b' }).pathname).toBe('/db.1_a-b');
  });

  it('refuses hosts and names that could smuggle anything in', () => {
    expect(() => fillUrl('http://{host}/', { ...node, host: 'evil.com/x?' })).toThrow(TemplateError);
    expect(() => fillUrl('http://{host}/', { ...node, host: 'a@b' })).toThrow(TemplateError);
    expect(() => fillCommand('echo {name}', { ...node, name: '$(reboot)' })).toThrow(TemplateError);
    expect(() => fillUrl('http://{host}/', { ...node, port: 70000 })).toThrow(TemplateError);
    expect(() => fillUrl('file:///etc/passwd')).toThrow(/only http/);
    expect(() => fillUrl('http://{host}/')).toThrow(/no target/);
  });

  it('fills addresses, including [v6]:port', () => {
    expect(fillAddress('{host}:5432', node)).toEqual({ host: '10.251.3.11', port: 5432 });
    expect(fillAddress('{host}:{port}', { ...node, host: '::1' })).toEqual({ host: '::1', port: 2222 });
    expect(fillAddress('db.example:80')).toEqual({ host: 'db.example', port: 80 });
    expect(() => fillAddress('db.example')).toThrow(TemplateError);
    expect(() => fillAddress('db:0')).toThrow(/1-65535/);
  });

  it('shell-quotes values in commands and leaves other braces alone', () => {
    expect(fillCommand("awk '{print $1}' /x; ping -c1 {host}", node)).toBe("awk '{print $1}' /x; ping -c1 10.251.3.11");
    expect(fillCommand('echo {name}', { ...node, name: 'n1' })).toBe('echo n1');
  });
});
