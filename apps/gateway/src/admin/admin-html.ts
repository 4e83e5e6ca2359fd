// Server-rendered pages: a tagged template that escapes every interpolated value unless it is
// already Html. Plain strings can never inject markup, so pages may show vendor data freely.

export class Html {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ESCAPES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

export function escapeHtml(value: string): string {
  return value.replace(/[&<>"']/g, (c) => ESCAPES[c] ?? c);
}

type Interpolated = Html | string | number | boolean | null | undefined | readonly Interpolated[];

function render(value: Interpolated): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof Html) return value.text;
  if (Array.isArray(value)) return value.map((v: Interpolated) => render(v)).join('');
  return escapeHtml(String(value));
}

export function html(strings: TemplateStringsArray, ...values: Interpolated[]): Html {
  let out = strings[0];
  values.forEach((value, i) => {
    out += render(value) + strings[i + 1];
  });
  return new Html(out);
}

export interface LayoutOptions {
  title: string;
  /** Which nav entry is current. */
  section: 'conversations' | 'dead-letters' | 'health' | 'queues';
  user: string;
  csrfToken: string;
  refreshSeconds: number;
  body: Html;
}

const NAV: ReadonlyArray<[LayoutOptions['section'], string, string]> = [
  ['conversations', '/admin/conversations', 'Conversations'],
  ['dead-letters', '/admin/dead-letters', 'Dead letters'],
  ['health', '/admin/health', 'Vendor health'],
  ['queues', '/admin/queues', 'Queues'],
];

/** The <head> every admin page shares; the login page has no script (nothing to refresh). */
function documentHead(title: string, withScript: boolean): Html {
  const script = withScript ? new Html('<script defer src="/admin/assets/admin.js"></script>\n') : '';
  return html`<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="robots" content="noindex">
<title>${title} · botgate admin</title>
<link rel="stylesheet" href="/admin/assets/admin.css">
${script}</head>`;
}

export function layout(options: LayoutOptions): string {
  const nav = NAV.map(
    ([key, href, label]) => html`<a href="${href}"${options.section === key ? new Html(' aria-current="page"') : ''}>${label}</a>`,
  );
  return html`<!doctype html>
<html lang="en">
${documentHead(options.title, true)}
<body data-refresh-seconds="${options.refreshSeconds}">
<header class="top">
  <strong class="brand">botgate</strong>
  <nav>${nav}</nav>
  <span class="spacer"></span>
  <span class="refresh-state" id="refresh-state"></span>
  <span class="user">${options.user}</span>
  <form method="post" action="/admin/logout" class="inline">
    <input type="hidden" name="_csrf" value="${options.csrfToken}">
    <button type="submit" class="link">Log out</button>
  </form>
</header>
<main id="content">
${options.body}
</main>
</body>
</html>`.text;
}

export function loginPage(options: { csrfToken: string; next: string; error?: string }): string {
  return html`<!doctype html>
<html lang="en">
${documentHead('Log in', false)}
<body class="login">
<form method="post" action="/admin/login" class="card login-form">
  <h1>botgate admin</h1>
  ${options.error ? html`<p class="flash error" role="alert">${options.error}</p>` : ''}
  <input type="hidden" name="_csrf" value="${options.csrfToken}">
  <input type="hidden" name="next" value="${options.next}">
  <label>User <input name="username" autocomplete="username" required autofocus></label>
  <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
  <button type="submit">Log in</button>
</form>
</body>
</html>`.text;
}

/** A relative time that reads well in a table ("12 s ago"), with the exact time as a tooltip. */
export function timeCell(iso: string | undefined, now = Date.now()): Html {
  if (!iso) return html`<span class="muted">–</span>`;
  const ms = now - Date.parse(iso);
  const ago = !Number.isFinite(ms) ? iso : ms < 60_000 ? `${Math.max(0, Math.round(ms / 1000))} s ago` : ms < 3_600_000 ? `${Math.round(ms / 60_000)} min ago` : ms < 86_400_000 ? `${Math.round(ms / 3_600_000)} h ago` : iso.slice(0, 16).replace('T', ' ');
  return html`<time datetime="${iso}" title="${iso}">${ago}</time>`;
}

export function badge(text: string, tone: string = text): Html {
  return html`<span class="badge badge-${tone.replace(/[^a-z0-9-]/gi, '')}">${text}</span>`;
}
