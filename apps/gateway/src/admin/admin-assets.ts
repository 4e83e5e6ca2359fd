import express, { type Router } from 'express';

// The dashboard's only stylesheet and script, served as files so the default Content Security
// Policy (script-src 'self', no inline scripts) holds on every admin page.

export const ADMIN_CSS = `
:root { --bg:#f6f7f9; --fg:#1d2430; --muted:#6b7484; --line:#dde1e7; --card:#fff; --accent:#2457c5;
  --ok:#1d7a45; --warn:#a86400; --bad:#b3261e; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); }
a { color: var(--accent); text-decoration: none; } a:hover { text-decoration: underline; }
header.top { display:flex; align-items:center; gap:1.25rem; padding:.6rem 1.25rem; background:#1d2430; color:#fff; position:sticky; top:0; z-index:1; }
header.top a { color:#c9d3e3; } header.top a[aria-current=page] { color:#fff; font-weight:600; border-bottom:2px solid #7aa2ff; }
header.top nav { display:flex; gap:1rem; } .brand { font-size:1.05rem; letter-spacing:.02em; }
.spacer { flex:1; } .user, .refresh-state { color:#9aa6b8; font-size:.85rem; }
main { padding:1.25rem; max-width:1400px; margin:0 auto; }
h1 { font-size:1.3rem; margin:.2rem 0 1rem; } h2 { font-size:1.05rem; margin:1.5rem 0 .6rem; }
.card { background:var(--card); border:1px solid var(--line); border-radius:8px; padding:1rem; }
table { width:100%; border-collapse:collapse; background:var(--card); border:1px solid var(--line); border-radius:8px; overflow:hidden; }
th, td { text-align:left; padding:.45rem .6rem; border-bottom:1px solid var(--line); vertical-align:top; }
th { background:#eef1f5; font-weight:600; font-size:.8rem; text-transform:uppercase; letter-spacing:.03em; color:var(--muted); }
tr:last-child td { border-bottom:none; } td.mono, .mono { font-family: ui-monospace, SFMono-Regular, Menlo, monospace; font-size:.82rem; word-break:break-all; }
.muted { color:var(--muted); } .empty { padding:1.5rem; text-align:center; color:var(--muted); }
.badge { display:inline-block; padding:.05rem .45rem; border-radius:999px; font-size:.78rem; font-weight:600; background:#e7eaf0; color:#3a4456; }
.badge-bot, .badge-sent, .badge-delivered, .badge-read, .badge-closed-breaker, .badge-ok { background:#dcf2e4; color:var(--ok); }
.badge-pending, .badge-queued, .badge-half-open, .badge-retry { background:#fdefd6; color:var(--warn); }
.badge-agent { background:#dde7ff; color:var(--accent); }
.badge-failed, .badge-dead, .badge-open, .badge-error, .badge-bad { background:#fbe0de; color:var(--bad); }
.badge-closed { background:#eceef2; color:var(--muted); }
form.filters { display:flex; flex-wrap:wrap; gap:.6rem; align-items:end; margin-bottom:1rem; }
form.filters label { display:flex; flex-direction:column; font-size:.78rem; color:var(--muted); gap:.2rem; }
input, select, button { font:inherit; padding:.35rem .55rem; border:1px solid var(--line); border-radius:6px; background:#fff; color:var(--fg); }
button { background:var(--accent); color:#fff; border-color:var(--accent); cursor:pointer; }
button.secondary { background:#fff; color:var(--accent); } button.link { background:none; border:none; color:#c9d3e3; padding:0; }
form.inline { display:inline; margin:0; }
.flash { padding:.6rem .8rem; border-radius:6px; margin-bottom:1rem; background:#dcf2e4; color:var(--ok); }
.flash.error { background:#fbe0de; color:var(--bad); } .notice { background:#fff7e6; border:1px solid #f1d39a; }
.grid { display:grid; grid-template-columns:repeat(auto-fill, minmax(300px, 1fr)); gap:1rem; }
.stats { display:flex; gap:1rem; flex-wrap:wrap; margin:.4rem 0; } .stat b { display:block; font-size:1.2rem; }
dl.facts { display:grid; grid-template-columns:max-content 1fr; gap:.25rem 1rem; margin:0; } dl.facts dt { color:var(--muted); }
ol.timeline { list-style:none; padding:0; margin:0; border-left:2px solid var(--line); }
ol.timeline li { position:relative; padding:.45rem .75rem .45rem 1.1rem; }
ol.timeline li::before { content:""; position:absolute; left:-6px; top:.85rem; width:10px; height:10px; border-radius:50%; background:var(--muted); }
ol.timeline li.kind-inbound::before { background:var(--accent); } ol.timeline li.kind-outbound::before { background:var(--ok); }
ol.timeline li.kind-state::before { background:var(--warn); } ol.timeline li.kind-error::before { background:var(--bad); }
ol.timeline .when { color:var(--muted); font-size:.8rem; margin-right:.5rem; }
details pre { background:#f1f3f7; padding:.5rem; border-radius:6px; overflow:auto; max-height:240px; font-size:.78rem; }
body.login { display:grid; place-items:center; min-height:100vh; }
.login-form { width:min(360px, 92vw); display:flex; flex-direction:column; gap:.75rem; }
.login-form label { display:flex; flex-direction:column; gap:.25rem; font-size:.85rem; color:var(--muted); }
.actions { display:flex; gap:.5rem; align-items:center; margin-bottom:1rem; }
@media (max-width: 800px) { header.top { flex-wrap:wrap; } .hide-narrow { display:none; } }
`;

