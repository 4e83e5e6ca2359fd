import { LineCounter, isMap, isNode, isScalar, isSeq, parseDocument, type Document, type Node } from 'yaml';
import type { ValidationIssue } from '@botgate/core';

/** A parsed YAML file that can say on which line a JSON-pointer path sits. */
export interface YamlSource {
  fileName: string;
  value: unknown;
  /** Syntax errors, already as issues; `value` is not usable when there are any. */
  syntaxIssues: ValidationIssue[];
  /** `<file>:<line> <path>` for the deepest node that exists on `path` (or the `key` of that map). */
  where(path: string, key?: string): string;
}

export function parseYamlSource(text: string, fileName: string): YamlSource {
  const lineCounter = new LineCounter();
  // uniqueKeys: a duplicated key is almost always a copy-paste slip that silently drops a branch.
  const doc = parseDocument(text, { lineCounter, uniqueKeys: true, prettyErrors: false });
  const lineOf = (offset: number): number => lineCounter.linePos(offset).line;
  const syntaxIssues = doc.errors.map((e) => ({
    path: `${fileName}:${lineOf(e.pos[0])} /`,
    reason: `YAML ${e.code}: ${e.message.split('\n')[0]}`,
  }));
  const value: unknown = syntaxIssues.length ? undefined : doc.toJS({ maxAliasCount: 1000 });
  return {
    fileName,
    value,
    syntaxIssues,
    where(path, key) {
      const offset = locate(doc, path, key);
      return `${fileName}:${offset === undefined ? 1 : lineOf(offset)} ${path || '/'}`;
    },
  };
}

/** Offset of the deepest node found along `path`: the best line to show for a schema issue. */
function locate(doc: Document, path: string, key?: string): number | undefined {
  const segments = path.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  let node: Node | null | undefined = doc.contents;
  let offset = node?.range?.[0];
  for (const segment of [...segments, ...(key === undefined ? [] : [key])]) {
    const next = child(node, segment);
    if (!next) break;
    node = next.node;
    offset = next.offset ?? offset;
  }
  return offset;
}

function child(node: Node | null | undefined, segment: string): { node: Node | null; offset?: number } | undefined {
  if (isSeq(node)) {
    const item = node.items[Number(segment)];
    return isNode(item) ? { node: item, offset: item.range?.[0] } : undefined;
  }
  if (isMap(node)) {
    for (const pair of node.items) {
      if (isScalar(pair.key) && String(pair.key.value) === segment) {
        const value = isNode(pair.value) ? pair.value : null;
        // A missing or scalar value: point at the key line, that is where the author looks.
        return { node: value, offset: pair.key.range?.[0] };
      }
    }
  }
  return undefined;
}
