import type { Content } from '@botgate/core';

// `{{name}}` and `{{name|default}}` in any string of a message. Unknown variables render as the
// default, or as nothing. Values are inserted verbatim (no markdown escaping) except in `url`
// fields, where they are percent-encoded so visitor input cannot rewrite a link.

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\|([^}]*))?\}\}/g;

export type TemplateVariables = Readonly<Record<string, string>>;

export function renderTemplate(template: string, variables: TemplateVariables, encode?: (value: string) => string): string {
  return template.replace(PLACEHOLDER, (_match, name: string, fallback: string | undefined) => {
    const value = Object.prototype.hasOwnProperty.call(variables, name) ? variables[name] : undefined;
    if (value === undefined || value === '') return fallback?.trim() ?? '';
    return encode ? encode(value) : value;
  });
}

export function renderContent<C extends Content>(content: C, variables: TemplateVariables): C {
  return renderDeep(content, variables, '') as C;
}

function renderDeep(value: unknown, variables: TemplateVariables, key: string): unknown {
  if (typeof value === 'string') {
    if (key === 'type' || key === 'mimeType' || key === 'format') return value;
    return renderTemplate(value, variables, key === 'url' ? encodeURIComponent : undefined);
  }
  if (Array.isArray(value)) return value.map((item) => renderDeep(item, variables, key));
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = renderDeep(v, variables, k);
    return out;
  }
  return value;
}