export const ADMIN_JS = `
(function () {
  'use strict';
  var seconds = Number(document.body.dataset.refreshSeconds || 0);
  var state = document.getElementById('refresh-state');
  var paused = false;
  function busy() {
    var active = document.activeElement;
    var main = document.getElementById('content');
    if (active && main && main.contains(active) && /^(INPUT|SELECT|TEXTAREA)$/.test(active.tagName)) return true;
    var selection = window.getSelection && window.getSelection();
    return !!(selection && String(selection).length) || !!document.querySelector('details[open]');
  }
  function stamp(text) { if (state) state.textContent = text; }
  async function refresh() {
    if (paused || document.hidden || busy()) return;
    try {
      var response = await fetch(location.href, { headers: { 'X-Admin-Refresh': '1' }, credentials: 'same-origin' });
      if (response.redirected || response.status === 401) { location.reload(); return; }
      if (!response.ok) { stamp('refresh failed (' + response.status + ')'); return; }
      var doc = new DOMParser().parseFromString(await response.text(), 'text/html');
      var fresh = doc.getElementById('content');
      var main = document.getElementById('content');
      if (fresh && main && !busy()) { main.innerHTML = fresh.innerHTML; }
      stamp('updated ' + new Date().toLocaleTimeString());
    } catch (error) { stamp('offline'); }
  }
  if (seconds > 0) {
    stamp('auto-refresh every ' + seconds + ' s');
    setInterval(refresh, seconds * 1000);
    if (state) {
      state.style.cursor = 'pointer';
      state.title = 'click to pause or resume auto-refresh';
      state.addEventListener('click', function () { paused = !paused; stamp(paused ? 'auto-refresh paused' : 'auto-refresh on'); });
    }
  }
  document.addEventListener('submit', function (event) {
    var form = event.target;
    var question = form && form.getAttribute && form.getAttribute('data-confirm');
    if (question && !window.confirm(question)) event.preventDefault();
  });
})();
`;

export function createAdminAssetRoutes(): Router {
  const router = express.Router();
  router.get('/assets/admin.css', (_req, res) => {
    res.type('text/css').set('Cache-Control', 'public, max-age=300').send(ADMIN_CSS);
  });
  router.get('/assets/admin.js', (_req, res) => {
    res.type('application/javascript').set('Cache-Control', 'public, max-age=300').send(ADMIN_JS);
  });
  return router;
}
