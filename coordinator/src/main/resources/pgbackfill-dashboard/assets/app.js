'use strict';
// The pgbackfill dashboard: a few views over the REST API, redrawn every 2 s. Plain DOM, no dependencies.
const tokenKey = 'pgbackfill.token';
let role = null;          // 'viewer' or 'operator', from /api/me
let timer = null;

// Opening /#token=… (or a deep link such as /#/jobs/3?token=…) stores the token for this session and takes it out of
// the address bar and of the history, keeping the page it points at.
(function takeTokenFromAddress() {
  const m = location.hash.match(/^#(\/[^?]*)?\??token=(.*)$/);
  if (!m) return;
  let given = m[2];
  try { given = decodeURIComponent(given); } catch (e) { /* not percent-encoded: take it as it is */ }
  sessionStorage.setItem(tokenKey, given);
  history.replaceState(null, '', location.pathname + '#' + (m[1] || '/'));
})();

let asked = false; // ask once per page load, not on every request

function token() {
  let t = sessionStorage.getItem(tokenKey);
  if (!t && !asked) {
    asked = true;
    t = prompt('API token (viewer or operator):') || '';
    if (t) sessionStorage.setItem(tokenKey, t);
  }
  return t || '';
}

async function api(method, path, body) {
  const res = await fetch(path, {
    method, headers: { 'Authorization': 'Bearer ' + token(), 'Content-Type': 'application/json' },
    body: body ? JSON.stringify(body) : undefined });
  if (res.status === 401) {
    sessionStorage.removeItem(tokenKey);
    role = null;
    throw new Error('no token or an unknown one; reload the page to enter another');
  }
  const data = await res.json();
  if (!res.ok) throw new Error(data.error || ('HTTP ' + res.status));
  return data;
}

const operator = () => role === 'operator';

function el(tag, attrs, ...children) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (k === 'class') e.className = v;
    else if (k.startsWith('on')) e[k] = v;
    else if (k === 'dataset') Object.assign(e.dataset, v);
    else e.setAttribute(k, v);
  }
  for (const c of children.flat()) e.append(c instanceof Node ? c : document.createTextNode(c == null ? '' : String(c)));
  return e;
}

function showError(message) { document.getElementById('error').textContent = message || ''; }

function eta(s) {
  if (s == null) return '';
  if (s < 60) return s + 's';
  if (s < 3600) return Math.floor(s / 60) + 'm' + String(s % 60).padStart(2, '0') + 's';
  return Math.floor(s / 3600) + 'h' + String(Math.floor(s % 3600 / 60)).padStart(2, '0') + 'm';
}

const num = n => Math.round(n).toLocaleString('en-US');

// Times with their zone, so operators in different places read the same instant.
const when = iso => iso ? new Date(iso).toLocaleString(undefined, { timeZoneName: 'short' }) : '–';

function elapsed(j) {
  if (!j.startedAt) return '–';
  const end = j.finishedAt ? Date.parse(j.finishedAt) : Date.now();
  return eta(Math.max(0, Math.round((end - Date.parse(j.startedAt)) / 1000)));
}

const finished = j => ['SUCCEEDED', 'FAILED', 'CANCELLED'].includes(j.state);

function percent(j) {
  return j.rowsEstimated > 0 ? Math.min(100, 100 * j.rowsDone / j.rowsEstimated) : (j.state === 'SUCCEEDED' ? 100 : 0);
}

function bar(pct, wide) {
  const b = el('div', { class: 'bar' + (wide ? ' wide' : '') }, el('div'));
  b.firstChild.style.width = pct.toFixed(1) + '%';
  return b;
}

// Why the job goes slower or waits: only while it can still run (a finished job has no throttle to explain).
function reasonOf(j) {
  return (finished(j) ? '' : (j.throttleReason || '')) + (j.stuckRows ? ' stuck rows: ' + j.stuckRows : '');
}

function actionButtons(j, after) {
  const actions = { RUNNING: ['pause', 'cancel'], PAUSED: ['resume', 'cancel'], FAILED: ['resume'], PLANNING: ['cancel'] }[j.state] || [];
  if (!operator()) return [];
  return actions.map(action => el('button', {
    dataset: { action },
    onclick: async () => {
      if (action === 'cancel' && !confirm('Cancel job ' + j.id + '? Its finished batches stay applied.')) return;
      try { await api('POST', '/api/jobs/' + j.id + '/' + action, { reason: 'from the dashboard' }); after(); }
      catch (e) { showError(e.message); }
    } }, action));
}

