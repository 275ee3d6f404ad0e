'use strict';
/* Configuration page: YAML editor with line numbers, validate / apply / revert, history with view and rollback. */
(function () {
  const {el, clear, $, fmt} = window.GW;
  const LINE_PX = 20;
  const SOURCE_LABEL = {web: 'web', sighup: 'file + SIGHUP', rollback: 'rollback', startup: 'startup'};

  const state = {
    current: null,          // GET /api/config answer
    original: '',           // the current file as loaded (masked): "dirty" compares against it
    errorLines: new Map(),  // line -> [messages]
    lineCount: 0,
    viewing: null,          // {version, yaml} while a history version is shown read-only
    draft: null,            // the user's text while viewing a version
    busy: false,
    history: [],
    revertArmed: null
  };

  const ta = () => $('yaml');

  // ---------------------------------------------------------------- gutter
  function renderGutter(force) {
    const text = ta().value;
    let lines = 1;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lines++;
    if (!force && lines === state.lineCount) return;
    state.lineCount = lines;
    const g = clear($('gutter'));
    const frag = document.createDocumentFragment();
    for (let n = 1; n <= lines; n++) {
      const msgs = state.errorLines.get(n);
      frag.appendChild(el('div', {class: msgs ? 'err' : null, 'data-line': n, title: msgs ? msgs.join('\n') : null,
        text: n}));
    }
    // room for the textarea's horizontal scroll bar, so that the last numbers line up at the bottom too
    frag.appendChild(el('div', {class: 'pad'}));
    g.appendChild(frag);
    syncScroll();
    markCursorLine();
  }

  function syncScroll() {
    $('gutter').scrollTop = ta().scrollTop;
  }

  function cursorLine() {
    const t = ta();
    const before = t.value.slice(0, t.selectionStart);
    const line = before.split('\n').length;
    const col = t.selectionStart - before.lastIndexOf('\n');
    return {line, col};
  }

  function markCursorLine() {
    const {line, col} = cursorLine();
    const g = $('gutter');
    const old = g.querySelector('div.cur');
    if (old) old.classList.remove('cur');
    const cur = g.querySelector('div[data-line="' + line + '"]');
    if (cur) cur.classList.add('cur');
    $('cursor-pos').textContent = 'Line ' + line + ', column ' + col + ' · Tab indents 2 spaces · Ctrl+S validates';
  }

  /** Puts the cursor on a line (selecting it) and scrolls it into view. */
  function gotoLine(n) {
    const t = ta();
    const lines = t.value.split('\n');
    n = Math.max(1, Math.min(n, lines.length));
    let start = 0;
    for (let i = 0; i < n - 1; i++) start += lines[i].length + 1;
    t.focus({preventScroll: true});
    t.setSelectionRange(start, start + lines[n - 1].length);
    t.scrollTop = Math.max(0, (n - 1) * LINE_PX - t.clientHeight / 3);
    syncScroll();
    markCursorLine();
    const box = $('editor').getBoundingClientRect();
    if (box.top < 60 || box.bottom > window.innerHeight) $('editor').scrollIntoView({block: 'center'});
  }

  function setErrors(errors) {
    state.errorLines = new Map();
    for (const e of errors || []) {
      if (!e.line) continue;
      if (!state.errorLines.has(e.line)) state.errorLines.set(e.line, []);
      state.errorLines.get(e.line).push((e.key ? e.key + ': ' : '') + e.message);
    }
    renderGutter(true);
  }

  // ---------------------------------------------------------------- editor state
  function setDirty() {
    const dirty = !state.viewing && state.current && ta().value !== state.original;
    $('dirty').hidden = !dirty;
    return dirty;
  }

  function setBusy(busy) {
    state.busy = busy;
    const viewing = !!state.viewing;
    $('btn-validate').disabled = busy || viewing || !state.current;
    $('btn-apply').disabled = busy || viewing || !state.current;
    $('btn-revert').disabled = busy || viewing || !state.current;
    document.querySelectorAll('#history button').forEach(b => { b.disabled = busy; });
  }

  function renderMeta() {
    const c = state.current;
    const meta = clear($('config-meta'));
    if (!c) return;
    meta.appendChild(el('span', {id: 'config-version'}, ['Version ', el('b', {text: 'v' + c.version})]));
    meta.appendChild(el('span', {class: 'mono', title: 'file on the gateway', text: c.path || ''}));
    if (c.hash) meta.appendChild(el('span', {title: c.hash}, ['hash ', el('span', {class: 'mono', text: String(c.hash).slice(0, 12)})]));
    const note = $('mask-note');
    const masked = c.masked || [];
    if (masked.length) {
      clear(note).appendChild(el('div', null, [
        'Secrets are shown as ', el('code', {text: c.mask || '********'}), ' and stay unchanged if you leave them masked; ',
        'type a new value only to replace one. Masked here: ']));
      note.appendChild(el('div', {class: 'mono small', text: masked.join(', ')}));
      note.hidden = false;
    } else {
      note.hidden = true;
    }
  }

  async function loadCurrent() {
    const c = await GW.getJson('/api/config');
    state.current = c;
    state.original = c.yaml || '';
    const t = ta();
    t.value = state.original;
    t.disabled = false;
    t.readOnly = false;
    t.setSelectionRange(0, 0);
    t.scrollTop = 0;
    $('editor').classList.remove('readonly');
    state.viewing = null;
    state.draft = null;
    $('viewing').hidden = true;
    renderMeta();
    setErrors([]);
    setDirty();
    setBusy(false);
  }

  // ---------------------------------------------------------------- results
  /** A one-line verdict beside the buttons (the details are in the panel, below the editor on a phone). */
  function verdict(kind, text) {
    const s = $('check-status');
    s.className = 'check-status' + (kind ? ' ' + kind : '');
    s.textContent = text || '';
  }

  function result(kind, title, body) {
    verdict(kind, title);
    const box = clear($('result'));
    box.appendChild(el('div', {class: 'callout ' + kind, id: 'result-box', 'data-kind': kind},
      [el('div', {class: 'callout-title', text: title})].concat(body || [])));
  }

  function changeList(changes) {
    return changes && changes.length ? el('ul', {class: 'changes', id: 'changes'}, changes.map(c => el('li', {text: c})))
      : null;
  }

  function showErrors(errors, what) {
    const sorted = (errors || []).slice().sort((a, b) => (a.line || 1e9) - (b.line || 1e9));
    setErrors(sorted);
    const n = sorted.length;
    const lines = sorted.filter(e => e.line).map(e => e.line);
    verdict('bad', n + (n === 1 ? ' problem' : ' problems') + (lines.length ? ' (line' + (lines.length > 1 ? 's ' : ' ')
      + Array.from(new Set(lines)).slice(0, 5).join(', ') + (lines.length > 5 ? ', …' : '') + ')' : ''));
    const box = clear($('result'));
    box.appendChild(el('div', {class: 'callout bad', id: 'result-box', 'data-kind': 'errors'}, [
      el('div', {class: 'callout-title', text: what + ': ' + n + (n === 1 ? ' problem' : ' problems')
        + ' in the file. Nothing was changed.'}),
      el('div', {class: 'small', text: 'Click a problem to go to its line.'})]));
    box.appendChild(el('ul', {class: 'errors', id: 'errors'}, sorted.map(e => el('li', null, el('button', {
      class: 'err-item', type: 'button', 'data-line': e.line || null,
      onclick: () => { if (e.line) gotoLine(e.line); }}, [
      el('span', {class: 'err-line', text: e.line ? 'line ' + e.line : 'file'}),
      el('span', {class: 'err-key', text: e.key || '(file)'}),
      el('span', {class: 'err-msg', text: e.message || ''})])))));
    if (sorted.length && sorted[0].line) gotoLine(sorted[0].line);
  }

  function showFailure(r, what) {
    const b = r.body || {};
    if (r.status === 422 && b.errors) return showErrors(b.errors, what);
    if (r.status === 409 && b.restartRequired && b.restartRequired.length) {
      setErrors([]);
      return result('warn', 'Needs a restart: not applied', [
        el('div', {text: (b.detail || 'These changes cannot be applied to the running gateway.')
          + ' Nothing was changed.'}),
        el('ul', {class: 'changes', id: 'restart-reasons'}, b.restartRequired.map(x => el('li', {text: x}))),
        el('div', {class: 'small', text: 'Edit the file on the box and restart the service to make them.'})]);
    }
    const text = b.detail || b.error || ('HTTP ' + r.status);
    result('bad', (b.error === 'apply failed' ? 'Apply failed' : what + ' failed') + ' (HTTP ' + r.status + ')',
      [el('div', {text: text})]);
  }

  async function validate() {
    if (state.busy) return;
    setBusy(true);
    try {
      const r = await GW.request('POST', '/api/config/validate', ta().value, 'text/yaml');
      if (r.ok && r.body.valid) {
        setErrors([]);
        const b = r.body;
        const restart = b.restartRequired || [];
        const changes = b.changes || [];
        if (restart.length) {
          result('warn', 'Valid, but it needs a restart', [
            el('div', {text: 'Apply would refuse it: these changes cannot be made while the gateway runs.'}),
            el('ul', {class: 'changes', id: 'restart-reasons'}, restart.map(x => el('li', {text: x}))),
            changes.length ? el('div', {class: 'small', text: 'Other changes:'}) : null, changeList(changes)]);
        } else {
          result('ok', changes.length ? 'Valid: Apply would make ' + changes.length
            + (changes.length === 1 ? ' change' : ' changes') : 'Valid: no change from the running configuration', [
            b.summary ? el('div', {class: 'small', text: b.summary}) : null, changeList(changes)]);
        }
      } else {
        showFailure(r, 'Validation');
      }
    } catch (e) {
      if (!e.loggedOut) result('bad', 'Validation failed', [el('div', {text: GW.errorText(e)})]);
    } finally {
      setBusy(false);
    }
  }

  async function applied(r, what) {
    const b = r.body;
    if (b.applied) {
      await Promise.all([loadCurrent(), loadHistory()]);
      result('ok', what + ': now running version ' + b.version, [changeList(b.changes)]);
    } else {
      setErrors([]);
      result('info', 'Nothing to apply', [el('div', {text: b.detail === 'no change' || !b.detail
        ? 'The file is the same as the running configuration.' : b.detail})]);
    }
  }

  async function apply() {
    if (state.busy) return;
    setBusy(true);
    try {
      const r = await GW.request('PUT', '/api/config', ta().value, 'text/yaml');
      if (r.ok) await applied(r, 'Applied');
      else showFailure(r, 'Apply');
    } catch (e) {
      if (!e.loggedOut) result('bad', 'Apply failed', [el('div', {text: GW.errorText(e)})]);
    } finally {
      setBusy(false);
    }
  }

  function revert() {
    if (state.busy) return;
    const btn = $('btn-revert');
    if (setDirty() && !state.revertArmed) {
      btn.textContent = 'Discard my edits?';
      btn.classList.add('danger');
      state.revertArmed = setTimeout(disarmRevert, 4000);
      return;
    }
    disarmRevert();
    setBusy(true);
    loadCurrent().then(() => {
      verdict(null, '');
      clear($('result')).appendChild(el('p', {class: 'muted', text: 'Reverted to the running configuration (version '
        + state.current.version + ').'}));
    }).catch(e => {
      if (!e.loggedOut) result('bad', 'Cannot load the configuration', [el('div', {text: GW.errorText(e)})]);
    }).finally(() => setBusy(false));
  }

  function disarmRevert() {
    if (state.revertArmed) clearTimeout(state.revertArmed);
    state.revertArmed = null;
    const btn = $('btn-revert');
    btn.textContent = 'Revert to current';
    btn.classList.remove('danger');
  }

  // ---------------------------------------------------------------- history
  async function loadHistory() {
    const h = await GW.getJson('/api/config/history');
    state.history = h.versions || [];
    state.currentVersion = h.current;
    renderHistory();
  }

  function renderHistory() {
    const list = clear($('history'));
    const versions = state.history;
    $('history-note').textContent = versions.length ? versions.length + (versions.length === 1 ? ' version' : ' versions')
      + ', newest first' : '';
    if (!versions.length) {
      list.appendChild(el('li', {class: 'empty', text: 'No history yet: the first apply starts it.'}));
      return;
    }
    for (const v of versions) {
      const isCurrent = v.version === state.currentVersion;
      const changes = v.changes || [];
      const shown = changes.slice(0, 4);
      const li = el('li', {'data-version': v.version, class: state.viewing && state.viewing.version === v.version
        ? 'viewing-this' : null}, [
        el('div', {class: 'h-top'}, [
          el('span', {class: 'h-version', text: 'v' + v.version}),
          isCurrent ? GW.pill('UP', 'running') : null,
          el('span', {class: 'tag', text: SOURCE_LABEL[v.source] || v.source || '?'}),
          el('span', {class: 'h-actions'}, [
            el('button', {class: 'btn small', type: 'button', 'data-action': 'view', text: 'View',
              onclick: () => view(v.version)}),
            isCurrent ? null : el('button', {class: 'btn small danger', type: 'button', 'data-action': 'rollback',
              text: 'Rollback', onclick: () => confirmRollback(li, v.version)})])]),
        el('div', {class: 'h-meta', title: fmt.time(v.appliedAt)}, fmt.ago(v.appliedAt) + ' · ' + fmt.time(v.appliedAt)
          + (v.user ? ' · by ' + v.user : '')),
        changes.length ? el('ul', {class: 'h-changes'}, shown.map(c => el('li', {text: c})).concat(
          changes.length > shown.length ? [el('li', {class: 'muted', text: 'and ' + (changes.length - shown.length)
            + ' more'})] : [])) : el('div', {class: 'h-meta', text: v.source === 'startup' ? 'as started'
          : 'no change listed'})]);
      list.appendChild(li);
    }
  }

  function confirmRollback(li, version) {
    const old = li.querySelector('.h-confirm');
    if (old) { old.remove(); return; }
    const box = el('div', {class: 'h-confirm'}, [
      el('span', {text: 'Roll back to v' + version + '? It is applied now as a new version.'
        + (setDirty() ? ' Your unsaved edits are replaced.' : '')}),
      el('button', {class: 'btn small danger solid', type: 'button', 'data-action': 'confirm-rollback',
        text: 'Roll back', onclick: () => rollback(version)}),
      el('button', {class: 'btn small', type: 'button', text: 'Cancel', onclick: () => box.remove()})]);
    li.appendChild(box);
  }

  async function rollback(version) {
    if (state.busy) return;
    setBusy(true);
    try {
      const r = await GW.request('POST', '/api/config/rollback', {version: version});
      if (r.ok) await applied(r, 'Rolled back to v' + version);
      else showFailure(r, 'Rollback');
      renderHistory();
    } catch (e) {
      if (!e.loggedOut) result('bad', 'Rollback failed', [el('div', {text: GW.errorText(e)})]);
    } finally {
      setBusy(false);
    }
  }

  async function view(version) {
    if (state.busy) return;
    let v;
    try {
      v = await GW.getJson('/api/config/history/' + encodeURIComponent(version));
    } catch (e) {
      if (!e.loggedOut) result('bad', 'Cannot load version ' + version, [el('div', {text: GW.errorText(e)})]);
      return;
    }
    const t = ta();
    if (!state.viewing) state.draft = {value: t.value, scroll: t.scrollTop, errors: state.errorLines};
    state.viewing = {version: v.version, yaml: v.yaml || ''};
    t.value = state.viewing.yaml;
    t.readOnly = true;
    t.scrollTop = 0;
    $('editor').classList.add('readonly');
    const meta = state.history.find(h => h.version === v.version);
    $('viewing-text').textContent = 'Viewing v' + v.version + ' (read-only)' + (meta ? ', applied ' + fmt.ago(meta.appliedAt)
      + ' via ' + (SOURCE_LABEL[meta.source] || meta.source) : '');
    $('viewing').hidden = false;
    state.errorLines = new Map();
    renderGutter(true);
    setDirty();
    setBusy(false);
    renderHistory();
  }

  function leaveView(keepText) {
    if (!state.viewing) return;
    const t = ta();
    const text = t.value;
    t.readOnly = false;
    $('editor').classList.remove('readonly');
    $('viewing').hidden = true;
    state.viewing = null;
    if (keepText) {
      t.value = text;
      t.scrollTop = 0;
      state.errorLines = new Map();
    } else if (state.draft) {
      t.value = state.draft.value;
      t.scrollTop = state.draft.scroll;
      state.errorLines = state.draft.errors;
    }
    state.draft = null;
    renderGutter(true);
    setDirty();
    setBusy(false);
    renderHistory();
    t.focus();
  }

  // ---------------------------------------------------------------- wiring
  function wire() {
    const t = ta();
    t.addEventListener('input', () => { renderGutter(false); setDirty(); markCursorLine(); });
    t.addEventListener('scroll', syncScroll);
    ['keyup', 'click', 'select', 'focus'].forEach(ev => t.addEventListener(ev, markCursorLine));
    t.addEventListener('keydown', ev => {
      if (ev.key === 'Tab' && !ev.shiftKey && !ev.ctrlKey && !ev.altKey && !ev.metaKey && !t.readOnly) {
        ev.preventDefault();
        t.setRangeText('  ', t.selectionStart, t.selectionEnd, 'end');
        t.dispatchEvent(new Event('input'));
      } else if ((ev.ctrlKey || ev.metaKey) && (ev.key === 's' || ev.key === 'S')) {
        ev.preventDefault();
        if (!state.viewing) validate();
      }
    });
    $('gutter').addEventListener('click', ev => {
      const d = ev.target.closest('div[data-line]');
      if (d && d.classList.contains('err')) gotoLine(Number(d.dataset.line));
    });
    $('btn-validate').addEventListener('click', validate);
    $('btn-apply').addEventListener('click', apply);
    $('btn-revert').addEventListener('click', revert);
    $('viewing-back').addEventListener('click', () => leaveView(false));
    $('viewing-draft').addEventListener('click', () => leaveView(true));
    window.addEventListener('beforeunload', ev => {
      if (setDirty()) {
        ev.preventDefault();
        ev.returnValue = '';
      }
    });
  }

  GW.start('config', async () => {
    wire();
    await Promise.all([loadCurrent(), loadHistory().catch(e => {
      if (e.loggedOut) throw e;
      clear($('history')).appendChild(el('li', {class: 'empty', text: 'History unavailable: ' + GW.errorText(e)}));
    })]);
  });
})();
