'use strict';
/*
 * Edge gateway web console: what every page shares (top bar and navigation, session and CSRF token, JSON requests,
 * formatting). Vanilla JS, no build step. Data goes into the DOM as text, never as HTML. Exposed as window.GW.
 */
(function () {
  const NAV = [
    {page: 'status', href: '/', label: 'Status'},
    {page: 'config', href: '/config', label: 'Configuration'},
    {page: 'tail', href: '/tail', label: 'Live tail'},
    {page: 'events', href: '/events', label: 'Events'}
  ];
  const SEVERITY_NAMES = ['emerg', 'alert', 'crit', 'err', 'warning', 'notice', 'info', 'debug'];

  const GW = {session: null, csrf: null};

  // ---------------------------------------------------------------- DOM helpers
  /** An element: props (class, text, on<event> listeners, dataset, attributes) and children (nodes or strings). */
  function el(tag, props, children) {
    const e = document.createElement(tag);
    if (props) {
      for (const [k, v] of Object.entries(props)) {
        if (v === null || v === undefined || v === false) continue;
        if (k === 'class') e.className = v;
        else if (k === 'text') e.textContent = String(v);
        else if (k === 'dataset') Object.assign(e.dataset, v);
        else if (k.startsWith('on') && typeof v === 'function') e.addEventListener(k.slice(2), v);
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
    return node;
  }

  function $(id) {
    return document.getElementById(id);
  }

  // ---------------------------------------------------------------- formatting
  const fmt = {
    /** 1,234 (a whole number with separators); "–" when unknown. */
    int(n) {
      if (n === null || n === undefined || isNaN(n)) return '–';
      return Math.round(n).toLocaleString('en-US');
    },
    /** 12.3 k, 4.5 M: for tiles where a long number would not fit. */
    compact(n) {
      if (n === null || n === undefined || isNaN(n)) return '–';
      const a = Math.abs(n);
      if (a >= 1e9) return (n / 1e9).toFixed(a >= 1e10 ? 0 : 1) + ' G';
      if (a >= 1e6) return (n / 1e6).toFixed(a >= 1e7 ? 0 : 1) + ' M';
      if (a >= 1e4) return (n / 1e3).toFixed(a >= 1e5 ? 0 : 1) + ' k';
      return fmt.int(n);
    },
    /** A rate: one decimal below 10, whole above (1,234). */
    rate(n) {
      if (n === null || n === undefined || isNaN(n)) return '–';
      if (n > 0 && n < 0.05) return '< 0.1';
      return n < 10 ? n.toFixed(1) : fmt.int(n);
    },
    /** 0 B, 512 B, 12.3 MiB, 8.0 GiB. */
    bytes(n) {
      if (n === null || n === undefined || isNaN(n)) return '–';
      const u = ['B', 'KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
      let i = 0;
      while (Math.abs(n) >= 1024 && i < u.length - 1) { n /= 1024; i++; }
      return (i ? n.toFixed(n >= 100 ? 0 : 1) : String(Math.round(n))) + ' ' + u[i];
    },
    /** 850 ms is "< 1 s"; 4 min 12 s; 2 h 5 min; 3 d 4 h. */
    duration(sec) {
      if (sec === null || sec === undefined || isNaN(sec)) return '–';
      if (sec < 1) return sec <= 0 ? '0 s' : '< 1 s';
      sec = Math.round(sec);
      if (sec < 60) return sec + ' s';
      if (sec < 3600) return Math.floor(sec / 60) + ' min' + (sec % 60 ? ' ' + (sec % 60) + ' s' : '');
      if (sec < 86400) return Math.floor(sec / 3600) + ' h' + (sec % 3600 >= 60 ? ' ' + Math.floor((sec % 3600) / 60) + ' min' : '');
      return Math.floor(sec / 86400) + ' d' + (sec % 86400 >= 3600 ? ' ' + Math.floor((sec % 86400) / 3600) + ' h' : '');
    },
    /** "just now", "4 min 12 s ago". */
    ago(iso) {
      if (!iso) return '–';
      const s = (Date.now() - Date.parse(iso)) / 1000;
      return s < 5 ? 'just now' : fmt.duration(s) + ' ago';
    },
    /** 2026-12-03 15:04:05 in the browser's time zone (the technician's). */
    time(iso) {
      if (!iso) return '–';
      const d = new Date(iso);
      if (isNaN(d)) return String(iso);
      const p = n => String(n).padStart(2, '0');
      return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate()) + ' ' + p(d.getHours()) + ':'
        + p(d.getMinutes()) + ':' + p(d.getSeconds());
    },
    /** 15:04:05 (today) or the date too (older). */
    clock(iso) {
      const full = fmt.time(iso);
      const d = new Date(iso);
      return !isNaN(d) && d.toDateString() === new Date().toDateString() ? full.slice(11) : full;
    },
    /** "a: 2, b: 1" for the non-zero entries of a counter map; "" when all are zero. */
    reasons(map) {
      return Object.entries(map || {}).filter(([, v]) => v > 0).map(([k, v]) => k + ' ' + fmt.int(v)).join(', ');
    },
    sum(map) {
      return Object.values(map || {}).reduce((a, b) => a + (b || 0), 0);
    },
    severityName(sev) {
      return sev === null || sev === undefined || sev < 0 || sev > 7 ? 'none' : SEVERITY_NAMES[sev];
    }
  };

  // ---------------------------------------------------------------- requests
  function toLogin() {
    const here = location.pathname + location.search;
    location.replace('/login' + (here && here !== '/' ? '?next=' + encodeURIComponent(here) : ''));
  }

  /**
   * A request; resolves to {status, ok, body} for every HTTP answer (body: parsed JSON, or {} when there is none),
   * so that callers can show 409/422 answers. A 401 sends the browser to the login page. Rejects only when the
   * gateway cannot be reached. State changes carry the CSRF token.
   */
  async function request(method, path, body, contentType) {
    const headers = {'Accept': 'application/json'};
    if (method !== 'GET' && method !== 'HEAD') {
      if (GW.csrf) headers['X-CSRF-Token'] = GW.csrf;
      if (body !== undefined) headers['Content-Type'] = contentType || 'application/json';
    }
    const init = {method: method, credentials: 'same-origin', headers: headers, cache: 'no-store'};
    if (body !== undefined) {
      init.body = typeof body === 'string' ? body : JSON.stringify(body);
    }
    let resp;
    try {
      resp = await fetch(path, init);
    } catch (e) {
      const err = new Error('the gateway cannot be reached');
      err.network = true;
      throw err;
    }
    if (resp.status === 401) {
      toLogin();
      const err = new Error('logged out');
      err.loggedOut = true;
      throw err;
    }
    const text = await resp.text();
    let parsed = {};
    try {
      parsed = text ? JSON.parse(text) : {};
    } catch (e) {
      parsed = {error: 'HTTP ' + resp.status, detail: text.slice(0, 200)};
    }
    return {status: resp.status, ok: resp.ok, body: parsed};
  }

  /** GET of a JSON route; rejects with the answer's detail when it is not 2xx. */
  async function getJson(path) {
    const r = await request('GET', path);
    if (!r.ok) {
      const err = new Error(r.body.detail || r.body.error || ('HTTP ' + r.status));
      err.status = r.status;
      err.body = r.body;
      throw err;
    }
    return r.body;
  }

  function errorText(e) {
    return e && e.message ? e.message : String(e);
  }

  // ---------------------------------------------------------------- banner
  function banner(text, kind) {
    const b = $('banner');
    if (!b) return;
    if (!text) {
      b.hidden = true;
      return;
    }
    b.className = 'banner' + (kind ? ' ' + kind : '');
    b.textContent = text;
    b.hidden = false;
  }

  // ---------------------------------------------------------------- page frame
  function buildTopbar(page) {
    const bar = $('topbar');
    if (!bar) return;
    clear(bar);
    bar.appendChild(el('a', {class: 'brand', href: '/'}, [
      el('img', {src: '/assets/favicon.svg', alt: '', width: 28, height: 28}),
      el('span', {class: 'brand-text'}, [
        el('span', {class: 'brand-name', text: 'Edge gateway'}),
        el('span', {class: 'brand-sub', id: 'brand-sub', text: 'site console'})])]));
    bar.appendChild(el('nav', {class: 'nav', id: 'nav', 'aria-label': 'Pages'}, NAV.map(n => el('a', {
      href: n.href, 'data-page': n.page, class: n.page === page ? 'active' : null,
      'aria-current': n.page === page ? 'page' : null, text: n.label}))));
    bar.appendChild(el('div', {class: 'topbar-right'}, [
      el('span', {class: 'whoami', id: 'whoami'}),
      el('button', {class: 'btn-ghost', id: 'logout', type: 'button', text: 'Log out', onclick: logout})]));
  }

  async function logout() {
    try {
      await fetch('/logout', {method: 'POST', credentials: 'same-origin',
        headers: GW.csrf ? {'X-CSRF-Token': GW.csrf} : {}});
    } catch (e) {
      // the login page is the right place either way
    }
    location.replace('/login');
  }

  /**
   * Draws the frame of a page (top bar, active tab), loads the session (CSRF token, site, gateway) and then calls
   * ready(session). A page without a session goes to the login page.
   */
  function start(page, ready) {
    document.addEventListener('DOMContentLoaded', async () => {
      buildTopbar(page);
      let session;
      for (let attempt = 0; ; attempt++) {
        try {
          session = await getJson('/api/session');
          break;
        } catch (e) {
          if (e.loggedOut) return;
          banner('Cannot reach the gateway: ' + errorText(e) + '. Retrying…', 'error');
          await new Promise(r => setTimeout(r, Math.min(5000, 1000 * (attempt + 1))));
        }
      }
      banner(null);
      GW.session = session;
      GW.csrf = session.csrfToken;
      $('whoami').textContent = session.username || '';
      $('brand-sub').textContent = [session.site, session.gateway].filter(Boolean).join(' · ') || 'site console';
      const title = document.title.split(' · ')[0];
      document.title = title + ' · ' + (session.gateway || 'Edge gateway') + (session.site ? ' @ ' + session.site : '');
      try {
        await ready(session);
      } catch (e) {
        if (!e.loggedOut) banner('This page failed to load: ' + errorText(e), 'error');
      }
    });
  }

  /** Calls fn every ms milliseconds, the next call only after the previous one settled; pauses in a hidden tab. */
  function poll(fn, ms) {
    let timer = null;
    let stopped = false;
    async function tick() {
      timer = null;
      if (stopped) return;
      try {
        await fn();
      } catch (e) {
        if (e.loggedOut) {
          stopped = true;
          return;
        }
      }
      if (!stopped) timer = setTimeout(tick, document.hidden ? ms * 5 : ms);
    }
    tick();
    return {stop() { stopped = true; if (timer) clearTimeout(timer); }};
  }

  // ---------------------------------------------------------------- shared widgets
  /** A state pill: green for a working state, amber for in-between, red for broken, grey for stopped/unknown. */
  function pill(state, label) {
    const s = String(state || 'UNKNOWN').toUpperCase();
    const tone = ['LISTENING', 'CONNECTED', 'UP', 'WRITABLE'].includes(s) ? 'ok'
      : ['CONNECTING', 'STARTING', 'RECONNECTING', 'DRAINING', 'CATCHING_UP'].includes(s) ? 'warn'
        : ['DISCONNECTED', 'DOWN', 'FAILED', 'ERROR'].includes(s) ? 'bad' : 'off';
    return el('span', {class: 'pill tone-' + tone, 'data-state': s, text: label || s.toLowerCase().replace(/_/g, ' ')});
  }

  function sevTag(sev) {
    const name = fmt.severityName(sev);
    const cls = sev === null || sev === undefined || sev < 0 ? 'none' : sev <= 2 ? 'crit' : sev === 3 ? 'err'
      : sev === 4 ? 'warn' : sev <= 6 ? 'info' : 'debug';
    return el('span', {class: 'sev sev-' + cls, title: sev === null || sev === undefined ? 'no severity'
      : 'syslog severity ' + sev + ' (' + name + ')', text: name});
  }

  /** Empty-state row spanning a table. */
  function emptyRow(cols, text) {
    return el('tr', {class: 'empty-row'}, el('td', {class: 'empty', colspan: cols, text: text}));
  }

  Object.assign(GW, {el, clear, $, fmt, request, getJson, errorText, banner, start, poll, pill, sevTag, emptyRow,
    toLogin, logout});
  window.GW = GW;
})();