// ------------------------------------------------------------------ views

async function jobsView(view) {
  const jobs = await api('GET', '/api/jobs');
  const rows = jobs.map(j => el('tr', { dataset: { job: j.id } },
    el('td', {}, el('a', { href: '#/jobs/' + j.id }, j.id)),
    el('td', {}, j.table),
    el('td', { class: 'state ' + j.state }, j.state),
    el('td', {}, bar(percent(j)), num(j.rowsDone) + ' / ' + num(j.rowsEstimated)),
    el('td', {}, num(j.state === 'RUNNING' ? j.rowsPerSecond : j.averageRowsPerSecond)),
    el('td', {}, eta(j.etaSeconds)),
    el('td', {}, j.chunksDone + '/' + j.chunksTotal),
    el('td', { class: 'reason' }, reasonOf(j)),
    el('td', { class: 'error-text' }, j.state === 'FAILED' ? (j.lastError || '') : ''),
    el('td', {}, actionButtons(j, refresh))));
  view.replaceChildren(el('table', { id: 'jobs' },
    el('thead', {}, el('tr', {}, ['job', 'table', 'state', 'progress', 'rows/s', 'ETA', 'chunks', 'throttle', 'error', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, rows.length ? rows : el('tr', {}, el('td', { colspan: 10, class: 'muted' }, 'no jobs yet')))));
}

function rateChart(samples) {
  // rows/s between consecutive samples, drawn over the last hour
  const points = [];
  for (let i = 1; i < samples.length; i++) {
    const dt = (Date.parse(samples[i].at) - Date.parse(samples[i - 1].at)) / 1000;
    if (dt > 0) points.push({ t: Date.parse(samples[i].at), r: Math.max(0, (samples[i].rowsDone - samples[i - 1].rowsDone) / dt) });
  }
  const svg = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  svg.setAttribute('class', 'chart');
  svg.setAttribute('id', 'rate-chart');
  svg.setAttribute('viewBox', '0 0 760 180');
  svg.setAttribute('preserveAspectRatio', 'none');
  const text = (x, y, s) => { const t = document.createElementNS(svg.namespaceURI, 'text'); t.setAttribute('x', x); t.setAttribute('y', y); t.textContent = s; svg.append(t); };
  if (points.length < 2) { text(10, 20, 'rate: waiting for samples…'); return svg; }
  const t0 = points[0].t, t1 = points[points.length - 1].t, max = Math.max(...points.map(p => p.r), 1);
  const line = document.createElementNS(svg.namespaceURI, 'polyline');
  line.setAttribute('points', points.map(p => (40 + 710 * (p.t - t0) / Math.max(1, t1 - t0)).toFixed(1) + ',' + (170 - 150 * p.r / max).toFixed(1)).join(' '));
  svg.append(line);
  text(4, 20, num(max) + ' rows/s');
  text(4, 172, '0');
  const span = (t1 - t0) / 1000;
  text(660, 14, 'last ' + (span < 120 ? Math.round(span) + ' s' : Math.round(span / 60) + ' min'));
  svg.dataset.points = points.length;
  return svg;
}

const thresholds = [['replicaLagSeconds', 'replica lag (s)'], ['lockWaiters', 'lock waiters'],
  ['activeConnections', 'active connections'], ['walRetainedMb', 'WAL retained (MB)']];
const thresholdText = t => t ? [t.throttle ?? '', t.critical ?? ''].join(',').replace(/,$/, '') : '';

function parseThreshold(text) {
  if (!text) return undefined;
  const [t, c] = text.split(',').map(x => x.trim());
  return { throttle: t ? Number(t) : null, critical: c ? Number(c) : null };
}

function throttleSummary(s) {
  return (s.rate ? 'rate ' + s.rate + ' rows/s' : 'no rate limit') + (s.schedule ? '; schedule ' + s.schedule : '')
    + (s.sleepRatio ? '; sleep ratio ' + s.sleepRatio : '')
    + thresholds.filter(([k]) => s[k]).map(([k, label]) => '; ' + label + ' ' + thresholdText(s[k])).join('');
}

function throttleForm(j, settings) {
  if (!operator()) {
    return el('p', { class: 'muted' }, 'throttle: ' + throttleSummary(settings) + ' (viewer: read only)');
  }
  const form = el('form', { class: 'throttle', id: 'throttle-form' },
    el('label', {}, 'rate (rows/s)', el('input', { name: 'rate', type: 'number', min: '1', step: 'any', placeholder: 'unlimited', value: settings.rate ?? '' })),
    el('label', {}, 'schedule', el('input', { name: 'schedule', placeholder: 'Mon-Fri 08:00-18:00 Europe/Berlin rate=2000; otherwise unlimited', value: settings.schedule ?? '' })),
    el('label', {}, 'sleep ratio', el('input', { name: 'sleepRatio', type: 'number', min: '0', step: 'any', placeholder: '0', value: settings.sleepRatio ?? '' })),
    thresholds.map(([k, label]) => el('label', {}, label + ' (throttle,critical)',
      el('input', { name: k, placeholder: 'e.g. 5,30', value: thresholdText(settings[k]) }))),
    el('button', { type: 'submit' }, 'apply'),
    el('button', { type: 'button', onclick: async () => {
      try { await api('POST', '/api/jobs/' + j.id + '/throttle', { clear: true }); throttleStatus[j.id] = 'cleared'; editingThrottle = false; refresh(); }
      catch (e) { showError(e.message); }
    } }, 'clear'));
  form.onsubmit = async ev => {
    ev.preventDefault();
    // the form holds the whole throttle but the probe and batch bounds, which are kept as they are
    const body = { clear: true, probe: settings.probe, probeThreshold: settings.probeThreshold, batchTargetMs: settings.batchTargetMs,
      minBatch: settings.minBatch, maxBatch: settings.maxBatch };
    const rate = form.rate.value.trim(), schedule = form.schedule.value.trim(), sleep = form.sleepRatio.value.trim();
    if (rate) body.rate = Number(rate);
    if (schedule) body.schedule = schedule;
    if (sleep) body.sleepRatio = Number(sleep);
    for (const [k] of thresholds) body[k] = parseThreshold(form[k].value.trim());
    try {
      const now = await api('POST', '/api/jobs/' + j.id + '/throttle', body);
      throttleStatus[j.id] = 'saved: ' + throttleSummary(now);
      editingThrottle = false; showError(''); refresh();
    } catch (e) { throttleStatus[j.id] = 'not saved: ' + e.message; showError(e.message); }
  };
  return form;
}

function specList(j) {
  const s = j.spec;
  if (!s) return el('p', { class: 'muted' }, 'no spec recorded');
  const row = (name, ...value) => el('div', {}, el('dt', {}, name), el('dd', { dataset: { field: name } }, ...value));
  const triggers = s.triggers.length ? 'fires for every backfilled row: ' + s.triggers.join(', ') : 'no trigger fires for backfilled rows';
  return el('dl', { class: 'spec', id: 'job-spec' },
    row('set', s.set.join('; ')),
    row('where', s.where ?? '(derived) ' + s.predicate),
    s.from ? row('from', s.from + ' join ' + s.join) : '',
    row('key', s.key.join(', ')),
    row('batch / chunk', s.batchSize + ' rows / ' + (s.chunkSize ? s.chunkSize + ' rows' : "planner's choice")),
    row('triggers', triggers + (s.disableTriggers ? ' (--disable-triggers: ordinary triggers are off)' : '')),
    s.partitions.length ? row('partitions', s.partitions.join(', ')) : '',
    row('role', s.connectedAs ?? '–'),
    j.rowsReswept ? row('re-swept', num(j.rowsReswept) + ' rows changed again after the final check reopened their chunk') : '');
}

let editingThrottle = false; // do not redraw the form under the operator's fingers
let throttleStatus = {};      // job id → what the last apply did, shown under the form

async function jobView(view, id) {
  const [j, samples, chunks, events, workers, settings] = await Promise.all([
    api('GET', '/api/jobs/' + id), api('GET', '/api/jobs/' + id + '/samples?minutes=60'), api('GET', '/api/jobs/' + id + '/chunks?cells=600'),
    api('GET', '/api/jobs/' + id + '/events'), api('GET', '/api/workers'), api('GET', '/api/jobs/' + id + '/throttle')]);
  const owners = new Set(chunks.filter(c => c.state === 'RUNNING').map(c => c.owner));
  // a big job's map merges neighbouring chunks into one cell (the most pressing state wins): the legend then counts cells
  const counts = chunks.reduce((m, c) => (m[c.state] = (m[c.state] || 0) + 1, m), {});
  const merged = chunks.some(c => c.lastChunkNo > c.chunkNo);
  const oldForm = document.getElementById('throttle-form');
  const keepForm = editingThrottle && oldForm && oldForm.dataset.job === String(id);
  const form = keepForm ? oldForm : throttleForm(j, settings);
  if (form.tagName === 'FORM') {
    form.dataset.job = id;
    form.onfocusin = () => { editingThrottle = true; };
    form.onfocusout = () => { editingThrottle = false; };
  }
  view.replaceChildren(
    el('h2', { id: 'job-title' }, 'Job ' + j.id + ' on ' + j.table + ' ', el('span', { id: 'job-state', class: 'state ' + j.state }, j.state)),
    bar(percent(j), true),
    el('div', { class: 'facts' },
      el('div', {}, el('span', {}, 'rows'), el('b', { id: 'job-rows' }, num(j.rowsDone)), ' / ' + num(j.rowsEstimated)),
      el('div', {}, el('span', {}, 'rows/s'), el('b', {}, num(j.state === 'RUNNING' ? j.rowsPerSecond : j.averageRowsPerSecond))),
      el('div', {}, el('span', {}, 'ETA'), el('b', {}, eta(j.etaSeconds) || '–')),
      el('div', {}, el('span', {}, 'chunks'), el('b', {}, j.chunksDone + '/' + j.chunksTotal)),
      el('div', {}, el('span', {}, 'workers'), el('b', {}, j.workers)),
      el('div', {}, el('span', {}, 'started'), el('b', { id: 'job-started' }, when(j.startedAt))),
      el('div', {}, el('span', {}, 'finished'), el('b', { id: 'job-finished' }, when(j.finishedAt))),
      el('div', {}, el('span', {}, 'elapsed'), el('b', { id: 'job-elapsed' }, elapsed(j)))),
    el('p', { class: 'reason', id: 'job-reason' }, reasonOf(j)),
    j.lastError ? el('p', { class: 'error-box', id: 'job-error' }, (j.state === 'FAILED' ? 'failed: ' : 'last error: ') + j.lastError) : '',
    el('div', { id: 'job-actions' }, actionButtons(j, refresh)),
    el('h2', {}, 'Spec'), specList(j),
    el('h2', {}, 'Throttle'), form, el('p', { class: 'muted', id: 'throttle-status' }, throttleStatus[id] || ''),
    el('h2', {}, 'Rate, last hour'), rateChart(samples),
    el('h2', {}, 'Chunks'),
    el('div', { class: 'legend muted' }, ['DONE', 'RUNNING', 'PENDING', 'STUCK'].map(s =>
      el('span', {}, el('i', { class: 'chunk ' + s }), s.toLowerCase() + ' ' + (counts[s] || 0))),
      merged ? el('span', {}, '(cells of ~' + Math.ceil(j.chunksTotal / chunks.length) + ' chunks)') : ''),
    el('div', { class: 'chunks', id: 'chunk-map' }, chunks.map(c => el('div', {
      class: 'chunk ' + c.state, dataset: { state: c.state },
      title: '#' + c.chunkNo + (c.lastChunkNo > c.chunkNo ? '–' + c.lastChunkNo : '') + ' ' + c.state + ', ' + num(c.rowsDone) + ' rows, attempts ' + c.attempts + (c.owner ? ', ' + c.owner : '')
        + (c.stuckRows ? ', stuck rows ' + c.stuckRows : '') + (c.partition ? ', partition ' + c.partition : '') }))),
    el('h2', {}, 'Workers on this job'),
    workersTable(workers.filter(w => owners.has(w.id))),
    el('h2', {}, 'Events'),
    el('table', { id: 'events' },
      el('thead', {}, el('tr', {}, ['at', 'kind', 'change', 'by', 'why'].map(h => el('th', {}, h)))),
      el('tbody', {}, events.slice().reverse().map(e => el('tr', {},
        el('td', {}, when(e.at)), el('td', {}, e.kind),
        el('td', {}, (e.fromState ? e.fromState + ' → ' : '') + (e.toState || '')), el('td', {}, e.actor), el('td', {}, e.reason || ''))))));
}

function workersTable(workers) {
  if (!workers.length) return el('p', { class: 'muted' }, 'none');
  return el('table', { class: 'workers' },
    el('thead', {}, el('tr', {}, ['worker', 'host', 'pid', 'threads', 'chunks running', 'last heartbeat', ''].map(h => el('th', {}, h)))),
    el('tbody', {}, workers.map(w => el('tr', {},
      el('td', {}, w.id), el('td', {}, w.host), el('td', {}, w.pid), el('td', {}, w.threads), el('td', {}, w.chunksRunning),
      el('td', {}, when(w.heartbeatAt)),
      el('td', { class: 'liveness ' + (w.alive ? 'RUNNING' : 'FAILED'), dataset: { alive: w.alive } },
        w.alive ? 'alive' : 'dead: no heartbeat for ' + eta(Math.round((Date.now() - Date.parse(w.heartbeatAt)) / 1000)))))));
}

async function workersView(view) {
  view.replaceChildren(el('h2', {}, 'Workers (seen in the last hour)'), workersTable(await api('GET', '/api/workers')));
}

async function migrationsView(view) {
  const m = await api('GET', '/api/migrations');
  if (!m.configured) {
    const history = await api('GET', '/api/migrations/history');
    view.replaceChildren(el('h2', {}, 'Migrations'),
      el('p', { class: 'muted' }, 'Start the coordinator with --migrations DIR, --jar FILE or --examples to see revisions and pending phases. '
        + history.length + ' history entries in scope ' + m.scope + '.'));
    return;
  }
  const phaseChip = (r, p) => {
    const order = ['expand', 'backfill', 'contract'];
    const done = r.phaseDone && order.indexOf(r.phaseDone) >= order.indexOf(p);
    return el('span', { class: 'phase' + (done ? ' done' : ''), title: done ? 'done' : 'pending' }, p);
  };
  view.replaceChildren(
    el('h2', {}, 'Migrations'),
    el('p', {}, 'scope ', el('b', {}, m.scope), ' · head ', el('b', {}, m.heads.join(', ')), ' · current ', el('b', { id: 'mig-current' }, m.current.join(', ') || 'base'),
      ' · pending ', el('b', { id: 'mig-pending' }, m.pending.length)),
    el('table', { id: 'migrations' },
      el('thead', {}, el('tr', {}, ['revision', 'state', 'phases', 'message', 'backfill jobs', 'source'].map(h => el('th', {}, h)))),
      el('tbody', {}, m.revisions.map(r => el('tr', { dataset: { revision: r.revision } },
        el('td', {}, r.revision), el('td', { class: 'state' }, r.state),
        el('td', {}, r.phases.map(p => phaseChip(r, p))),
        el('td', {}, r.message),
        el('td', {}, r.jobs.map(j => el('a', { href: '#/jobs/' + j.id }, '#' + j.id + ' ' + j.state + ' '))),
        el('td', { class: 'muted' }, r.source))))));
}

// ------------------------------------------------------------------ routing and refresh

function route() {
  const h = location.hash || '#/';
  const job = h.match(/^#\/jobs\/(\d+)/);
  for (const a of document.querySelectorAll('nav a')) a.classList.toggle('active', h === a.getAttribute('href') || (job && a.id === 'nav-jobs'));
  if (job) return v => jobView(v, job[1]);
  if (h.startsWith('#/workers')) return workersView;
  if (h.startsWith('#/migrations')) return migrationsView;
  return jobsView;
}

let refreshing = false; // a slow round must not pile up behind the 2 s timer

async function refresh() {
  if (refreshing) return;
  refreshing = true;
  try {
    if (role === null) {
      role = (await api('GET', '/api/me')).role;
      document.getElementById('who').textContent = role + (role === 'viewer' ? ' (read only)' : '');
    }
    await route()(document.getElementById('view'));
    showError('');
  } catch (e) {
    showError(e.message);
  } finally {
    refreshing = false;
  }
}

window.addEventListener('hashchange', () => { editingThrottle = false; refresh(); });
refresh();
timer = setInterval(refresh, 2000);
