'use strict';
/* Edge fleet health dashboard. Vanilla JS, no build step. All data is put into the DOM as text (never as HTML). */
(function () {
  const STATES = ['UNREACHABLE', 'DEGRADED', 'CATCHING_UP', 'UNKNOWN', 'UP'];
  const STATE_LABEL = {UP: 'Up', DEGRADED: 'Degraded', CATCHING_UP: 'Catching up', UNREACHABLE: 'Unreachable', UNKNOWN: 'Unknown'};
  const STATE_RANK = {UNREACHABLE: 0, DEGRADED: 1, CATCHING_UP: 2, UNKNOWN: 3, UP: 4};
  const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug', 'unknown'];

  const app = {
    csrf: null,
    sites: new Map(),
    summary: null,
    partial: null,
    view: 'sites',
    param: null,
    sitesFilter: {state: null, text: ''},
    sitesSort: {key: 'state', dir: 1},
    fleetSort: {key: 'site', dir: 1},
    alarmsFilter: {active: 'true', kind: ''},
    charts: [],
    flash: new Set(),
    lastEvent: 0,
    renderSig: null
  };

  /** True when the data behind the current view is unchanged since it was last drawn (live updates redraw less). */
  function unchanged(data) {
    const sig = app.view + '|' + (app.param || '') + '|' + JSON.stringify(data);
    if (sig === app.renderSig) return true;
    app.renderSig = sig;
    return false;
  }

  // ---------------------------------------------------------------- DOM helpers
  function el(tag, props, children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = String(v);
        else if (k === 'onclick') e.addEventListener('click', v);
        else if (k === 'oninput') e.addEventListener('input', v);
        else if (k === 'onchange') e.addEventListener('change', v);
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else e.setAttribute(k, v === true ? '' : String(v));
      }
    }
    for (const c of [].concat(children === undefined ? [] : children)) {
      if (c === null || c === undefined || c === false) continue;
      e.appendChild(typeof c === 'string' || typeof c === 'number' ? document.createTextNode(String(c)) : c);
    }
    return e;
  }

  function clear(node) {
    while (node.firstChild) node.removeChild(node.firstChild);
  }

  function badge(state) {
    const s = state || 'UNKNOWN';
    return el('span', {class: 'badge s-' + s, 'data-state': s, text: STATE_LABEL[s] || s});
  }

  function sevClass(sev) {
    return sev <= 2 ? 'critical' : sev === 3 ? 'major' : sev === 4 ? 'minor' : 'warning';
  }

  function sevTag(sev) {
    return el('span', {class: 'sev ' + sevClass(sev), title: 'syslog severity ' + sev + ' (' + SEVERITY_NAMES[sev] + ')',
      text: sevClass(sev)});
  }

  // ---------------------------------------------------------------- formatting
  function fmtNum(n) {
    if (n === null || n === undefined || isNaN(n)) return '–';
    const a = Math.abs(n);
    if (a >= 1e9) return (n / 1e9).toFixed(1) + ' G';
    if (a >= 1e6) return (n / 1e6).toFixed(1) + ' M';
    if (a >= 1e4) return (n / 1e3).toFixed(1) + ' k';
    if (Number.isInteger(n)) return n.toLocaleString('en-US');
    return n.toFixed(1);
  }

  function fmtBytes(n) {
    if (!n) return '0 B';
    const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
    let i = 0;
    while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
    return n.toFixed(i ? 1 : 0) + ' ' + u[i];
  }

  function fmtDuration(sec) {
    if (sec === null || sec === undefined) return '–';
    sec = Math.max(0, Math.round(sec));
    if (sec < 60) return sec + ' s';
    if (sec < 3600) return Math.floor(sec / 60) + ' min';
    if (sec < 86400) return Math.floor(sec / 3600) + ' h ' + Math.floor((sec % 3600) / 60) + ' min';
    return Math.floor(sec / 86400) + ' d ' + Math.floor((sec % 86400) / 3600) + ' h';
  }

  function ago(iso) {
    if (!iso) return '–';
    const s = (Date.now() - Date.parse(iso)) / 1000;
    if (s < 5) return 'just now';
    return fmtDuration(s) + ' ago';
  }

  function ageSeconds(iso) {
    return iso ? (Date.now() - Date.parse(iso)) / 1000 : Infinity;
  }

  function fmtTime(iso) {
    if (!iso) return '–';
    const d = new Date(iso);
    return d.toISOString().replace('T', ' ').slice(0, 19) + ' UTC';
  }

  // ---------------------------------------------------------------- API
  async function api(path) {
    const resp = await fetch(path, {credentials: 'same-origin', headers: {'Accept': 'application/json'}});
    if (resp.status === 401) {
      window.location.replace('/login');
      throw new Error('logged out');
    }
    const body = await resp.json().catch(() => ({}));
    if (!resp.ok) {
      const err = new Error(body.detail || body.error || ('HTTP ' + resp.status));
      err.status = resp.status;
      err.body = body;
      throw err;
    }
    return body;
  }

  function notePartial(body) {
    const banner = document.getElementById('banner');
    if (body && body.partial) {
      const who = (body.missing || []).map(m => m.instance + ' (' + m.reason + ')').join(', ');
      banner.className = 'banner';
      banner.textContent = 'Partial data: ' + (who ? 'no answer from ' + who : '')
        + (body.rebalancing ? (who ? '; ' : '') + 'the aggregator is rebalancing its partitions' : '')
        + '. What is shown may be incomplete.';
      banner.hidden = false;
    } else if (banner.className === 'banner') {
      banner.hidden = true;
    }
  }

  function showError(text) {
    const banner = document.getElementById('banner');
    banner.className = 'banner error';
    banner.textContent = text;
    banner.hidden = false;
  }

  function hideError() {
    const banner = document.getElementById('banner');
    if (banner.className === 'banner error') banner.hidden = true;
  }

  // ---------------------------------------------------------------- summary
  function renderSummary() {
    const s = app.summary;
    const box = document.getElementById('kpis');
    clear(box);
    if (!s) return;
    for (const st of ['UP', 'DEGRADED', 'CATCHING_UP', 'UNREACHABLE', 'UNKNOWN']) {
      const n = s.byState[st] || 0;
      box.appendChild(el('div', {
        class: 'kpi link s-' + st + (st === 'UNREACHABLE' && n > 0 ? ' alert' : ''), id: 'kpi-' + st,
        title: 'Show ' + STATE_LABEL[st].toLowerCase() + ' sites',
        onclick: () => { app.sitesFilter.state = st; location.hash = '#/sites'; render(); }
      }, [el('div', {class: 'kpi-label', text: STATE_LABEL[st]}), el('div', {class: 'kpi-value', text: fmtNum(n)}),
        el('div', {class: 'kpi-note', text: s.sites ? Math.round(100 * n / s.sites) + ' % of ' + s.sites + ' sites' : ''})]));
    }
    box.appendChild(el('div', {class: 'kpi link neutral' + (s.activeIncidents ? ' alert' : ''), id: 'kpi-incidents',
      onclick: () => { location.hash = '#/incidents'; }},
    [el('div', {class: 'kpi-label', text: 'Incidents'}), el('div', {class: 'kpi-value', text: fmtNum(s.activeIncidents)}),
      el('div', {class: 'kpi-note', text: fmtNum(s.activeAlarms) + ' active alarms · ' + (s.activeAlarmsBySeverity.critical || 0)
        + ' critical'})]));
    box.appendChild(el('div', {class: 'kpi neutral'}, [el('div', {class: 'kpi-label', text: 'Ingest'}),
      el('div', {class: 'kpi-value', text: fmtNum(s.ratePerSec)}), el('div', {class: 'kpi-note', text: 'records/s · '
        + fmtNum(s.records) + ' total'})]));
    box.appendChild(el('div', {class: 'kpi neutral'}, [
      el('div', {class: 'kpi-label', text: 'Backlog'}), el('div', {class: 'kpi-value', text: fmtNum(s.backlogRecords)}),
      el('div', {class: 'kpi-note', text: 'records buffered at the edge'})]));
    box.appendChild(el('div', {class: 'kpi neutral' + (s.droppedTotal > 0 ? ' alert' : '')}, [
      el('div', {class: 'kpi-label', text: 'Dropped'}), el('div', {class: 'kpi-value', text: fmtNum(s.droppedTotal)}),
      el('div', {class: 'kpi-note', text: 'records lost at the edge'})]));
    box.appendChild(el('div', {class: 'kpi link neutral', onclick: () => { location.hash = '#/fleet'; }}, [
      el('div', {class: 'kpi-label', text: 'Gateways'}), el('div', {class: 'kpi-value', text: fmtNum(s.gateways)}),
      el('div', {class: 'kpi-note', text: Object.keys(s.gatewayVersions || {}).length + ' versions in the field'})]));

    const ni = document.getElementById('nav-incidents');
    ni.textContent = s.activeIncidents ? String(s.activeIncidents) : '';
    const na = document.getElementById('nav-alarms');
    na.textContent = s.activeAlarms ? String(s.activeAlarms) : '';
    na.className = 'nav-count calm';
  }

  // ---------------------------------------------------------------- sites table
  const SITE_COLUMNS = [
    {key: 'site', label: 'Site', get: s => s.site},
    {key: 'state', label: 'State', get: s => STATE_RANK[s.state]},
    {key: 'since', label: 'Since', get: s => s.stateSince ? -Date.parse(s.stateSince) : 0},
    {key: 'region', label: 'Region', get: s => s.region || ''},
    {key: 'upstream', label: 'Upstream', get: s => s.upstream || ''},
    {key: 'rate', label: 'Rate/s', num: true, get: s => s.ratePerSec},
    {key: 'backlog', label: 'Backlog', num: true, get: s => s.backlogRecords},
    {key: 'dropped', label: 'Dropped', num: true, get: s => s.droppedTotal},
    {key: 'gateways', label: 'Gateways', num: true, get: s => Object.keys(s.gateways || {}).length},
    {key: 'alarms', label: 'Alarms', num: true, get: s => (s.activeAlarms || []).length},
    {key: 'heartbeat', label: 'Last heartbeat', get: s => s.lastHeartbeatAt ? -Date.parse(s.lastHeartbeatAt) : Infinity}
  ];

  function sortRows(rows, columns, sort) {
    const col = columns.find(c => c.key === sort.key) || columns[0];
    return rows.slice().sort((a, b) => {
      const x = col.get(a), y = col.get(b);
      let c = typeof x === 'string' ? x.localeCompare(y) : (x > y ? 1 : x < y ? -1 : 0);
      if (c === 0) c = String(a.site).localeCompare(String(b.site));
      return c * sort.dir;
    });
  }

  function headerRow(columns, sort, onSort) {
    return el('tr', null, columns.map(c => el('th', {
      class: 'sortable' + (c.num ? ' num' : '') + (sort.key === c.key ? (sort.dir > 0 ? ' sorted-asc' : ' sorted-desc') : ''),
      'data-key': c.key,
      onclick: () => {
        if (sort.key === c.key) sort.dir = -sort.dir; else { sort.key = c.key; sort.dir = 1; }
        onSort();
      }
    }, c.label)));
  }

  function renderSites(view) {
    const all = Array.from(app.sites.values());
    const f = app.sitesFilter;
    const counts = {};
    all.forEach(s => { counts[s.state] = (counts[s.state] || 0) + 1; });
    const toolbar = el('div', {class: 'toolbar', id: 'state-filter'}, [
      el('button', {class: 'chip' + (f.state ? '' : ' on'), 'data-state': '', onclick: () => { f.state = null; render(); }},
        'All ' + all.length)
    ].concat(STATES.map(st => el('button', {
      class: 'chip' + (f.state === st ? ' on' : ''), 'data-state': st,
      onclick: () => { f.state = f.state === st ? null : st; render(); }
    }, [el('span', {class: 'dot s-' + st}), STATE_LABEL[st] + ' ' + (counts[st] || 0)]))));
    const search = el('input', {class: 'search', type: 'search', placeholder: 'Filter by site, region, upstream…',
      value: f.text, id: 'site-search'});
    search.addEventListener('input', () => { f.text = search.value; renderSitesBody(); });
    const table = el('table', {class: 'grid', id: 'sites-table'});
    const thead = el('thead');
    const tbody = el('tbody');
    table.appendChild(thead);
    table.appendChild(tbody);
    view.appendChild(el('div', {class: 'panel'}, [
      el('div', {class: 'panel-head'}, [el('h2', {text: 'Sites'}), toolbar, el('div', {class: 'spacer'}), search]),
      table]));

    function renderSitesBody() {
      clear(thead);
      thead.appendChild(headerRow(SITE_COLUMNS, app.sitesSort, renderSitesBody));
      clear(tbody);
      const text = f.text.trim().toLowerCase();
      let rows = all.filter(s => (!f.state || s.state === f.state) && (!text
        || [s.site, s.region, s.upstream].some(x => x && x.toLowerCase().includes(text))));
      rows = sortRows(rows, SITE_COLUMNS, app.sitesSort);
      for (const s of rows) {
        const hbAge = ageSeconds(s.lastHeartbeatAt);
        tbody.appendChild(el('tr', {class: 'clickable' + (app.flash.has(s.site) ? ' flash' : ''), 'data-site': s.site,
          onclick: () => { location.hash = '#/site/' + encodeURIComponent(s.site); }}, [
          el('td', {class: 'site-id', text: s.site}),
          el('td', null, badge(s.state)),
          el('td', {class: 'muted', text: ago(s.stateSince), title: fmtTime(s.stateSince)}),
          el('td', {text: s.region || '–'}),
          el('td', {class: 'mono', text: s.upstream || '–'}),
          el('td', {class: 'num', text: fmtNum(s.ratePerSec)}),
          el('td', {class: 'num' + (s.backlogRecords > 1000 ? ' warn-text' : ''), text: fmtNum(s.backlogRecords)}),
          el('td', {class: 'num' + (s.droppedTotal > 0 ? ' bad-text' : ''), text: fmtNum(s.droppedTotal)}),
          el('td', {class: 'num', text: Object.keys(s.gateways || {}).length}),
          el('td', {class: 'num' + ((s.activeAlarms || []).length ? ' bad-text' : ''), text: (s.activeAlarms || []).length}),
          el('td', {class: hbAge > 120 ? 'bad-text' : 'muted', text: ago(s.lastHeartbeatAt), title: fmtTime(s.lastHeartbeatAt)})
        ]));
      }
      if (!rows.length) {
        tbody.appendChild(el('tr', null, el('td', {class: 'empty', colspan: SITE_COLUMNS.length,
          text: all.length ? 'No site matches the filter.' : 'No site has reported yet.'})));
      }
    }

    renderSitesBody();
  }

  // ---------------------------------------------------------------- map
  function renderMap(view) {
    const byRegion = new Map();
    for (const s of app.sites.values()) {
      const r = s.region || 'unassigned';
      if (!byRegion.has(r)) byRegion.set(r, []);
      byRegion.get(r).push(s);
    }
    const legend = el('div', {class: 'legend'}, ['UP', 'DEGRADED', 'CATCHING_UP', 'UNREACHABLE', 'UNKNOWN'].map(st =>
      el('span', null, [el('i', {class: 's-' + st}), STATE_LABEL[st]])));
    const regions = el('div', {class: 'regions', id: 'map'});
    const names = Array.from(byRegion.keys()).sort((a, b) => (a === 'unassigned') - (b === 'unassigned') || a.localeCompare(b));
    for (const r of names) {
      const sites = byRegion.get(r);
      const bad = sites.filter(s => s.state === 'UNREACHABLE').length;
      const degraded = sites.filter(s => s.state === 'DEGRADED' || s.state === 'CATCHING_UP').length;
      const byUpstream = new Map();
      sites.forEach(s => {
        const u = s.upstream || 'no upstream';
        if (!byUpstream.has(u)) byUpstream.set(u, []);
        byUpstream.get(u).push(s);
      });
      const groups = Array.from(byUpstream.keys()).sort().map(u => el('div', {class: 'upstream-group'}, [
        el('div', {class: 'upstream-label'}, ['upstream ', el('span', {class: 'mono', text: u})]),
        el('div', {class: 'tiles'}, byUpstream.get(u).sort((a, b) => a.site.localeCompare(b.site)).map(s =>
          el('div', {class: 'tile s-' + s.state, 'data-site': s.site, title: s.site + ' · ' + STATE_LABEL[s.state]
              + ' since ' + fmtTime(s.stateSince),
          onclick: () => { location.hash = '#/site/' + encodeURIComponent(s.site); }}, [
            el('div', {class: 't-site', text: s.site}), el('div', {class: 't-state', text: STATE_LABEL[s.state]})])))
      ]));
      regions.appendChild(el('div', {class: 'panel region', 'data-region': r}, [
        el('div', {class: 'region-head'}, [el('h2', {text: r}), el('span', {class: 'region-stats',
          text: sites.length + ' sites' + (bad ? ' · ' + bad + ' unreachable' : '') + (degraded ? ' · ' + degraded
            + ' degraded or catching up' : '')})])
      ].concat(groups)));
    }
    view.appendChild(el('div', {class: 'panel'}, el('div', {class: 'panel-head'}, [el('h2', {text: 'Sites by region'}),
      el('div', {class: 'spacer'}), legend])));
    if (!names.length) view.appendChild(el('div', {class: 'panel empty', text: 'No site has reported yet.'}));
    view.appendChild(regions);
  }

  // ---------------------------------------------------------------- incidents
  async function renderIncidents(view) {
    const body = await api('/api/incidents?active=false');
    notePartial(body);
    if (app.view !== 'incidents' || unchanged(body.incidents)) return;
    clear(view);
    const active = body.incidents.filter(i => i.incident.state !== 'CLEARED');
    const cleared = body.incidents.filter(i => i.incident.state === 'CLEARED');
    view.appendChild(el('div', {class: 'panel-head'}, [el('h2', {text: 'Network incidents'}),
      el('span', {class: 'muted', text: active.length + ' active · ' + cleared.length + ' cleared in the last hour'})]));
    if (!body.incidents.length) {
      view.appendChild(el('div', {class: 'panel empty', text: 'No incident: no upstream node has several failing sites.'}));
    }
    for (const inc of active.concat(cleared)) {
      const a = inc.incident;
      const isActive = a.state !== 'CLEARED';
      const linkedRows = inc.linked.map(l => el('tr', {class: 'clickable',
        onclick: () => { if (l.scope.site) location.hash = '#/site/' + encodeURIComponent(l.scope.site); }}, [
        el('td', null, sevTag(l.severity)), el('td', {class: 'site-id', text: l.scope.site || '–'}),
        el('td', {text: l.type}), el('td', {text: l.summary || ''}),
        el('td', {class: 'state-tag' + (l.state !== 'CLEARED' ? ' active' : ''), text: l.state}),
        el('td', {class: 'muted', text: ago(l.raisedAt), title: fmtTime(l.raisedAt)})]));
      view.appendChild(el('div', {class: 'panel incident' + (isActive ? '' : ' cleared'), 'data-incident': a.id}, [
        el('div', {class: 'incident-top'}, [sevTag(a.severity), el('span', {class: 'incident-title', text: a.summary || a.type}),
          el('span', {class: 'state-tag' + (isActive ? ' active' : ''), text: a.state})]),
        el('div', {class: 'incident-meta', text: a.type + ' · raised ' + fmtTime(a.raisedAt) + ' (' + ago(a.raisedAt) + ')'
            + (a.clearedAt ? ' · cleared ' + fmtTime(a.clearedAt) : '') + (a.flaps ? ' · flapped ' + a.flaps + '×' : '')}),
        el('div', {class: 'rootcause'}, [el('div', null, [el('div', {class: 'rootcause-label', text: 'Suspected root cause'}),
          el('div', {class: 'rootcause-node', text: inc.suspectedUpstream || 'unknown upstream'})]),
        el('div', {class: 'muted', text: 'upstream node' + (inc.region ? ' in region ' + inc.region : '') + ' · '
            + inc.affectedSites.length + ' affected sites'})]),
        el('h3', {text: 'Affected sites'}),
        el('div', {class: 'affected'}, inc.affectedSites.map(s => el('a', {href: '#/site/' + encodeURIComponent(s.site),
          'data-site': s.site}, el('span', {class: 'badge s-' + (s.state || 'UNKNOWN'), text: s.site})))),
        inc.linked.length ? el('h3', {text: 'Linked site alarms'}) : null,
        inc.linked.length ? el('table', {class: 'grid'}, [el('thead', null, el('tr', null, ['Severity', 'Site', 'Type',
          'Summary', 'State', 'Raised'].map(h => el('th', {text: h})))), el('tbody', null, linkedRows)]) : null
      ]));
    }
  }

  // ---------------------------------------------------------------- alarms
  async function renderAlarms(view) {
    const f = app.alarmsFilter;
    const q = new URLSearchParams();
    if (f.active) q.set('active', f.active);
    if (f.kind) q.set('kind', f.kind);
    const body = await api('/api/alarms?' + q.toString());
    notePartial(body);
    if (app.view !== 'alarms' || unchanged(body.alarms)) return;
    clear(view);
    const activeSel = el('select', {class: 'search', id: 'alarm-active', onchange: e => { f.active = e.target.value; app.renderSig = null; render(); }},
      [['true', 'Active'], ['false', 'Cleared (last hour)'], ['', 'All']].map(([v, t]) =>
        el('option', {value: v, selected: f.active === v}, t)));
    const kindSel = el('select', {class: 'search', id: 'alarm-kind', onchange: e => { f.kind = e.target.value; app.renderSig = null; render(); }},
      [['', 'All kinds'], ['INCIDENT', 'Incidents'], ['SITE', 'Site'], ['DEVICE', 'Device']].map(([v, t]) =>
        el('option', {value: v, selected: f.kind === v}, t)));
    const rows = body.alarms.map(a => el('tr', {class: 'clickable', onclick: () => {
      if (a.kind === 'INCIDENT') location.hash = '#/incidents';
      else if (a.scope.site) location.hash = '#/site/' + encodeURIComponent(a.scope.site);
    }}, [
      el('td', null, sevTag(a.severity)), el('td', {text: a.kind}), el('td', {text: a.type}),
      el('td', {class: 'site-id', text: a.kind === 'INCIDENT' ? (a.scope.upstream || '') : (a.scope.site || '')
          + (a.scope.host ? ' / ' + a.scope.host : '')}),
      el('td', {text: a.summary || ''}),
      el('td', {class: 'state-tag' + (a.state !== 'CLEARED' ? ' active' : ''), text: a.state}),
      el('td', {class: 'muted', text: ago(a.raisedAt), title: fmtTime(a.raisedAt)}),
      el('td', {class: 'muted', text: ago(a.updatedAt), title: fmtTime(a.updatedAt)})]));
    view.appendChild(el('div', {class: 'panel'}, [
      el('div', {class: 'panel-head'}, [el('h2', {text: 'Alarms'}), el('span', {class: 'muted', text: body.alarms.length + ' shown'}),
        el('div', {class: 'spacer'}), activeSel, kindSel]),
      el('table', {class: 'grid', id: 'alarms-table'}, [el('thead', null, el('tr', null, ['Severity', 'Kind', 'Type', 'Scope',
        'Summary', 'State', 'Raised', 'Updated'].map(h => el('th', {text: h})))), el('tbody', null, rows.length ? rows
        : el('tr', null, el('td', {class: 'empty', colspan: 8, text: 'No alarm.'})))])]));
  }

  // ---------------------------------------------------------------- fleet
  const FLEET_COLUMNS = [
    {key: 'site', label: 'Site', get: g => g.site},
    {key: 'gateway', label: 'Gateway', get: g => g.gateway},
    {key: 'version', label: 'Version', get: g => g.version || ''},
    {key: 'uplink', label: 'Uplink', get: g => g.uplinkState || ''},
    {key: 'seen', label: 'Last seen', get: g => g.lastSeen ? -Date.parse(g.lastSeen) : Infinity},
    {key: 'uptime', label: 'Uptime', num: true, get: g => g.uptimeSeconds},
    {key: 'backlog', label: 'Backlog', num: true, get: g => g.backlogRecords},
    {key: 'bytes', label: 'Backlog size', num: true, get: g => g.backlogBytes},
    {key: 'oldest', label: 'Oldest unsent', num: true, get: g => g.oldestUnsentAgeMs},
    {key: 'drain', label: 'Drain/s', num: true, get: g => g.drainRatePerSec},
    {key: 'dropped', label: 'Dropped', num: true, get: g => g.droppedTotal}
  ];

  async function renderFleet(view) {
    const body = await api('/api/fleet');
    notePartial(body);
    if (app.view !== 'fleet' || unchanged(body.gateways)) return;
    clear(view);
    const rows = body.gateways;
    const versions = {};
    rows.forEach(g => { versions[g.version || 'unknown'] = (versions[g.version || 'unknown'] || 0) + 1; });
    const names = Object.keys(versions).sort(compareVersions);
    const newest = names[names.length - 1];
    const table = el('table', {class: 'grid', id: 'fleet-table'});
    const thead = el('thead');
    const tbody = el('tbody');
    table.appendChild(thead);
    table.appendChild(tbody);
    view.appendChild(el('div', {class: 'panel'}, [
      el('div', {class: 'panel-head'}, [el('h2', {text: 'Gateway fleet'}), el('span', {class: 'muted', text: rows.length
          + ' gateways'}), el('div', {class: 'spacer'}),
      el('div', {class: 'versions'}, names.map(v => el('span', {class: 'version-chip' + (v !== newest ? ' old' : ''),
        title: v !== newest ? 'older than ' + newest : 'newest version'}, [el('span', {class: 'mono', text: v}),
        el('b', {text: versions[v]})])))]),
      table]));

    function body_() {
      clear(thead);
      thead.appendChild(headerRow(FLEET_COLUMNS, app.fleetSort, body_));
      clear(tbody);
      for (const g of sortRows(rows, FLEET_COLUMNS, app.fleetSort)) {
        const seen = ageSeconds(g.lastSeen);
        tbody.appendChild(el('tr', {class: 'clickable', 'data-gateway': g.site + '/' + g.gateway,
          onclick: () => { location.hash = '#/site/' + encodeURIComponent(g.site); }}, [
          el('td', {class: 'site-id', text: g.site}), el('td', {class: 'mono', text: g.gateway}),
          el('td', {class: 'mono' + (g.version !== newest ? ' warn-text' : ''), text: g.version || '–'}),
          el('td', {class: 'uplink-' + (g.uplinkState || ''), text: g.uplinkState || '–'}),
          el('td', {class: seen > 120 ? 'bad-text' : 'muted', text: ago(g.lastSeen), title: fmtTime(g.lastSeen)}),
          el('td', {class: 'num', text: fmtDuration(g.uptimeSeconds)}),
          el('td', {class: 'num' + (g.backlogRecords > 1000 ? ' warn-text' : ''), text: fmtNum(g.backlogRecords)}),
          el('td', {class: 'num', text: fmtBytes(g.backlogBytes)}),
          el('td', {class: 'num', text: g.oldestUnsentAgeMs ? fmtDuration(g.oldestUnsentAgeMs / 1000) : '–'}),
          el('td', {class: 'num', text: fmtNum(g.drainRatePerSec)}),
          el('td', {class: 'num' + (g.droppedTotal > 0 ? ' bad-text' : ''), text: fmtNum(g.droppedTotal)})]));
      }
      if (!rows.length) tbody.appendChild(el('tr', null, el('td', {class: 'empty', colspan: FLEET_COLUMNS.length,
        text: 'No gateway has sent a heartbeat yet.'})));
    }

    body_();
  }

  function compareVersions(a, b) {
    const pa = a.split(/[.-]/), pb = b.split(/[.-]/);
    for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
      const x = parseInt(pa[i] || '0', 10), y = parseInt(pb[i] || '0', 10);
      if (isNaN(x) || isNaN(y)) return a.localeCompare(b);
      if (x !== y) return x - y;
    }
    return 0;
  }

  // ---------------------------------------------------------------- drill-down
  async function renderSite(view, id) {
    const body = await api('/api/sites/' + encodeURIComponent(id)).catch(e => {
      if (e.status === 404) return null;
      throw e;
    });
    if (app.view !== 'site' || app.param !== id || unchanged(body)) return;
    clear(view);
    destroyCharts();
    view.appendChild(el('div', {class: 'crumbs'}, [el('a', {href: '#/sites', text: 'Sites'}), ' / ', id]));
    if (!body) {
      view.appendChild(el('div', {class: 'panel empty', text: 'Unknown site ' + id + '.'}));
      return;
    }
    notePartial(body);
    const s = body.site;
    const gws = Object.values(s.gateways || {}).sort((a, b) => a.gateway.localeCompare(b.gateway));
    const tags = Object.entries(s.tags || {}).map(([k, v]) => k + '=' + v).join(', ');
    const sev = s.severities || [];
    const errors = (sev[0] || 0) + (sev[1] || 0) + (sev[2] || 0) + (sev[3] || 0);
    view.appendChild(el('div', {class: 'panel', id: 'site-detail', 'data-site': s.site}, [
      el('div', {class: 'site-head'}, [el('span', {class: 'site-title', text: s.site}), badge(s.state),
        el('span', {class: 'muted', text: 'since ' + fmtTime(s.stateSince) + ' (' + ago(s.stateSince) + ')'})]),
      el('div', {class: 'facts'}, [
        el('span', null, ['Region ', el('b', {text: s.region || '–'})]),
        el('span', null, ['Upstream ', el('b', {class: 'mono', text: s.upstream || '–'})]),
        tags ? el('span', null, ['Tags ', el('b', {text: tags})]) : null,
        el('span', null, ['Last record ', el('b', {text: ago(s.lastRecordAt)})]),
        el('span', null, ['Last heartbeat ', el('b', {text: ago(s.lastHeartbeatAt)})]),
        el('span', null, ['Snapshot ', el('b', {text: fmtTime(s.updatedAt)})])]),
      el('div', {class: 'stat-grid'}, [
        stat('Rate', fmtNum(s.ratePerSec) + ' /s', 'unique records, last minute'),
        stat('Records', fmtNum(s.records), fmtNum(s.duplicates) + ' duplicates removed'),
        stat('Errors', fmtNum(errors), 'severity 0-3 since start'),
        stat('Backlog', fmtNum(s.backlogRecords), s.catchUpEtaSeconds ? 'empty in ~' + fmtDuration(s.catchUpEtaSeconds)
          : 'records at the edge'),
        stat('Drain', fmtNum(s.drainRatePerSec) + ' /s', 'backlog drain rate'),
        stat('Dropped', fmtNum(s.droppedTotal), 'lost at the edge (policy)', s.droppedTotal > 0),
        stat('Active alarms', String(body.activeAlarms.length), body.recentlyCleared.length + ' cleared in the last hour',
          body.activeAlarms.length > 0)])
    ]));

    const charts = el('div', {class: 'charts'}, [
      chartPanel('Records and errors per minute', 'chart-rate', el('span', {class: 'chart-note', id: 'chart-rate-note',
        title: 'The newest minute is still being counted: its totals are what has arrived so far.', hidden: true},
      [el('span', {class: 'dash'}), 'minute in progress'])),
      chartPanel('Edge backlog per minute', 'chart-backlog'),
      chartPanel('Severities', 'chart-severity'),
      chartPanel('Records by source', 'chart-source')]);
    view.appendChild(charts);

    const alarms = body.activeAlarms.concat(body.recentlyCleared);
    view.appendChild(el('div', {class: 'two-col'}, [
      el('div', {class: 'panel'}, [el('div', {class: 'panel-head'}, el('h2', {text: 'Gateways'})),
        el('table', {class: 'grid'}, [el('thead', null, el('tr', null, ['Gateway', 'Version', 'Uplink', 'Last seen', 'Backlog',
          'Oldest unsent', 'Dropped'].map(h => el('th', {text: h})))), el('tbody', null, gws.map(g => el('tr', null, [
          el('td', {class: 'mono', text: g.gateway}), el('td', {class: 'mono', text: g.version || '–'}),
          el('td', {class: 'uplink-' + (g.uplinkState || ''), text: g.uplinkState || '–'}),
          el('td', {class: 'muted', text: ago(g.lastSeen)}), el('td', {class: 'num', text: fmtNum(g.backlogRecords)}),
          el('td', {class: 'num', text: g.oldestUnsentAgeMs ? fmtDuration(g.oldestUnsentAgeMs / 1000) : '–'}),
          el('td', {class: 'num' + (g.droppedTotal > 0 ? ' bad-text' : ''), text: fmtNum(g.droppedTotal)})])))])]),
      el('div', {class: 'panel'}, [el('div', {class: 'panel-head'}, el('h2', {text: 'Alarms'})),
        alarms.length ? el('table', {class: 'grid', id: 'site-alarms'}, [el('thead', null, el('tr', null, ['Severity', 'Type',
          'Summary', 'State', 'Raised'].map(h => el('th', {text: h})))), el('tbody', null, alarms.map(a => el('tr', null, [
          el('td', null, sevTag(a.severity)), el('td', {text: a.type}), el('td', {text: a.summary || ''}),
          el('td', {class: 'state-tag' + (a.state !== 'CLEARED' ? ' active' : ''), text: a.state
              + (a.incidentId ? ' (incident)' : '')}),
          el('td', {class: 'muted', text: ago(a.raisedAt), title: fmtTime(a.raisedAt)})])))])
          : el('div', {class: 'empty', text: 'No active or recently cleared alarm.'})])]));
    drawSiteCharts(s);
  }

  function stat(label, value, note, alert) {
    return el('div', {class: 'stat' + (alert ? ' kpi alert' : '')}, [el('div', {class: 'kpi-label', text: label}),
      el('div', {class: 'kpi-value', text: value}), el('div', {class: 'kpi-note', text: note})]);
  }

  function chartPanel(title, id, note) {
    return el('div', {class: 'panel'}, [el('h3', null, [title, note || null]),
      el('div', {class: 'chart-box'}, el('canvas', {id: id}))]);
  }

  /** The index of the history's last bucket if its minute had not ended when the snapshot was taken, else -1. */
  function minuteInProgress(hist, updatedAt) {
    if (!hist.length || !updatedAt) return -1;
    const last = hist.length - 1;
    return Date.parse(hist[last].minute) + 60000 > Date.parse(updatedAt) ? last : -1;
  }

  function destroyCharts() {
    app.charts.forEach(c => c.destroy());
    app.charts = [];
  }

  function drawSiteCharts(s) {
    if (typeof window.Chart === 'undefined') return;
    const Chart = window.Chart;
    Chart.defaults.font.family = getComputedStyle(document.body).fontFamily;
    Chart.defaults.color = '#667085';
    Chart.defaults.animation = false;
    const hist = s.history || [];
    const labels = hist.map(b => new Date(b.minute).toISOString().slice(11, 16));
    // the newest minute is still being counted when the snapshot was taken: its sums are partial, so it is drawn
    // dashed and lighter (the note above the chart and the tooltip say so) instead of as a dip in the curve
    const partial = minuteInProgress(hist, s.updatedAt);
    const partialNote = document.getElementById('chart-rate-note');
    partialNote.hidden = partial < 0;
    const dashedLast = (ctx, dash) => partial >= 0 && ctx.p1DataIndex === partial ? dash : undefined;
    const common = {responsive: true, maintainAspectRatio: false, plugins: {legend: {position: 'bottom'}},
      scales: {x: {grid: {display: false}}, y: {beginAtZero: true, grid: {color: '#eef1f5'}}}};
    app.charts.push(new Chart(document.getElementById('chart-rate'), {type: 'line', data: {labels: labels, datasets: [
      {label: 'records', data: hist.map(b => b.records), borderColor: '#2f6fed', backgroundColor: 'rgba(47,111,237,.12)',
        fill: true, tension: .25, pointRadius: 0, borderWidth: 2,
        segment: {borderDash: ctx => dashedLast(ctx, [5, 4]), borderColor: ctx => dashedLast(ctx, 'rgba(47,111,237,.45)'),
          backgroundColor: ctx => dashedLast(ctx, 'rgba(47,111,237,.05)')}},
      {label: 'errors (sev 0-3)', data: hist.map(b => b.errors), borderColor: '#d33a3a', backgroundColor: '#d33a3a',
        tension: .25, pointRadius: 0, borderWidth: 2, yAxisID: 'y1',
        segment: {borderDash: ctx => dashedLast(ctx, [5, 4]), borderColor: ctx => dashedLast(ctx, 'rgba(211,58,58,.45)')}}]},
    options: Object.assign({}, common, {
      plugins: {legend: common.plugins.legend, tooltip: {callbacks: {
        title: items => items.length && items[0].dataIndex === partial ? items[0].label + ' (minute in progress: so far)'
          : (items.length ? items[0].label : '')}}},
      scales: {x: common.scales.x, y: Object.assign({}, common.scales.y, {title: {display: true, text: 'records / min'}}),
        y1: {beginAtZero: true, position: 'right', grid: {display: false}, title: {display: true, text: 'errors / min'}}}})}));
    app.charts.push(new Chart(document.getElementById('chart-backlog'), {type: 'line', data: {labels: labels, datasets: [
      {label: 'backlog records', data: hist.map(b => b.backlogRecords), borderColor: '#c77700',
        backgroundColor: 'rgba(199,119,0,.14)', fill: true, stepped: true, pointRadius: 0, borderWidth: 2}]}, options: common}));
    const sev = s.severities || [];
    const sevCounts = sev.filter(n => n > 0);
    const sevDecades = sevCounts.length ? Math.log10(Math.max(...sevCounts)) - Math.log10(Math.min(...sevCounts)) : 0;
    app.charts.push(new Chart(document.getElementById('chart-severity'), {type: 'bar', data: {labels: SEVERITY_NAMES,
      datasets: [{label: 'records', data: SEVERITY_NAMES.map((_, i) => sev[i] || 0),
        backgroundColor: SEVERITY_NAMES.map((_, i) => i <= 2 ? '#c62828' : i === 3 ? '#e36209' : i === 4 ? '#c99400'
          : i === 8 ? '#b8c1cf' : '#7d8ca3')}]},
    options: Object.assign({}, common, {plugins: {legend: {display: false}}, scales: {
      x: {grid: {display: false}, title: {display: true, text: 'syslog severity'}},
      y: {type: 'logarithmic', grid: {color: '#eef1f5'}, title: {display: true, text: 'records (log scale)'},
        ticks: {callback: v => {
          // powers of ten; 2 and 5 times them too when the counts span less than two decades, so that the axis
          // always has at least two labels; nothing below 1 (a count is whole)
          if (v < 1) return '';
          const m = v / Math.pow(10, Math.floor(Math.log10(v) + 1e-9));
          return [1].concat(sevDecades < 2 ? [2, 5] : []).some(k => Math.abs(m - k) < 1e-6) ? fmtNum(v) : '';
        }}}}})}));
    const src = s.bySource || {};
    const srcNames = Object.keys(src).sort();
    app.charts.push(new Chart(document.getElementById('chart-source'), {type: 'doughnut', data: {labels: srcNames,
      datasets: [{data: srcNames.map(k => src[k]), backgroundColor: ['#2f6fed', '#1f9d61', '#c77700', '#8e44ad', '#7a8598']}]},
    options: {responsive: true, maintainAspectRatio: false, plugins: {legend: {position: 'right'}}}}));
  }

  // ---------------------------------------------------------------- routing
  function parseHash() {
    const h = location.hash.replace(/^#\/?/, '');
    const [view, ...rest] = h.split('/');
    app.view = ['sites', 'map', 'incidents', 'alarms', 'fleet', 'site'].includes(view) ? view : 'sites';
    app.param = rest.length ? decodeURIComponent(rest.join('/')) : null;
  }

  function render() {
    const view = document.getElementById('view');
    document.querySelectorAll('#nav a').forEach(a => a.classList.toggle('active', a.dataset.view === app.view
      || (app.view === 'site' && a.dataset.view === 'sites')));
    const keepScroll = window.scrollY;
    const run = (fn) => Promise.resolve(fn()).then(hideError).catch(e => {
      if (e.message !== 'logged out') showError('Cannot load this view: ' + e.message);
    });
    if (app.view === 'sites' || app.view === 'map') {
      destroyCharts();
      clear(view);
      run(() => (app.view === 'sites' ? renderSites : renderMap)(view));
      window.scrollTo(0, keepScroll);
    } else if (app.view === 'incidents') {
      destroyCharts();
      run(() => renderIncidents(view));
    } else if (app.view === 'alarms') {
      destroyCharts();
      run(() => renderAlarms(view));
    } else if (app.view === 'fleet') {
      destroyCharts();
      run(() => renderFleet(view));
    } else if (app.view === 'site') {
      run(() => renderSite(view, app.param));
    }
  }

  // ---------------------------------------------------------------- live updates
  function connectEvents() {
    const live = document.getElementById('live');
    const es = new EventSource('/api/events');
    es.addEventListener('update', ev => {
      const body = JSON.parse(ev.data);
      app.lastEvent = Date.now();
      live.className = 'live live-on pulse';
      live.textContent = 'Live';
      setTimeout(() => live.classList.remove('pulse'), 900);
      if (body.error) {
        live.className = 'live live-off';
        live.textContent = 'Waiting for data';
        return;
      }
      notePartial(body);
      app.summary = body.summary;
      renderSummary();
      app.flash = new Set();
      for (const s of body.changed || []) {
        const prev = app.sites.get(s.site);
        if (prev && (prev.state !== s.state || prev.updatedAt !== s.updatedAt)) app.flash.add(s.site);
        app.sites.set(s.site, s);
      }
      for (const id of body.removed || []) app.sites.delete(id);
      const changedIds = new Set((body.changed || []).map(s => s.site));
      if (app.view === 'sites' || app.view === 'map') {
        if (changedIds.size || (body.removed || []).length) render();
      } else if (app.view === 'incidents' || app.view === 'alarms' || app.view === 'fleet') {
        render();
      } else if (app.view === 'site' && changedIds.has(app.param)) {
        render();
      }
    });
    es.addEventListener('logout', () => { window.location.replace('/login'); });
    es.addEventListener('error', () => {
      live.className = 'live live-off';
      live.textContent = 'Reconnecting…';
    });
  }

  async function logout() {
    try {
      await fetch('/logout', {method: 'POST', credentials: 'same-origin', headers: {'X-CSRF-Token': app.csrf}});
    } finally {
      window.location.replace('/login');
    }
  }

  async function init() {
    document.getElementById('logout').addEventListener('click', logout);
    window.addEventListener('hashchange', () => { parseHash(); app.renderSig = null; render(); });
    parseHash();
    try {
      const session = await api('/api/session');
      app.csrf = session.csrfToken;
      document.getElementById('whoami').textContent = session.username;
      document.getElementById('foot').textContent = 'Answered by aggregator instance ' + session.instance
        + ' · live updates every 2 s';
    } catch (e) {
      if (e.message !== 'logged out') showError('Cannot reach the dashboard API: ' + e.message);
      return;
    }
    connectEvents();
    for (let attempt = 0; ; attempt++) {
      try {
        const [sites, summary] = await Promise.all([api('/api/sites'), api('/api/summary')]);
        sites.sites.forEach(s => app.sites.set(s.site, s));
        app.summary = summary.summary;
        notePartial(sites.partial ? sites : summary);
        hideError();
        break;
      } catch (e) {
        if (e.message === 'logged out') return;
        showError('Waiting for the aggregator: ' + e.message);
        await new Promise(r => setTimeout(r, Math.min(5000, 1000 * (attempt + 1))));
      }
    }
    renderSummary();
    render();
  }

  document.addEventListener('DOMContentLoaded', init);
})();
