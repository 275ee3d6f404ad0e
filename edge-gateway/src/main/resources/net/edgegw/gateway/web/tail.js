'use strict';
/* Live tail: Server-Sent Events from /api/tail?filter=…, newest first, at most MAX_ROWS rows in the page. */
(function () {
  const {el, clear, $, fmt} = window.GW;
  const MAX_ROWS = 500;
  const RETRY_MS = 5000;

  const state = {
    es: null,
    filter: '',
    paused: false,
    received: 0,
    skipped: 0,
    queue: [],
    frame: 0,
    retry: null,
    details: new WeakMap()    // row -> record, for the attributes shown on expand
  };

  function live(cls, text) {
    const l = $('live');
    l.className = 'live ' + cls;
    l.textContent = text;
  }

  function stats() {
    const shown = document.querySelectorAll('#tail-body tr.rec').length;
    $('tail-stats').textContent = fmt.int(state.received) + ' received' + (state.skipped ? ' · ' + fmt.int(state.skipped)
      + ' skipped' : '') + ' · ' + fmt.int(shown) + ' shown' + (shown >= MAX_ROWS ? ' (the newest ' + MAX_ROWS + ')' : '');
    const empty = $('tail-empty');
    empty.hidden = shown > 0;
    empty.textContent = state.paused ? 'Paused. Resume to see new records.'
      : state.filter ? 'Waiting for records matching “' + state.filter + '”…' : 'Waiting for records…';
  }

  // ---------------------------------------------------------------- stream
  function disconnect() {
    if (state.retry) { clearTimeout(state.retry); state.retry = null; }
    if (state.es) { state.es.close(); state.es = null; }
  }

  function connect() {
    disconnect();
    const es = new EventSource(url());
    state.es = es;
    live('live-off', 'Connecting…');
    es.addEventListener('open', () => {
      if (state.es !== es) return;
      GW.banner(null);
      live('live-on', 'Live');
    });
    es.addEventListener('record', ev => {
      if (state.es !== es) return;
      let r;
      try { r = JSON.parse(ev.data); } catch (e) { return; }
      state.received++;
      enqueue({record: r});
    });
    es.addEventListener('lagged', ev => {
      if (state.es !== es) return;
      let n = 0;
      try { n = JSON.parse(ev.data).dropped || 0; } catch (e) { /* counted as 0 */ }
      state.skipped += n;
      enqueue({lagged: n});
    });
    es.addEventListener('logout', () => { disconnect(); GW.toLogin(); });
    es.addEventListener('error', ev => {
      if (state.es !== es) return;
      if (ev.data) {                       // an "error" event sent by the gateway: it closes the stream
        disconnect();
        refused();
      } else if (es.readyState === EventSource.CLOSED) {
        state.es = null;
        refused();
      } else {
        live('live-off', 'Reconnecting…');
      }
    });
  }

  /**
   * The gateway did not open the stream. EventSource does not tell why, so the same URL is requested once more to
   * read the answer (and dropped as soon as it turns out to be a stream): logged out goes to the login page, a bad
   * filter is shown and not retried, anything else (too many live tails, gateway restarting) is retried.
   */
  async function refused() {
    live('live-off', 'Stopped');
    const filter = state.filter;
    const ctl = new AbortController();
    let status = 0;
    let detail = '';
    try {
      const resp = await fetch(url(), {credentials: 'same-origin', signal: ctl.signal,
        headers: {'Accept': 'application/json'}});
      status = resp.status;
      if (!resp.ok) {
        const body = await resp.json().catch(() => ({}));
        detail = body.detail || body.error || '';
      }
    } catch (e) {
      detail = 'the gateway cannot be reached';
    } finally {
      ctl.abort();
    }
    if (filter !== state.filter || state.paused || state.es) return;
    if (status === 401) {
      GW.toLogin();
    } else if (status === 400) {
      live('live-off', 'Filter not understood');
      GW.banner('The filter “' + filter + '” is not understood' + (detail ? ': ' + detail : '') + '. Correct it and '
        + 'apply it again.', 'error');
    } else {
      GW.banner('The live tail stopped' + (detail ? ': ' + detail : '') + '. Retrying in 5 s…', 'error');
      state.retry = setTimeout(() => { if (!state.paused && !state.es) connect(); }, RETRY_MS);
    }
  }

  function url() {
    return '/api/tail' + (state.filter ? '?filter=' + encodeURIComponent(state.filter) : '');
  }

  // ---------------------------------------------------------------- rows
  function enqueue(item) {
    state.queue.push(item);
    if (state.queue.length > MAX_ROWS) {
      state.queue.splice(0, state.queue.length - MAX_ROWS);
    }
    if (!state.frame) state.frame = requestAnimationFrame(flush);
  }

  function flush() {
    state.frame = 0;
    const items = state.queue;
    state.queue = [];
    const body = $('tail-body');
    const frag = document.createDocumentFragment();
    for (let i = items.length - 1; i >= 0; i--) {
      frag.appendChild(items[i].lagged !== undefined ? notice('Lagged: ' + fmt.int(items[i].lagged)
        + ' records skipped because the page could not keep up.') : recordRow(items[i].record));
    }
    body.insertBefore(frag, body.firstChild);
    while (body.rows.length > MAX_ROWS) body.removeChild(body.lastChild);
    stats();
  }

  function notice(text) {
    return el('tr', {class: 'notice'}, el('td', {colspan: 5, text: text}));
  }

  function fmtTime(iso) {
    const d = new Date(iso);
    if (isNaN(d)) return iso || '–';
    return fmt.clock(iso) + '.' + String(d.getMilliseconds()).padStart(3, '0');
  }

  function recordRow(r) {
    const row = el('tr', {class: 'rec', 'data-input': r.input, 'data-host': r.host || '', title: 'Show details'}, [
      el('td', {class: 't-time', title: fmt.time(r.receivedAt)}, [el('span', {class: 'toggle', text: '▸'}),
        fmtTime(r.receivedAt)]),
      el('td', {class: 'strong nowrap', text: r.input || '–'}),
      el('td', null, GW.sevTag(r.severity)),
      el('td', {class: 'nowrap', text: r.host || '–'}),
      el('td', {class: 'msg'}, [el('span', {class: 'msg-text', text: r.message || ''}), r.truncated ? el('span', {class: 'trunc',
        title: 'The message is longer; the tail shows its first 1000 characters.', text: 'truncated'}) : null])]);
    state.details.set(row, r);
    row.addEventListener('click', () => toggle(row));
    return row;
  }

  function toggle(row) {
    const next = row.nextElementSibling;
    if (next && next.classList.contains('attrs')) {
      next.remove();
      row.classList.remove('open');
      row.querySelector('.toggle').textContent = '▸';
      return;
    }
    const r = state.details.get(row);
    if (!r) return;
    const pairs = [['received', fmt.time(r.receivedAt) + ' (' + r.receivedAt + ')'], ['source', r.source],
      ['lane', r.lane], ['topic', r.topic], ['severity', r.severity === null || r.severity === undefined ? 'none'
        : r.severity + ' (' + fmt.severityName(r.severity) + ')']]
      .concat(Object.entries(r.attributes || {}).sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)]));
    const dl = el('dl', {class: 'attr-list'});
    for (const [k, v] of pairs) {
      if (v === undefined || v === null) continue;
      dl.appendChild(el('dt', {text: k}));
      dl.appendChild(el('dd', {text: v}));
    }
    if (!Object.keys(r.attributes || {}).length) {
      dl.appendChild(el('dt', {text: 'attributes'}));
      dl.appendChild(el('dd', {class: 'muted', text: 'none'}));
    }
    row.after(el('tr', {class: 'attrs'}, el('td', {colspan: 5}, dl)));
    row.classList.add('open');
    row.querySelector('.toggle').textContent = '▾';
  }

  // ---------------------------------------------------------------- controls
  function applyFilter(text) {
    state.filter = text.trim().replace(/\s+/g, ' ');
    const url = new URL(location.href);
    if (state.filter) url.searchParams.set('filter', state.filter); else url.searchParams.delete('filter');
    history.replaceState(null, '', url.pathname + url.search);
    clearRows();
    filterNote();
    if (!state.paused) connect();
  }

  function filterNote() {
    const n = $('filter-note');
    clear(n);
    n.hidden = !state.filter;
    if (state.filter) {
      n.appendChild(document.createTextNode('Showing only records matching '));
      n.appendChild(el('code', {text: state.filter}));
      n.appendChild(el('button', {class: 'link-btn', type: 'button', id: 'filter-off', text: 'show all',
        onclick: () => { $('filter').value = ''; applyFilter(''); }}));
    }
    stats();
  }

  function clearRows() {
    state.queue = [];
    state.received = 0;
    state.skipped = 0;
    clear($('tail-body'));
    stats();
  }

  function setPaused(paused) {
    state.paused = paused;
    $('btn-pause').textContent = paused ? 'Resume' : 'Pause';
    $('btn-pause').classList.toggle('primary', paused);
    if (paused) {
      disconnect();
      live('live-paused', 'Paused');
    } else {
      connect();
    }
    stats();
  }

  GW.start('tail', () => {
    const input = $('filter');
    state.filter = (new URLSearchParams(location.search).get('filter') || '').trim();
    input.value = state.filter;
    $('tail-form').addEventListener('submit', ev => {
      ev.preventDefault();
      applyFilter(input.value);
    });
    $('btn-pause').addEventListener('click', () => setPaused(!state.paused));
    $('btn-clear').addEventListener('click', clearRows);
    window.addEventListener('pagehide', disconnect);
    filterNote();
    connect();
  });
})();
