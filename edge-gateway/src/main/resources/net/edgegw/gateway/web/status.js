'use strict';
/* Status page: polls /api/status every 2 s; live rates are deltas of the counters between two polls. */
(function () {
  const {el, clear, $, fmt, pill} = window.GW;
  const POLL_MS = 2000;
  const MAX_POINTS = 150;                // 5 minutes of 2 s polls
  const COLORS = ['#2f6fed', '#1f9d61', '#c77700', '#8e44ad', '#0e9aa7', '#d6336c', '#6b7a90', '#5c940d'];
  const UPLINK_LABEL = {UP: 'Connected', CONNECTED: 'Connected', CONNECTING: 'Connecting', DOWN: 'Down'};

  const state = {
    prev: null,                          // {t, accepted: {input: n}, sent}
    labels: [],
    inSeries: new Map(),                 // input name -> [rate | null]
    sentSeries: [],
    chart: null,
    rates: {},                           // input name -> records/s of the last interval
    sendRate: null,
    measured: false,                     // false until two polls gave deltas
    lastOk: null
  };

  function uplinkTone(s) {
    s = String(s || '').toUpperCase();
    return s === 'UP' || s === 'CONNECTED' ? 'ok' : s === 'CONNECTING' ? 'warn' : s === 'DOWN' ? 'bad' : 'off';
  }

  function uplinkLabel(s) {
    return UPLINK_LABEL[String(s).toUpperCase()] || String(s || 'unknown').toLowerCase();
  }

  /** "TimeoutException: Topic … not present" instead of the fully qualified class name. */
  function shortError(e) {
    return String(e || '').replace(/^(?:[a-z_$][\w$]*\.)+(?=[A-Z])/, '');
  }

  // ---------------------------------------------------------------- rates
  function measure(st) {
    const now = performance.now();
    const accepted = {};
    (st.inputs || []).forEach(i => { accepted[i.name] = i.accepted; });
    const sent = st.uplink ? st.uplink.recordsSent : null;
    const prev = state.prev;
    state.rates = {};
    if (prev && now - prev.t >= 500) {
      const dt = (now - prev.t) / 1000;
      for (const i of st.inputs || []) {
        const before = prev.accepted[i.name];
        state.rates[i.name] = before === undefined || i.accepted < before ? null : (i.accepted - before) / dt;
      }
      state.sendRate = sent === null || prev.sent === null || sent < prev.sent ? null : (sent - prev.sent) / dt;
      state.measured = true;
    } else if (!prev) {
      // first answer: the gateway's own one-minute averages until there is a delta
      for (const i of st.inputs || []) state.rates[i.name] = i.ratePerSec;
      state.sendRate = st.uplink ? st.uplink.sendRatePerSec : null;
    } else {
      return;                            // two answers too close together: keep the previous rates
    }
    state.prev = {t: now, accepted: accepted, sent: sent};
    if (state.measured) pushPoint(st);
  }

  function pushPoint(st) {
    const label = fmt.clock(new Date().toISOString());
    state.labels.push(label);
    for (const i of st.inputs || []) {
      if (!state.inSeries.has(i.name)) state.inSeries.set(i.name, state.labels.slice(1).map(() => null));
    }
    for (const [name, series] of state.inSeries) {
      const r = state.rates[name];
      series.push(r === undefined ? null : r);
    }
    state.sentSeries.push(state.sendRate);
    if (state.labels.length > MAX_POINTS) {
      state.labels.shift();
      state.sentSeries.shift();
      for (const series of state.inSeries.values()) series.shift();
    }
    const current = new Set((st.inputs || []).map(i => i.name));
    for (const [name, series] of Array.from(state.inSeries)) {
      if (!current.has(name) && series.every(v => v === null)) state.inSeries.delete(name);   // removed 5 min ago
    }
  }

  function totalIn(st) {
    let sum = 0;
    let any = false;
    for (const i of st.inputs || []) {
      const r = state.rates[i.name];
      if (r !== null && r !== undefined) { sum += r; any = true; }
    }
    return any ? sum : (st.inputs || []).length ? null : 0;
  }

  // ---------------------------------------------------------------- chart
  function drawChart(st) {
    const box = document.querySelector('.chart-box');
    const noRecords = (st.inputs || []).every(i => !i.accepted);
    $('chart-empty').hidden = !noRecords;
    if (typeof window.Chart === 'undefined') {
      $('chart-empty').hidden = false;
      $('chart-empty').textContent = 'The chart library did not load; the figures above and below are live.';
      return;
    }
    const Chart = window.Chart;
    const datasets = [];
    const dots = state.labels.length < 3 ? 3 : 0;     // a line needs two points: show the first ones as dots
    let c = 0;
    for (const [name, series] of state.inSeries) {
      const color = COLORS[c++ % COLORS.length];
      datasets.push({label: name + ' in', data: series.slice(), borderColor: color, backgroundColor: color,
        borderWidth: 2, pointRadius: dots, tension: .3, spanGaps: false});
    }
    datasets.push({label: 'sent to uplink', data: state.sentSeries.slice(), borderColor: '#0f1b2d',
      backgroundColor: '#0f1b2d', borderDash: [6, 4], borderWidth: 2, pointRadius: dots, tension: .3});
    if (!state.chart) {
      Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
      Chart.defaults.color = '#667085';
      state.chart = new Chart($('rate-chart'), {
        type: 'line',
        data: {labels: state.labels.slice(), datasets: datasets},
        options: {
          responsive: true, maintainAspectRatio: false, animation: false,
          interaction: {mode: 'index', intersect: false},
          plugins: {legend: {position: 'bottom', labels: {boxWidth: 14, boxHeight: 2}},
            tooltip: {callbacks: {label: ctx => ctx.dataset.label + ': '
              + (ctx.parsed.y === null ? '–' : fmt.rate(ctx.parsed.y)) + ' records/s'}}},
          scales: {
            x: {grid: {display: false}, ticks: {maxTicksLimit: 6, maxRotation: 0}},
            y: {beginAtZero: true, suggestedMax: 1, grid: {color: '#eef1f5'},
              title: {display: true, text: 'records/s'},
              ticks: {precision: 1, callback: v => (v < 10 ? String(Math.round(v * 10) / 10) : fmt.compact(v))}}
          }
        }
      });
    } else {
      state.chart.data.labels = state.labels.slice();
      state.chart.data.datasets = datasets;
      state.chart.update('none');
    }
    box.classList.toggle('is-empty', noRecords);
    $('rate-chart').dataset.points = String(state.labels.length);
  }

  // ---------------------------------------------------------------- header and tiles
  function renderHead(st) {
    $('gw-name').textContent = st.gateway + ' · ' + st.site;
    const upl = st.uplink || {};
    clear($('gw-uplink-pill')).appendChild(pill(upl.state, 'uplink ' + uplinkLabel(upl.state).toLowerCase()));
    const cfg = st.config || {};
    const facts = clear($('gw-facts'));
    const fact = (label, value, title) => el('span', {class: 'fact', title: title}, [label + ' ', el('b', null, value)]);
    facts.appendChild(fact('Version', st.version || '–'));
    facts.appendChild(fact('Up for', fmt.duration(st.uptimeSeconds), 'started ' + fmt.time(st.startedAt)));
    facts.appendChild(el('span', {class: 'fact', id: 'config-version',
      title: cfg.hash ? 'configuration hash ' + cfg.hash : null}, ['Configuration ',
      el('a', {href: '/config'}, el('b', {text: cfg.version !== undefined && cfg.version !== null ? 'v' + cfg.version : '–'})),
      cfg.appliedAt ? el('span', {class: 'muted', text: ' applied ' + fmt.ago(cfg.appliedAt)
        + (cfg.source ? ' (' + cfg.source + ')' : '')}) : null]));
    if (cfg.hash) facts.appendChild(fact('Hash', el('span', {class: 'mono', text: String(cfg.hash).slice(0, 12)}), cfg.hash));
  }

  function tile(id, label, value, unit, note, tone, raw) {
    return el('div', {class: 'kpi' + (tone ? ' tone-' + tone : ''), id: id}, [
      el('div', {class: 'kpi-label', text: label}),
      el('div', {class: 'kpi-value', 'data-value': raw === undefined || raw === null ? null : String(raw)},
        [value, unit ? el('span', {class: 'kpi-unit', text: unit}) : null]),
      el('div', {class: 'kpi-note', text: note})]);
  }

  function renderTiles(st) {
    const inputs = st.inputs || [];
    const lanes = st.lanes || [];
    const upl = st.uplink || {};
    const inRate = totalIn(st);
    const accepted = inputs.reduce((a, i) => a + (i.accepted || 0), 0);
    const backlog = lanes.reduce((a, l) => a + (l.records || 0), 0);
    const bytes = lanes.reduce((a, l) => a + (l.bytes || 0), 0);
    const maxBytes = lanes.reduce((a, l) => a + (l.maxBytes || 0), 0);
    const oldestMs = lanes.reduce((a, l) => Math.max(a, l.oldestUnsentAgeMs || 0), 0);
    const dropped = lanes.reduce((a, l) => a + fmt.sum(l.dropped), 0);
    const rejected = inputs.reduce((a, i) => a + fmt.sum(i.rejected), 0);
    const tone = uplinkTone(upl.state);
    const usedPct = maxBytes ? 100 * bytes / maxBytes : 0;
    const box = clear($('kpis'));
    box.appendChild(tile('kpi-in', 'Records in', fmt.rate(inRate), '/s',
      inputs.length ? fmt.int(accepted) + ' accepted on ' + inputs.length + (inputs.length === 1 ? ' input' : ' inputs')
        : 'no input configured', inputs.length ? null : 'warn', inRate));
    box.appendChild(tile('kpi-sent', 'Records sent', fmt.rate(state.sendRate), '/s',
      upl.recordsSent ? fmt.int(upl.recordsSent) + ' sent since start' : 'nothing sent yet', null, state.sendRate));
    box.appendChild(tile('kpi-backlog', 'Backlog', fmt.compact(backlog), backlog === 1 ? 'record' : 'records',
      fmt.bytes(bytes) + (maxBytes ? ' · ' + (usedPct < 0.1 && bytes > 0 ? '< 0.1' : usedPct.toFixed(usedPct < 10 ? 1 : 0))
        + ' % of ' + fmt.bytes(maxBytes) : ''), usedPct >= 90 ? 'bad' : usedPct >= 70 ? 'warn' : null, backlog));
    box.appendChild(tile('kpi-oldest', 'Oldest unsent', backlog ? fmt.duration(oldestMs / 1000) : '–', null,
      backlog ? 'waiting in the buffer' : 'nothing waiting', backlog && oldestMs > 300000 ? 'warn' : null, oldestMs));
    box.appendChild(tile('kpi-uplink', 'Uplink', uplinkLabel(upl.state), null,
      tone === 'ok' ? upl.bootstrapServers || '' : upl.lastError ? shortError(upl.lastError)
        : tone === 'warn' ? 'not connected yet' : 'records stay buffered', tone, upl.state));
    box.appendChild(tile('kpi-dropped', 'Dropped', fmt.compact(dropped), null,
      'rejected at inputs: ' + fmt.compact(rejected), dropped > 0 ? 'bad' : rejected > 0 ? 'warn' : null, dropped));
  }

  // ---------------------------------------------------------------- tables
  function renderInputs(st) {
    const tbody = clear(document.querySelector('#inputs-table tbody'));
    const inputs = st.inputs || [];
    if (!inputs.length) {
      tbody.appendChild(GW.emptyRow(8, 'No input is configured: add one on the Configuration page.'));
    }
    for (const i of inputs) {
      const rejected = fmt.sum(i.rejected);
      const r = state.rates[i.name];
      tbody.appendChild(el('tr', {'data-input': i.name}, [
        el('td', {class: 'strong cell-title', text: i.name}),
        el('td', {'data-label': 'Type'}, [el('div', {text: i.type}), el('div', {class: 'muted small',
          text: [i.description && i.description !== i.type ? i.description : null, i.lane ? 'lane ' + i.lane : null]
            .filter(Boolean).join(' · ')})]),
        el('td', {'data-label': 'State'}, pill(i.state)),
        el('td', {class: 'mono', 'data-label': 'Listening on', text: i.bind || '–'}),
        el('td', {class: 'num rate', 'data-label': 'Rate', 'data-rate': r === null || r === undefined ? null : String(r),
          title: 'one-minute average: ' + fmt.rate(i.ratePerSec) + ' records/s'}, [fmt.rate(r),
          el('span', {class: 'unit', text: ' /s'})]),
        el('td', {class: 'num', 'data-label': 'Accepted', text: fmt.int(i.accepted)}),
        el('td', {class: 'num', 'data-label': 'Rejected'}, rejected ? [el('div', {class: 'bad-text', text: fmt.int(rejected)}),
          el('div', {class: 'muted small', text: fmt.reasons(i.rejected)})] : el('span', {class: 'muted', text: '0'})),
        el('td', {class: 'num', 'data-label': 'Connections', text: i.connections === null || i.connections === undefined ? '–' : fmt.int(i.connections)})
      ]));
    }
    const filtered = st.pipeline && st.pipeline.filtered;
    $('inputs-note').textContent = filtered ? fmt.int(filtered) + ' records dropped by the pipeline\'s filters' : '';
  }

  function renderLanes(st) {
    const tbody = clear(document.querySelector('#lanes-table tbody'));
    const lanes = st.lanes || [];
    if (!lanes.length) tbody.appendChild(GW.emptyRow(7, 'No buffer lane yet.'));
    let total = 0;
    for (const l of lanes) {
      total += l.records || 0;
      const pct = l.maxBytes ? Math.min(100, 100 * (l.bytes || 0) / l.maxBytes) : 0;
      const dropped = fmt.sum(l.dropped);
      const bar = el('div', {class: 'bar' + (pct >= 90 ? ' bad' : pct >= 70 ? ' warn' : '')}, el('span'));
      bar.firstChild.style.width = (l.bytes > 0 ? Math.max(pct, 0.5) : 0) + '%';
      tbody.appendChild(el('tr', {'data-lane': l.name}, [
        el('td', {class: 'cell-title'}, [el('span', {class: 'strong', text: l.name}),
          el('span', {class: 'muted small', text: ' · priority ' + l.priority})]),
        el('td', {class: 'num', 'data-label': 'Records', text: fmt.int(l.records)}),
        el('td', {class: 'num', 'data-label': 'Size', text: fmt.bytes(l.bytes)}),
        el('td', {class: 'bar-cell', 'data-label': 'Buffer use'}, [bar, el('div', {class: 'muted small',
          text: (pct < 0.1 && l.bytes > 0 ? '< 0.1' : pct.toFixed(pct < 10 ? 1 : 0)) + ' % of ' + fmt.bytes(l.maxBytes)})]),
        el('td', {class: 'num', 'data-label': 'Oldest unsent', text: l.records ? fmt.duration((l.oldestUnsentAgeMs || 0) / 1000) : '–',
          title: l.records ? null : 'nothing waiting'}),
        el('td', {class: 'num', 'data-label': 'Appended', text: fmt.int(l.appended)}),
        el('td', {'data-label': 'Dropped'}, dropped ? el('span', {class: 'bad-text', text: fmt.reasons(l.dropped)})
          : el('span', {class: 'muted', text: 'none'}))
      ]));
    }
    $('lanes-note').textContent = lanes.length ? (total ? fmt.int(total) + ' records waiting to be sent'
      : 'no records yet waiting: everything received has been sent') : '';
  }

  function renderUplink(st) {
    const u = st.uplink || {};
    const tone = uplinkTone(u.state);
    clear($('uplink-pill')).appendChild(pill(u.state, uplinkLabel(u.state).toLowerCase()));
    const backlog = (st.lanes || []).reduce((a, l) => a + (l.records || 0), 0);
    const body = clear($('uplink-body'));
    if (!u.recordsSent && tone !== 'ok') {
      body.appendChild(el('div', {class: 'callout ' + (tone === 'bad' ? 'bad' : 'warn'), id: 'uplink-never'},
        'Uplink never connected since the gateway started. Records are kept in the buffer until it does.'));
    } else if (tone === 'bad') {
      body.appendChild(el('div', {class: 'callout bad'},
        'The uplink is down: records are kept in the buffer and sent when it is back.'));
    }
    let drain;
    if (!backlog) drain = 'nothing to drain';
    else if (u.drainEtaSeconds === null || u.drainEtaSeconds === undefined) drain = 'not draining (nothing is being sent)';
    else if (u.drainEtaSeconds < 2) drain = 'keeping up (less than 2 s behind)';
    else drain = 'empty in about ' + fmt.duration(u.drainEtaSeconds);
    const row = (k, v, cls) => [el('dt', {text: k}), el('dd', {class: cls}, v)];
    body.appendChild(el('dl', {class: 'kv'}, [].concat(
      row('Kafka', el('span', {class: 'mono', text: u.bootstrapServers || '–'})),
      u.delivery ? row('Delivery', u.delivery) : [],
      row('Send rate', [fmt.rate(state.sendRate), el('span', {class: 'unit', text: ' records/s'}),
        u.bandwidthBytesPerSec ? el('span', {class: 'unit', text: ' · cap ' + fmt.bytes(u.bandwidthBytesPerSec) + '/s'})
          : null]),
      row('Sent', [fmt.int(u.recordsSent), el('span', {class: 'unit', text: ' records'
        + (u.bytesSent ? ', ' + fmt.bytes(u.bytesSent) : '') + ' since start'})]),
      u.lastCommit !== undefined ? row('Last delivery', u.lastCommit ? el('span', {title: fmt.time(u.lastCommit),
        text: fmt.ago(u.lastCommit)}) : el('span', {class: 'muted', text: 'none yet'})) : [],
      row('Backlog drain', drain),
      row('Last error', u.lastError ? el('span', {class: 'error-text', id: 'uplink-error', text: u.lastError})
        : el('span', {class: 'muted', text: 'none'})))));
  }

  // ---------------------------------------------------------------- loop
  async function refresh() {
    let st;
    try {
      st = await GW.getJson('/api/status');
    } catch (e) {
      if (e.loggedOut) throw e;
      const live = $('live');
      live.className = 'live live-off';
      live.textContent = 'Reconnecting…';
      GW.banner('Lost contact with the gateway' + (state.lastOk ? ' at ' + fmt.clock(state.lastOk) : '') + ': '
        + GW.errorText(e) + '. Retrying every 2 s; the figures below are from then.', 'error');
      return;
    }
    GW.banner(null);
    state.lastOk = new Date().toISOString();
    measure(st);
    renderHead(st);
    renderTiles(st);
    renderUplink(st);
    renderInputs(st);
    renderLanes(st);
    drawChart(st);
    const live = $('live');
    live.className = 'live live-on pulse';
    live.textContent = 'Live';
    setTimeout(() => live.classList.remove('pulse'), 900);
    $('foot').textContent = 'Refreshes every 2 s · last update ' + fmt.clock(state.lastOk)
      + (state.measured ? '' : ' · rates are one-minute averages until the second update');
  }

  GW.start('status', () => { GW.poll(refresh, POLL_MS); });
})();
