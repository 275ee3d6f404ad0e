'use strict';
/* Events page: the gateway's operator event log, polled every 2 s (only events newer than the last one seen). */
(function () {
  const {el, clear, $, fmt} = window.GW;
  const POLL_MS = 2000;
  const MAX_EVENTS = 1000;
  const GROUPS = [
    {key: 'all', label: 'All'},
    {key: 'config', label: 'Configuration'},
    {key: 'login', label: 'Sign-ins'},
    {key: 'input', label: 'Inputs'},
    {key: 'connection', label: 'Connections'},
    {key: 'uplink', label: 'Uplink'},
    {key: 'loss', label: 'Drops and rejects'},
    {key: 'gateway', label: 'Gateway'}
  ];

  const state = {events: [], lastId: null, group: 'all', problemsOnly: false, loaded: false};

  function groupOf(type) {
    const t = String(type || '');
    if (t === 'logout' || t.startsWith('login')) return 'login';
    if (t === 'drops' || t === 'rejected') return 'loss';
    const prefix = t.split('.')[0];
    return GROUPS.some(g => g.key === prefix) ? prefix : 'other';
  }

  function visible(e) {
    return (state.group === 'all' || groupOf(e.type) === state.group)
      && (!state.problemsOnly || e.level === 'warn' || e.level === 'error');
  }

  function renderChips() {
    const bar = clear($('type-filter'));
    const counts = {all: state.events.length};
    state.events.forEach(e => { const g = groupOf(e.type); counts[g] = (counts[g] || 0) + 1; });
    for (const g of GROUPS) {
      bar.appendChild(el('button', {class: 'chip' + (state.group === g.key ? ' on' : ''), type: 'button',
        'data-group': g.key, 'aria-pressed': String(state.group === g.key),
        onclick: () => { state.group = g.key; render(); }},
      [g.label, el('span', {class: 'count', text: fmt.int(counts[g.key] || 0)})]));
    }
    bar.appendChild(el('span', {class: 'spacer'}));
    const problems = state.events.filter(e => e.level === 'warn' || e.level === 'error').length;
    bar.appendChild(el('button', {class: 'chip' + (state.problemsOnly ? ' on' : ''), type: 'button', id: 'problems-only',
      'aria-pressed': String(state.problemsOnly), onclick: () => { state.problemsOnly = !state.problemsOnly; render(); }},
    ['Warnings and errors only', el('span', {class: 'count', text: fmt.int(problems)})]));
  }

  function row(e, flash) {
    const level = ['info', 'warn', 'error'].includes(e.level) ? e.level : 'info';
    return el('tr', {class: 'ev-' + level + (flash ? ' flash' : ''), 'data-id': e.id, 'data-type': e.type}, [
      el('td', {class: 't-time', title: fmt.ago(e.time)}, fmt.clock(e.time)),
      el('td', null, el('span', {class: 'level level-' + level, text: level})),
      el('td', {class: 'mono', text: e.type}),
      el('td', {class: 'msg', text: e.message || ''})]);
  }

  function render(fresh) {
    renderChips();
    const body = clear($('events-body'));
    const shown = state.events.filter(visible);
    for (const e of shown) body.appendChild(row(e, fresh && fresh.has(e.id)));
    if (!shown.length) {
      body.appendChild(GW.emptyRow(4, !state.loaded ? 'Loading…' : state.events.length
        ? 'No event of this kind yet.' : 'No events yet. Sign-ins, configuration changes, inputs and the uplink log here.'));
    }
    $('events-note').textContent = state.events.length ? 'showing ' + fmt.int(shown.length) + ' of '
      + fmt.int(state.events.length) + ' (newest first)' : '';
  }

  async function refresh() {
    const q = state.lastId === null ? '?limit=500' : '?after=' + encodeURIComponent(state.lastId) + '&limit=500';
    let body;
    try {
      body = await GW.getJson('/api/events' + q);
    } catch (e) {
      if (e.loggedOut) throw e;
      $('live').className = 'live live-off';
      $('live').textContent = 'Reconnecting…';
      GW.banner('Cannot load events: ' + GW.errorText(e) + '. Retrying every 2 s.', 'error');
      return;
    }
    GW.banner(null);
    const live = $('live');
    live.className = 'live live-on';
    live.textContent = 'Live';
    const incoming = (body.events || []).slice().sort((a, b) => b.id - a.id);
    const first = !state.loaded;
    state.loaded = true;
    if (incoming.length || first) {
      const known = new Set(state.events.map(e => e.id));
      const added = incoming.filter(e => !known.has(e.id));
      state.events = added.concat(state.events).sort((a, b) => b.id - a.id).slice(0, MAX_EVENTS);
      if (state.events.length) state.lastId = state.events[0].id;
      else if (state.lastId === null) state.lastId = 0;
      render(first ? null : new Set(added.map(e => e.id)));
    }
  }

  GW.start('events', () => {
    render();
    GW.poll(refresh, POLL_MS);
  });
})();
