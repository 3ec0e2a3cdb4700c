// ozgbus operations dashboard.
//
// Plain browser JavaScript, no framework, no build step, nothing loaded from
// elsewhere. Polls the broker's JSON API (API.md, next to this file) once a
// second with relative URLs, so the page also works behind a reverse proxy
// that serves it under a sub-path.
//
// All text that comes from the broker (ids, details, reason texts) is put in
// the page with textContent, never as HTML. Rows are updated in place, keyed
// by queue name, participant, dead-letter id, so that a button under the
// operator's mouse is not replaced while the page refreshes.
'use strict';

(() => {
  const POLL_INTERVAL_MS = 1000;
  const REQUEST_TIMEOUT_MS = 4000;
  // A shown trace is fetched again this often, so a delivery appears in it well within 1 s.
  const TRACE_REFRESH_MS = 250;
  const HISTORY_MS = 60 * 1000;          // sparkline and error-rate window
  const RATE_WINDOW_MS = 5 * 1000;       // the big numbers: average over this
  const OLDEST_AGE_WARN_MS = 5 * 60 * 1000;
  const ERROR_RATE_WARN = 0.05;
  const ERROR_RATE_BAD = 0.20;
  const COUNTERS = ['submitted', 'accepted', 'rejected', 'delivered', 'redelivered', 'dead_lettered'];
  const SPARK_SERIES = ['submitted', 'accepted', 'delivered', 'rejected'];
  const SPARK_W = 600;
  const SPARK_H = 80;
  const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // Sent with every state-changing request. A cross-site page cannot add a
  // custom header without a CORS preflight, which the broker does not answer,
  // so the broker can refuse POSTs without it (see API.md, "Security").
  const ACTION_HEADER = { 'X-Ozgbus-Dashboard': '1' };
  function actionHeaders() {
    const token = sessionStorage.getItem('ozgbus-admin-token');
    return token ? { ...ACTION_HEADER, Authorization: `Bearer ${token}` } : ACTION_HEADER;
  }

  const API = {
    overview: 'api/overview',
    deadLetters: 'api/dead-letters',
    trace: (uuid) => `api/messages/${encodeURIComponent(uuid)}/trace`,
    deadLetterAction: (id, action) => `api/dead-letters/${encodeURIComponent(id)}/${action}`,
  };

  const $ = (id) => document.getElementById(id);

  // ---------------------------------------------------------------- formatting

  const intFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
  const pad = (n, w = 2) => String(n).padStart(w, '0');

  function fmtInt(n) {
    return Number.isFinite(n) ? intFormat.format(n) : '–';
  }

  function fmtRate(r) {
    if (!Number.isFinite(r)) return '–';
    if (r === 0) return '0';
    if (r >= 100) return intFormat.format(Math.round(r));
    if (r >= 10) return r.toFixed(1);
    return r.toFixed(2);
  }

  function fmtPercent(x) {
    if (!Number.isFinite(x)) return '–';
    return `${(x * 100).toFixed(x < 0.1 ? 2 : 1)} %`;
  }

  // Local time, ISO order, 24 h: 2025-03-14 09:05:03(.120)
  function fmtTime(ms, withMillis = false) {
    if (!Number.isFinite(ms) || ms <= 0) return '–';
    const d = new Date(ms);
    const s = `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())} ` +
      `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
    return withMillis ? `${s}.${pad(d.getMilliseconds(), 3)}` : s;
  }

  // Only the time of day for today's timestamps, the full date otherwise.
  function fmtWhen(ms) {
    if (!Number.isFinite(ms) || ms <= 0) return '–';
    const d = new Date(ms);
    return d.toDateString() === new Date().toDateString() ? fmtClock(ms) : fmtTime(ms);
  }

  function fmtClock(ms) {
    const d = new Date(ms);
    return `${pad(d.getHours())}:${pad(d.getMinutes())}:${pad(d.getSeconds())}`;
  }

  function fmtDuration(ms) {
    if (!Number.isFinite(ms)) return '–';
    if (ms < 0) ms = 0;
    if (ms < 1000) return `${Math.round(ms)} ms`;
    const s = Math.floor(ms / 1000);
    if (s < 60) return `${s} s`;
    const m = Math.floor(s / 60);
    if (m < 60) return `${m} min ${pad(s % 60)} s`;
    const h = Math.floor(m / 60);
    if (h < 48) return `${h} h ${pad(m % 60)} min`;
    return `${Math.floor(h / 24)} d ${h % 24} h`;
  }

  function setText(el, text) {
    const t = String(text);
    if (el.textContent !== t) el.textContent = t;
  }

  function el(tag, attrs = {}, text) {
    const e = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs)) {
      if (k === 'class') e.className = v;
      else e.setAttribute(k, v);
    }
    if (text !== undefined) e.textContent = text;
    return e;
  }

  // ---------------------------------------------------------------- HTTP

  // Resolves to {ok, status, body (parsed JSON or null), text}; rejects only
  // when no HTTP answer came (network error, timeout).
  async function request(method, url, headers = {}) {
    const ctrl = new AbortController();
    const timer = setTimeout(() => ctrl.abort(), REQUEST_TIMEOUT_MS);
    try {
      const resp = await fetch(url, {
        method,
        headers: { Accept: 'application/json', ...headers },
        cache: 'no-store',
        credentials: 'same-origin',
        signal: ctrl.signal,
      });
      const text = await resp.text();
      let body = null;
      try { body = text ? JSON.parse(text) : null; } catch (_) { body = null; }
      return { ok: resp.ok, status: resp.status, body, text };
    } catch (e) {
      if (e && e.name === 'AbortError') {
        throw new Error(`no answer from the broker within ${REQUEST_TIMEOUT_MS / 1000} s`);
      }
      throw new Error('the broker cannot be reached');
    } finally {
      clearTimeout(timer);
    }
  }

  // The text an API answer carries: {"result": ...} or {"error": ...}.
  function answerText(r) {
    if (r.body && typeof r.body === 'object') {
      if (typeof r.body.result === 'string') return r.body.result;
      if (typeof r.body.error === 'string') return r.body.error;
    }
    const t = (r.text || '').trim();
    return t ? t.slice(0, 500) : '(empty answer)';
  }

  function httpFailure(what, r) {
    return `${what}: HTTP ${r.status}${r.body && r.body.error ? ` – ${r.body.error}` : ''}`;
  }

  // ---------------------------------------------------------------- keyed rows

  // Makes tbody's rows match items, in order. Rows are found again by key and
  // updated in place; new ones made with create(item), gone ones removed.
  function syncRows(tbody, items, keyOf, create, update) {
    const existing = new Map();
    for (const tr of Array.from(tbody.rows)) existing.set(tr.dataset.key, tr);
    const seen = new Set();
    items.forEach((item, i) => {
      let key = String(keyOf(item));
      if (seen.has(key)) key = `${key}#${i}`;
      seen.add(key);
      let tr = existing.get(key);
      if (!tr) {
        tr = create(item);
        tr.dataset.key = key;
      }
      update(tr, item);
      const here = tbody.rows[i];
      if (here !== tr) tbody.insertBefore(tr, here || null);
    });
    for (const [key, tr] of existing) if (!seen.has(key)) tr.remove();
  }

  function showEmpty(id, table, empty) {
    $(id).hidden = !empty;
    table.classList.toggle('is-empty', empty);
  }

  // A message id that opens its trace when clicked.
  function uuidButton(testid) {
    const b = el('button', { type: 'button', class: 'link uuid', 'data-testid': testid });
    b.addEventListener('click', () => {
      const uuid = b.textContent;
      if (!UUID_RE.test(uuid)) return;
      $('trace-search').value = uuid;
      runTrace(uuid);
      $('h-trace').scrollIntoView({ behavior: 'smooth', block: 'start' });
    });
    return b;
  }

  function setUuid(cell, uuid) {
    const b = cell.firstElementChild;
    const u = typeof uuid === 'string' && uuid ? uuid : '';
    setText(b, u || '–');
    b.disabled = !UUID_RE.test(u);
    b.title = b.disabled ? '' : 'Show the trace of this message';
  }

  function reasonBadge(cell, reason) {
    setText(cell, reason || 'UNKNOWN');
  }

  // ---------------------------------------------------------------- throughput

  const samples = [];        // {t (broker ms), totals}
  let startedAt = null;
  let restartNoticeUntil = 0;

  function recordTotals(ov) {
    const t = ov.broker.now_ms;
    const totals = {};
    for (const c of COUNTERS) totals[c] = Number(ov.totals[c]) || 0;
    const last = samples[samples.length - 1];
    const restarted = (startedAt !== null && ov.broker.started_at_ms !== startedAt) ||
      (last && COUNTERS.some((c) => totals[c] < last.totals[c]));
    if (restarted) {
      samples.length = 0;
      restartNoticeUntil = Date.now() + HISTORY_MS;
      setText($('restart-notice'),
        `The broker restarted at ${fmtTime(ov.broker.started_at_ms)}; counters and rates start again from zero.`);
    }
    startedAt = ov.broker.started_at_ms;
    $('restart-notice').hidden = Date.now() >= restartNoticeUntil;
    if (last && !restarted && t <= last.t) return;   // no new sample
    samples.push({ t, totals });
    // keep the newest sample at or before the window's start, drop older
    while (samples.length > 2 && samples[1].t <= t - HISTORY_MS) samples.shift();
  }

  // Average rate of counter c over about the last windowMs.
  function rateOver(c, windowMs) {
    if (samples.length < 2) return NaN;
    const now = samples[samples.length - 1];
    let from = samples[samples.length - 2];
    for (let i = samples.length - 2; i >= 0; i--) {
      if (samples[i].t < now.t - windowMs - 250) break;
      from = samples[i];
    }
    const dt = (now.t - from.t) / 1000;
    return dt > 0 ? (now.totals[c] - from.totals[c]) / dt : NaN;
  }

  function renderThroughput(ov) {
    for (const c of COUNTERS) {
      const rateEl = $(`rate-${c}`);
      if (rateEl) setText(rateEl, fmtRate(rateOver(c, RATE_WINDOW_MS)));
      const totalEl = $(`total-${c}`);
      if (totalEl) setText(totalEl, fmtInt(Number(ov.totals[c])));
    }

    // error rate over the window
    const errEl = $('error-rate');
    let errRate = NaN;
    if (samples.length >= 2) {
      const a = samples[0];
      const b = samples[samples.length - 1];
      const sub = b.totals.submitted - a.totals.submitted;
      const rej = b.totals.rejected - a.totals.rejected;
      if (sub > 0) errRate = Math.min(1, rej / sub);
      else if (rej === 0) errRate = NaN;
    }
    setText(errEl, Number.isFinite(errRate) ? fmtPercent(errRate) : 'no traffic');
    errEl.closest('.tile').classList.toggle('warn', errRate >= ERROR_RATE_WARN && errRate < ERROR_RATE_BAD);
    errEl.closest('.tile').classList.toggle('bad', errRate >= ERROR_RATE_BAD);
    const sub = Number(ov.totals.submitted);
    setText($('error-rate-total'), sub > 0 ? fmtPercent(Number(ov.totals.rejected) / sub) : '–');

    renderSparkline();
  }

  function renderSparkline() {
    const svg = $('sparkline');
    const series = {};
    for (const c of SPARK_SERIES) series[c] = [];
    let peak = 0;
    if (samples.length >= 2) {
      const end = samples[samples.length - 1].t;
      const start = end - HISTORY_MS;
      for (let i = 1; i < samples.length; i++) {
        const a = samples[i - 1];
        const b = samples[i];
        if (b.t <= start) continue;
        const dt = (b.t - a.t) / 1000;
        if (dt <= 0) continue;
        const x = ((b.t - start) / HISTORY_MS) * SPARK_W;
        for (const c of SPARK_SERIES) {
          const r = Math.max(0, (b.totals[c] - a.totals[c]) / dt);
          peak = Math.max(peak, r);
          series[c].push([x, r]);
        }
      }
    }
    const scale = peak > 0 ? peak : 1;
    for (const c of SPARK_SERIES) {
      const pts = series[c].map(([x, r]) =>
        `${x.toFixed(1)},${(SPARK_H - 2 - (r / scale) * (SPARK_H - 6)).toFixed(1)}`);
      const line = svg.querySelector(`polyline[data-series="${c}"]`);
      const value = pts.join(' ');
      if (line.getAttribute('points') !== value) line.setAttribute('points', value);
    }
    setText($('sparkline-max'), fmtRate(peak));
  }

  // ---------------------------------------------------------------- queues

  function createQueueRow() {
    const tr = el('tr', { 'data-testid': 'queue-row' });
    tr.append(
      el('th', { scope: 'row', 'data-testid': 'queue-name', class: 'name' }),
      el('td', { 'data-testid': 'queue-depth', class: 'num' }),
      el('td', { 'data-testid': 'queue-in-flight', class: 'num' }),
      el('td', { 'data-testid': 'queue-dead-letters', class: 'num' }),
      el('td', { 'data-testid': 'queue-consumers', class: 'num' }),
      el('td', { 'data-testid': 'queue-oldest-age', class: 'num' }),
    );
    return tr;
  }

  function updateQueueRow(tr, q) {
    const [name, depth, inFlight, dead, consumers, oldest] = tr.cells;
    const d = Number(q.depth);
    const c = Number(q.consumers);
    const dl = Number(q.dead_letters);
    const age = q.oldest_age_ms == null ? NaN : Number(q.oldest_age_ms);
    tr.dataset.queue = q.name;
    setText(name, q.name);
    setText(depth, fmtInt(d));
    depth.dataset.value = String(d);
    setText(inFlight, fmtInt(Number(q.in_flight)));
    setText(dead, fmtInt(dl));
    setText(consumers, fmtInt(c));
    setText(oldest, d > 0 && Number.isFinite(age) ? fmtDuration(age) : '–');
    dead.classList.toggle('bad', dl > 0);
    const noConsumer = c === 0 && d > 0;
    consumers.classList.toggle('warn', noConsumer);
    consumers.title = noConsumer ? 'Messages are waiting and no back-end is connected' : '';
    oldest.classList.toggle('warn', d > 0 && age >= OLDEST_AGE_WARN_MS);
  }

  function renderQueues(queues) {
    const list = Array.isArray(queues) ? queues.slice() : [];
    list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    syncRows($('queue-rows'), list, (q) => q.name, createQueueRow, updateQueueRow);
    showEmpty('queue-empty', $('queue-table'), list.length === 0);
  }

  // ---------------------------------------------------------------- participants

  const ROLE_ORDER = { portal: 0, backend: 1, peer: 2, observer: 3 };

  function createParticipantRow() {
    const tr = el('tr', { 'data-testid': 'participant-row' });
    tr.append(
      el('th', { scope: 'row', 'data-testid': 'participant-id', class: 'name' }),
      el('td', { 'data-testid': 'participant-role' }, ''),
      el('td', { 'data-testid': 'participant-since' }),
    );
    tr.cells[1].append(el('span', { class: 'role' }));
    return tr;
  }

  function updateParticipantRow(tr, p, nowMs) {
    const [id, role, since] = tr.cells;
    const r = String(p.role || 'unknown').toLowerCase();
    tr.dataset.participant = p.id;
    tr.dataset.role = r;
    setText(id, p.id);
    const badge = role.firstElementChild;
    setText(badge, r);
    badge.className = `role role-${ROLE_ORDER[r] === undefined ? 'unknown' : r}`;
    setText(since, `${fmtTime(p.connected_at_ms)} (${fmtDuration(nowMs - p.connected_at_ms)})`);
  }

  function renderParticipants(participants, nowMs) {
    const list = Array.isArray(participants) ? participants.slice() : [];
    const order = (p) => ROLE_ORDER[String(p.role).toLowerCase()] ?? 9;
    list.sort((a, b) => order(a) - order(b) || String(a.id).localeCompare(String(b.id)) ||
      a.connected_at_ms - b.connected_at_ms);
    syncRows($('participant-rows'), list, (p) => `${p.id}|${p.role}|${p.connected_at_ms}`,
      createParticipantRow, (tr, p) => updateParticipantRow(tr, p, nowMs));
    setText($('participant-count'), `(${list.length})`);
    showEmpty('participant-empty', $('participant-table'), list.length === 0);
  }

  // ---------------------------------------------------------------- cluster nodes

  // Neither alive nor left: the node stopped renewing its leases without leaving in good order
  // (crashed, or cut off from the store), which the operator must notice.
  function nodeState(n) {
    if (n.alive === true) return 'alive';
    if (n.left === true) return 'left';
    return 'gone';
  }

  function createNodeRow() {
    const tr = el('tr', { 'data-testid': 'node-row' });
    tr.append(
      el('th', { scope: 'row', 'data-testid': 'node-name', class: 'name' }),
      el('td', { 'data-testid': 'node-state' }),
      el('td', { 'data-testid': 'node-seen', class: 'num' }),
      el('td', { 'data-testid': 'node-listen', class: 'listen' }),
    );
    return tr;
  }

  function updateNodeRow(tr, n) {
    const [name, state, seen, listen] = tr.cells;
    const s = nodeState(n);
    const ago = n.seen_ms_ago == null ? NaN : Number(n.seen_ms_ago);
    tr.dataset.node = n.name;
    tr.dataset.state = s;
    tr.dataset.thisNode = n.this_node === true ? 'true' : 'false';
    setText(name, n.this_node === true ? `${n.name} (this node)` : n.name);
    setText(state, s);
    state.classList.toggle('bad', s === 'gone');
    state.title = s === 'gone' ? 'Stopped renewing its leases without leaving in good order (crashed?)' : '';
    setText(seen, Number.isFinite(ago) ? `${fmtDuration(ago)} ago` : '–');
    setText(listen, n.listen || '–');
  }

  // A broker without a cluster sends [] and an older one no "nodes" at all: no panel for either.
  function renderNodes(nodes) {
    const list = Array.isArray(nodes) ? nodes.slice() : [];
    list.sort((a, b) => String(a.name).localeCompare(String(b.name)));
    syncRows($('node-rows'), list, (n) => n.name, createNodeRow, updateNodeRow);
    const gone = list.filter((n) => nodeState(n) === 'gone').length;
    setText($('node-count'), gone ? `(${list.length}, ${gone} gone)` : `(${list.length})`);
    $('node-panel').hidden = list.length === 0;
  }

  // ---------------------------------------------------------------- rejections

  function createRejectionRow() {
    const tr = el('tr', { 'data-testid': 'rejection-row' });
    const uuidCell = el('td', { 'data-testid': 'rejection-uuid' });
    uuidCell.append(uuidButton('rejection-uuid-link'));
    tr.append(
      el('td', { 'data-testid': 'rejection-time', class: 'time' }),
      el('td', { 'data-testid': 'rejection-sender' }),
      el('td', { 'data-testid': 'rejection-reason', class: 'reason' }),
      el('td', { 'data-testid': 'rejection-detail', class: 'detail' }),
      uuidCell,
    );
    return tr;
  }

  function updateRejectionRow(tr, r) {
    const [time, sender, reason, detail, uuid] = tr.cells;
    tr.dataset.reason = r.reason || '';
    setText(time, fmtWhen(r.at_ms));
    time.title = fmtTime(r.at_ms);
    setText(sender, r.sender || '–');
    reasonBadge(reason, r.reason);
    setText(detail, r.detail || '');
    detail.title = r.detail || '';
    setUuid(uuid, r.message_uuid);
  }

  function renderRejections(rejections) {
    const list = Array.isArray(rejections) ? rejections.slice() : [];
    list.sort((a, b) => (b.at_ms || 0) - (a.at_ms || 0));   // newest first (stable)
    syncRows($('rejection-rows'), list, (r) => `${r.at_ms}|${r.message_uuid}|${r.sender}|${r.reason}`,
      createRejectionRow, updateRejectionRow);
    showEmpty('rejection-empty', $('rejection-table'), list.length === 0);
  }

  // ---------------------------------------------------------------- dead letters

  const pendingActions = new Set();   // dead-letter ids with a request running

  function createDeadLetterRow() {
    const tr = el('tr', { 'data-testid': 'dlq-row' });
    const uuidCell = el('td', { 'data-testid': 'dlq-uuid' });
    uuidCell.append(uuidButton('dlq-uuid-link'));
    const actions = el('td', { class: 'actions' });
    const replay = el('button', { type: 'button', class: 'btn', 'data-testid': 'dlq-replay' }, 'Replay');
    const discard = el('button', { type: 'button', class: 'btn btn-danger', 'data-testid': 'dlq-discard' }, 'Discard');
    replay.addEventListener('click', () => deadLetterAction(tr, 'replay'));
    discard.addEventListener('click', () => deadLetterAction(tr, 'discard'));
    actions.append(replay, discard);
    tr.append(
      el('td', { 'data-testid': 'dlq-id', class: 'num' }),
      el('td', { 'data-testid': 'dlq-time', class: 'time' }),
      el('td', { 'data-testid': 'dlq-queue' }),
      uuidCell,
      el('td', { 'data-testid': 'dlq-reason', class: 'reason' }),
      el('td', { 'data-testid': 'dlq-detail', class: 'detail' }),
      actions,
    );
    return tr;
  }

  function updateDeadLetterRow(tr, d) {
    const [id, time, queue, uuid, reason, detail, actions] = tr.cells;
    tr.dataset.id = String(d.id);
    tr.dataset.uuid = d.message_uuid || '';
    setText(id, d.id);
    setText(time, fmtWhen(d.at_ms));
    time.title = fmtTime(d.at_ms);
    setText(queue, d.queue || '–');
    setUuid(uuid, d.message_uuid);
    reasonBadge(reason, d.reason);
    setText(detail, d.detail || '');
    detail.title = d.detail || '';
    const busy = pendingActions.has(String(d.id));
    for (const b of actions.querySelectorAll('button')) {
      b.disabled = busy;
      b.setAttribute('aria-label', `${b.textContent} dead letter ${d.id}`);
    }
  }

  function renderDeadLetters(body) {
    const list = body && Array.isArray(body.dead_letters) ? body.dead_letters.slice() : [];
    list.sort((a, b) => (b.at_ms || 0) - (a.at_ms || 0) || Number(b.id) - Number(a.id));
    syncRows($('dlq-rows'), list, (d) => d.id, createDeadLetterRow, updateDeadLetterRow);
    setText($('dlq-count'), `(${list.length})`);
    showEmpty('dlq-empty', $('dlq-table'), list.length === 0);
  }

  function setStatus(state, text) {
    const line = $('status-line');
    line.dataset.status = state;
    setText(line, state === 'pending' ? text : `[${fmtClock(Date.now())}] ${text}`);
  }

  async function deadLetterAction(tr, action) {
    const id = tr.dataset.id;
    const uuid = tr.dataset.uuid;
    if (!id || pendingActions.has(id)) return;
    const Verb = action === 'replay' ? 'Replay' : 'Discard';
    if (action === 'discard' && !window.confirm(
      `Discard dead letter ${id}?\n\nMessage ${uuid || '(no id)'} will not be delivered, and the ` +
      'sender gets no receipt for it. This cannot be undone.')) {
      return;
    }
    pendingActions.add(id);
    for (const b of tr.querySelectorAll('.actions button')) b.disabled = true;
    setStatus('pending', `${Verb} of dead letter ${id} …`);
    try {
      let r = await request('POST', API.deadLetterAction(id, action), actionHeaders());
      // A broker with http.admin_token_file wants the operator's token for actions: asked once
      // and kept for this tab only (sessionStorage), never in a cookie or the page.
      if (r.status === 401) {
        const token = window.prompt('This broker asks for its admin token (http.admin_token_file):');
        if (token) {
          sessionStorage.setItem('ozgbus-admin-token', token);
          r = await request('POST', API.deadLetterAction(id, action), actionHeaders());
        }
      }
      if (r.ok) {
        setStatus('ok', `${Verb} of dead letter ${id} (message ${uuid}): ${answerText(r)}`);
      } else {
        setStatus('error', `${Verb} of dead letter ${id} failed (HTTP ${r.status}): ${answerText(r)}`);
      }
    } catch (e) {
      setStatus('error', `${Verb} of dead letter ${id} failed: ${e.message}. ` +
        'Whether the broker carried it out is unknown; check the list and the message trace.');
    } finally {
      pendingActions.delete(id);
      for (const b of tr.querySelectorAll('.actions button')) b.disabled = false;
    }
    await pollNow();
    if (uuid && traceShown === uuid) runTrace(uuid, { quiet: true });
  }

  // ---------------------------------------------------------------- trace

  let traceSeq = 0;
  let traceShown = null;

  const EVENT_CLASS = {
    received: 'ev-info', verified: 'ev-info', validated: 'ev-info', routed: 'ev-info',
    adapted: 'ev-info', signed: 'ev-info', stored: 'ev-info', replayed: 'ev-info',
    delivered: 'ev-ok', acked: 'ev-ok', receipt_sent: 'ev-ok',
    nacked: 'ev-warn', redelivered: 'ev-warn',
    rejected: 'ev-bad', dead_lettered: 'ev-bad', discarded: 'ev-bad',
  };

  function setTraceStatus(state, text) {
    const s = $('trace-status');
    s.dataset.state = state;
    setText(s, text);
  }

  async function runTrace(raw, { quiet = false } = {}) {
    const uuid = String(raw || '').trim();
    const list = $('trace-events');
    const seq = ++traceSeq;
    if (!quiet) {
      list.replaceChildren();
      traceShown = null;   // no refresh of the previous trace while this search runs
    }
    list.dataset.uuid = '';
    if (!uuid) {
      traceShown = null;
      setTraceStatus('invalid', 'Enter a message id (UUID).');
      return;
    }
    if (!UUID_RE.test(uuid)) {
      traceShown = null;
      setTraceStatus('invalid',
        `“${uuid.slice(0, 64)}” is not a message id. Expected a UUID like 0b7c4a2e-5d1f-4e8a-9c3b-6f2d8e1a7b40.`);
      return;
    }
    if (window.history.replaceState) window.history.replaceState(null, '', `#trace=${uuid}`);
    if (!quiet) setTraceStatus('loading', `Looking up ${uuid} …`);
    let r;
    try {
      r = await request('GET', API.trace(uuid));
    } catch (e) {
      if (seq === traceSeq) setTraceStatus('error', `Trace lookup failed: ${e.message}.`);
      return;
    }
    if (seq !== traceSeq) return;   // a newer search has started
    if (r.status === 404) {
      list.replaceChildren();
      traceShown = null;
      setTraceStatus('not-found', `Message ${uuid} not found. ${r.body && r.body.error ? `(${r.body.error})` : ''}`.trim());
      return;
    }
    if (!r.ok || !r.body || !Array.isArray(r.body.events)) {
      setTraceStatus('error', r.ok ? 'Trace lookup failed: unexpected answer from the broker.'
        : `Trace lookup failed: ${httpFailure('HTTP error', r)}.`);
      return;
    }
    renderTrace(uuid, r.body);
  }

  // Keeps the shown trace current while the page is visible (one request at a time).
  let traceTimer = null;
  function refreshTraceLater() {
    clearTimeout(traceTimer);
    traceTimer = setTimeout(async () => {
      if (traceShown && !document.hidden) {
        try { await refreshTrace(); } catch (e) { console.error(e); }
      }
      refreshTraceLater();
    }, TRACE_REFRESH_MS);
  }

  // Not a search: an operator's search started meanwhile wins, and a failed refresh leaves the
  // shown trace as it is (the next turn tries again).
  async function refreshTrace() {
    const uuid = traceShown;
    const seq = traceSeq;
    let r;
    try {
      r = await request('GET', API.trace(uuid));
    } catch (_) {
      return;
    }
    if (seq !== traceSeq || traceShown !== uuid) return;
    if (r.ok && r.body && Array.isArray(r.body.events)) renderTrace(uuid, r.body);
  }

  function renderTrace(uuid, body) {
    const list = $('trace-events');
    const events = body.events;
    // Unchanged since the last refresh: leave the list alone (keeps the operator's selection).
    const signature = `${uuid}|${events.length}|${events.length ? events[events.length - 1].at_ms : ''}`;
    if (list.dataset.signature !== signature || list.childElementCount !== events.length) {
      list.dataset.signature = signature;
      renderTraceEvents(list, events);
    }
    list.dataset.uuid = uuid;
    traceShown = uuid;
    const shownUuid = body.message_uuid || uuid;
    if (events.length === 0) {
      setTraceStatus('empty', `Message ${shownUuid} is known, but no events are recorded for it.`);
    } else {
      const last = events[events.length - 1];
      setTraceStatus('found', `Message ${shownUuid}: ${events.length} event${events.length === 1 ? '' : 's'}, ` +
        `latest “${last.event}” at ${fmtTime(last.at_ms)}.`);
    }
  }

  function renderTraceEvents(list, events) {
    const first = events.length ? Number(events[0].at_ms) : 0;
    const items = events.map((ev) => {
      const name = String(ev.event || 'unknown');
      const li = el('li', { 'data-testid': 'trace-event', 'data-event': name,
        class: `event ${EVENT_CLASS[name] || 'ev-info'}` });
      li.append(
        el('time', { class: 'event-time', 'data-testid': 'trace-event-time',
          datetime: Number.isFinite(ev.at_ms) ? new Date(ev.at_ms).toISOString() : '' },
        fmtTime(ev.at_ms, true)),
        el('span', { class: 'event-offset' }, `+${fmtDuration(Number(ev.at_ms) - first)}`),
        el('span', { class: 'event-name', 'data-testid': 'trace-event-name' }, name),
        el('span', { class: 'event-detail', 'data-testid': 'trace-event-detail' }, ev.detail || ''),
      );
      return li;
    });
    list.replaceChildren(...items);
  }

  // ---------------------------------------------------------------- polling

  let pollTimer = null;
  let polling = null;          // promise of the running poll
  let pollAgain = false;
  let lastSuccessMs = 0;

  function setConnection(ok, problem) {
    document.documentElement.dataset.connection = ok ? 'ok' : 'lost';
    const pill = $('connection-state');
    pill.className = `pill ${ok ? 'pill-ok' : 'pill-bad'}`;
    setText(pill, ok ? 'live' : 'lost');
    document.body.classList.toggle('stale', !ok);
    const banner = $('connection-banner');
    if (ok) {
      banner.hidden = true;
      return;
    }
    const since = lastSuccessMs ? `The figures below are from ${fmtClock(lastSuccessMs)}.`
      : 'No data has been received yet.';
    setText(banner, `Connection to the broker lost: ${problem}. ${since} Retrying every second …`);
    banner.hidden = false;
  }

  function renderOverview(ov) {
    if (!ov || typeof ov !== 'object' || !ov.broker || !ov.totals) {
      throw new Error('overview: unexpected answer from the broker');
    }
    const now = Number(ov.broker.now_ms);
    recordTotals(ov);
    setText($('broker-version'), ov.broker.version || '–');
    setText($('broker-started'),
      `${fmtTime(ov.broker.started_at_ms)} (${fmtDuration(now - ov.broker.started_at_ms)})`);
    renderThroughput(ov);
    renderQueues(ov.queues);
    renderNodes(ov.nodes);
    renderParticipants(ov.participants, now);
    renderRejections(ov.recent_rejections);
  }

  async function pollOnce() {
    const [ov, dl] = await Promise.allSettled([request('GET', API.overview), request('GET', API.deadLetters)]);
    const problems = [];
    if (ov.status === 'rejected') problems.push(ov.reason.message);
    else if (!ov.value.ok) problems.push(httpFailure(API.overview, ov.value));
    else {
      try { renderOverview(ov.value.body); } catch (e) { problems.push(e.message); console.error(e); }
    }
    if (dl.status === 'rejected') {
      if (!problems.includes(dl.reason.message)) problems.push(dl.reason.message);
    } else if (!dl.value.ok) problems.push(httpFailure(API.deadLetters, dl.value));
    else {
      try { renderDeadLetters(dl.value.body); } catch (e) { problems.push('dead letters: unexpected answer'); console.error(e); }
    }
    if (problems.length === 0) {
      lastSuccessMs = Date.now();
      setText($('last-update'), fmtClock(lastSuccessMs));
      setConnection(true);
    } else {
      setConnection(false, problems.join('; '));
    }
  }

  // Runs a poll now (or right after the running one) and schedules the next.
  function pollNow() {
    if (polling) {
      pollAgain = true;
      return polling;
    }
    clearTimeout(pollTimer);
    const started = performance.now();
    polling = pollOnce().finally(() => {
      polling = null;
      if (pollAgain) {
        pollAgain = false;
        return pollNow();
      }
      const wait = Math.max(100, POLL_INTERVAL_MS - (performance.now() - started));
      pollTimer = setTimeout(pollNow, wait);
      return undefined;
    });
    return polling;
  }

  // ---------------------------------------------------------------- start

  function start() {
    try {
      setText($('timezone'), `local time (${Intl.DateTimeFormat().resolvedOptions().timeZone})`);
    } catch (_) { /* keep the default text */ }

    $('trace-form').addEventListener('submit', (e) => {
      e.preventDefault();
      runTrace($('trace-search').value);
    });

    const m = /^#trace=([0-9a-fA-F-]{36})$/.exec(location.hash);
    if (m) {
      $('trace-search').value = m[1];
      runTrace(m[1]);
    }
    pollNow();
    refreshTraceLater();
  }

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
