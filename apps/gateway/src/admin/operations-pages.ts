import type { DeadLetterSummary, TargetHealth, VendorHealth } from './admin-data';
import { badge, html, timeCell, type Html } from './admin-html';

function csrfField(token: string): Html {
  return html`<input type="hidden" name="_csrf" value="${token}">`;
}

export function deadLettersBody(letters: DeadLetterSummary[], csrfToken: string, flash?: { text: string; error?: boolean }): Html {
  const rows = letters.map(
    (l) => html`<tr>
  <td class="mono">${l.id}</td>
  <td>${l.lane}</td>
  <td class="mono"><a href="/admin/conversations/${encodeURIComponent(l.conversationId)}">${l.conversationId}</a></td>
  <td>${l.target ?? ''}</td>
  <td>${l.error}</td>
  <td>${l.attempts}</td>
  <td>${timeCell(l.failedAt)}</td>
  <td><form method="post" action="/admin/dead-letters/${encodeURIComponent(l.id)}/replay" class="inline">${csrfField(csrfToken)}<button type="submit" class="secondary">Replay</button></form></td>
</tr>`,
  );
  return html`<h1>Dead letters</h1>
${flash ? html`<p class="flash${flash.error ? ' error' : ''}" role="status">${flash.text}</p>` : ''}
<div class="actions">
  <span>${letters.length} dead letter(s), newest first.</span>
  ${letters.length
    ? html`<form method="post" action="/admin/dead-letters/replay-all" class="inline" data-confirm="Replay all ${letters.length} dead letters?">${csrfField(csrfToken)}<button type="submit">Replay all</button></form>`
    : ''}
</div>
<table>
  <thead><tr><th>Id</th><th>Lane</th><th>Conversation</th><th>Target</th><th>Error</th><th>Attempts</th><th>Failed</th><th></th></tr></thead>
  <tbody>${rows.length ? rows : html`<tr><td colspan="8" class="empty">The dead-letter queue is empty.</td></tr>`}</tbody>
</table>
<p class="muted">Replay puts an item back at the end of its conversation's lane; it is tried again with a fresh retry budget.</p>`;
}

function percent(rate: number | null): string {
  return rate === null ? '–' : `${(rate * 100).toFixed(1)} %`;
}

function targetCard(t: TargetHealth): Html {
  const outcomes = Object.entries(t.deliveries);
  return html`<div class="card target" data-target="${t.target}">
  <h2>${t.target} <span class="muted">(${t.kind})</span></h2>
  <p>Circuit breaker ${badge(t.breaker, t.breaker === 'closed' ? 'ok' : t.breaker)}${t.consecutiveFailures ? html` <span class="muted">${t.consecutiveFailures} consecutive failure(s)</span>` : ''}</p>
  <div class="stats"><span class="stat"><b>${percent(t.successRate)}</b>delivery success</span><span class="stat"><b>${t.deadLetters}</b>dead letters</span></div>
  <p class="muted">${outcomes.length ? outcomes.map(([outcome, n]) => `${outcome}: ${n}`).join(' · ') : 'no deliveries by this process yet'}</p>
  ${t.lastError ? html`<p><strong>Last error</strong> ${t.lastError}</p>` : ''}
  ${t.lastDeadLetter ? html`<p><strong>Last dead letter</strong> ${timeCell(t.lastDeadLetter.failedAt)}: ${t.lastDeadLetter.error}</p>` : ''}
</div>`;
}

export function healthBody(health: VendorHealth): Html {
  const q = health.queues;
  return html`<h1>Vendor health</h1>
<div class="card">
  <div class="stats">
    <span class="stat"><b>${health.storage}</b>storage</span>
    ${q
      ? html`<span class="stat"><b>${q.lanesWaiting.inbox}</b>inbox waiting</span><span class="stat"><b>${q.lanesWaiting.outbox}</b>outbox waiting</span>
        <span class="stat"><b>${q.scheduled}</b>scheduled</span><span class="stat"><b>${q.deadLetters}</b>dead letters</span>`
      : html`<span class="stat"><b>${badge('unavailable', 'bad')}</b>queue counts</span>`}
  </div>
  <p class="muted">Breakers and delivery counts are this process's since it started (each worker keeps its own; Prometheus adds them up). Dead letters are shared.</p>
</div>
<h2>Integrations</h2>
<div class="grid">${health.targets.length ? health.targets.map(targetCard) : html`<p class="empty">No connectors or desks configured.</p>`}</div>`;
}

export function queuesNoticeBody(): Html {
  return html`<h1>Queues</h1>
<div class="card notice">
  <p><strong>The in-memory driver is running: there are no BullMQ queues to show.</strong></p>
  <p>Configure <code>redis.url</code> (or <code>REDIS_URL</code>) to run on Redis; this page then shows bull-board for every queue (inbox, outbox, scheduled) with retry, promote and clean.
  Dead letters are on the <a href="/admin/dead-letters">dead letters</a> page with either driver.</p>
</div>`;
}
