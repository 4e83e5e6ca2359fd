import type { ConversationFilter, TimelineEntry } from '@botgate/core';
import type { ConversationDetail, ConversationSummary } from './admin-data';
import { badge, html, timeCell, type Html } from './admin-html';

const STATES = ['', 'bot', 'pending', 'agent', 'closed'] as const;

function option(value: string, label: string, selected: string | undefined): Html {
  return value === (selected ?? '') ? html`<option value="${value}" selected>${label}</option>` : html`<option value="${value}">${label}</option>`;
}

export function conversationListBody(conversations: ConversationSummary[], filter: ConversationFilter, vendors: string[]): Html {
  const rows = conversations.map(
    (c) => html`<tr>
  <td class="mono"><a href="/admin/conversations/${encodeURIComponent(c.id)}">${c.id}</a></td>
  <td>${c.vendor}<div class="muted">${c.connector}</div></td>
  <td>${c.tenant}</td>
  <td class="mono hide-narrow">${c.externalId}</td>
  <td class="mono">${c.userId ?? ''}</td>
  <td>${badge(c.state)}</td>
  <td>${c.handler}</td>
  <td>${timeCell(c.updatedAt)}</td>
</tr>`,
  );
  return html`<h1>Conversations</h1>
<form class="filters" method="get" action="/admin/conversations">
  <label>Vendor <select name="vendor">${option('', 'all', filter.vendor)}${vendors.map((v) => option(v, v, filter.vendor))}</select></label>
  <label>Tenant <input name="tenant" value="${filter.tenant ?? ''}" placeholder="any"></label>
  <label>State <select name="state">${STATES.map((s) => option(s, s || 'any', filter.state))}</select></label>
  <label>Search <input name="q" type="search" value="${filter.query ?? ''}" placeholder="conversation id, vendor id or user" size="32"></label>
  <button type="submit">Filter</button>
  <a href="/admin/conversations">clear</a>
</form>
<table>
  <thead><tr><th>Conversation</th><th>Vendor</th><th>Tenant</th><th class="hide-narrow">Vendor id</th><th>User</th><th>State</th><th>Handler</th><th>Updated</th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="empty">No conversations match.</td></tr>`}</tbody>
</table>
<p class="muted">${conversations.length} shown (most recently updated first, at most ${filter.limit ?? 100}).</p>`;
}

function timelineItem(entry: TimelineEntry): Html {
  const data = entry.data === undefined ? '' : JSON.stringify(entry.data, null, 2);
  return html`<li class="kind-${entry.kind}">
  <span class="when">${timeCell(entry.at)}</span>
  ${badge(entry.kind, entry.kind === 'error' ? 'error' : 'neutral')}
  ${entry.status ? badge(entry.status) : ''}
  <span>${entry.summary}</span>
  ${entry.deliveryId ? html`<span class="muted mono"> · delivery ${entry.deliveryId}</span>` : ''}
  ${data ? html`<details><summary class="muted">data</summary><pre>${data}</pre></details>` : ''}
</li>`;
}

export function conversationDetailBody(detail: ConversationDetail): Html {
  const c = detail.conversation;
  const counts = { inbound: 0, outbound: 0, errors: 0, dead: 0 };
  for (const entry of detail.timeline) {
    if (entry.kind === 'inbound') counts.inbound++;
    if (entry.kind === 'outbound') counts.outbound++;
    if (entry.kind === 'error') counts.errors++;
    if (entry.status === 'dead' || entry.status === 'failed') counts.dead++;
  }
  return html`<p><a href="/admin/conversations">← all conversations</a></p>
<h1>Conversation <span class="mono">${c.id}</span> ${badge(c.state)}</h1>
<div class="grid">
  <div class="card"><dl class="facts">
    <dt>Vendor</dt><dd>${c.vendor} (${c.connector})</dd>
    <dt>Tenant</dt><dd>${c.tenant}</dd>
    <dt>Vendor id</dt><dd class="mono">${c.externalId}</dd>
    <dt>User</dt><dd class="mono">${c.userId ?? '–'}</dd>
    <dt>Handler</dt><dd>${c.handler}</dd>
    <dt>Created</dt><dd>${timeCell(c.createdAt)}</dd>
    <dt>Updated</dt><dd>${timeCell(c.updatedAt)}</dd>
    ${c.closedAt ? html`<dt>Closed</dt><dd>${timeCell(c.closedAt)}</dd>` : ''}
  </dl></div>
  <div class="card">
    <div class="stats">
      <span class="stat"><b>${counts.inbound}</b>inbound</span><span class="stat"><b>${counts.outbound}</b>outbound</span>
      <span class="stat"><b>${counts.errors}</b>errors</span><span class="stat"><b>${counts.dead}</b>failed / dead</span>
    </div>
    ${c.handoff
      ? html`<dl class="facts"><dt>Handoff to</dt><dd>${c.handoff.desk}</dd><dt>Requested</dt><dd>${timeCell(c.handoff.requestedAt)}</dd>
        <dt>Attended</dt><dd>${timeCell(c.handoff.attendedAt)}</dd>${c.handoff.reason ? html`<dt>Reason</dt><dd>${c.handoff.reason}</dd>` : ''}</dl>`
      : html`<p class="muted">No handoff in progress.</p>`}
  </div>
</div>
<h2>Timeline (${detail.timeline.length} entries, oldest first)</h2>
${detail.timeline.length ? html`<ol class="timeline">${detail.timeline.map(timelineItem)}</ol>` : html`<p class="empty card">Nothing recorded yet.</p>`}`;
}
