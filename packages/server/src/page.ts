/**
 * The page the server serves at its URL: plain HTML and one script, no build
 * step, nothing fetched from elsewhere (the Content-Security-Policy forbids it).
 * Everything a client shows is set with textContent: no text from the game is
 * ever parsed as HTML. Keyboard: Tab/Shift-Tab and Enter/Space on every control;
 * moves also take the keys 1–9.
 */
export const PAGE_HTML = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>wargame workshop</title>
<style>
  :root { --fg:#111; --bg:#fafaf7; --muted:#555; --accent:#0b4f8a; --ok:#17662b; --warn:#8a3b00; font-size: 18px; }
  body { font-family: system-ui, sans-serif; color: var(--fg); background: var(--bg); margin: 0; line-height: 1.4; }
  header { background: var(--accent); color: #fff; padding: .6rem 1rem; display: flex; gap: 1.5rem; align-items: baseline; flex-wrap: wrap; }
  header h1 { font-size: 1.3rem; margin: 0; }
  main { padding: 1rem; display: grid; gap: 1rem; grid-template-columns: repeat(auto-fit, minmax(22rem, 1fr)); }
  section { background: #fff; border: 1px solid #ccc; border-radius: 6px; padding: .8rem 1rem; }
  h2 { font-size: 1.1rem; margin: 0 0 .5rem; }
  table { border-collapse: collapse; width: 100%; }
  td, th { text-align: left; padding: .15rem .4rem; border-bottom: 1px solid #eee; }
  td.num { text-align: right; font-variant-numeric: tabular-nums; }
  .bar { background: #dde6f0; height: .7rem; border-radius: 3px; overflow: hidden; min-width: 6rem; }
  .bar > span { display: block; height: 100%; background: var(--accent); }
  .belief { font-style: italic; color: var(--muted); }
  button { font: inherit; padding: .4rem .8rem; margin: .2rem .3rem .2rem 0; border: 2px solid var(--accent); background: #fff; color: var(--accent); border-radius: 5px; cursor: pointer; text-align: left; }
  button[aria-pressed="true"] { background: var(--accent); color: #fff; }
  button:focus-visible, input:focus-visible, select:focus-visible { outline: 3px solid #f0a000; outline-offset: 2px; }
  #app:focus { outline: none; }
  .move { display: block; width: 100%; }
  .effects { font-size: .85rem; color: var(--muted); }
  #status { font-weight: bold; }
  #status.bad { color: #fdd; }
  .err { color: #a00; font-weight: bold; }
  .small { font-size: .85rem; color: var(--muted); }
  #login { max-width: 30rem; margin: 3rem auto; }
  input, select { font: inherit; padding: .4rem; }
  body.projector { font-size: 28px; }
  body.projector main { grid-template-columns: 2fr 1fr; }
  body.projector h2 { font-size: 1.2em; }
  body.projector .small { font-size: .8em; }
  body.facilitator #console { order: -1; grid-column: 1 / -1; }
  [hidden] { display: none !important; }
</style>
</head>
<body>
<header><h1 id="title">wargame workshop</h1><span id="who"></span><span id="when"></span><span id="timer" aria-live="off"></span><span id="status" role="status" aria-live="polite">not connected</span></header>
<form id="login">
  <section>
  <h2>Join the session</h2>
  <p><label for="code">Your code (from the facilitator)</label><br><input id="code" name="code" autocomplete="off" spellcheck="false" size="34" required></p>
  <p><button type="submit">Join</button></p>
  <p id="loginError" class="err" role="alert"></p>
  </section>
</form>
<main id="app" tabindex="-1" hidden>
  <section id="briefing" aria-labelledby="hBriefing"><h2 id="hBriefing">Briefing</h2><div id="briefingBody"></div></section>
  <section id="moves" aria-labelledby="hMoves"><h2 id="hMoves">Your moves</h2><div id="movesBody"></div></section>
  <section id="proposals" aria-labelledby="hProposals"><h2 id="hProposals">Messages to answer</h2><div id="proposalsBody"></div></section>
  <section id="world" aria-labelledby="hWorld"><h2 id="hWorld">The world</h2><div id="worldBody"></div></section>
  <section id="news" aria-labelledby="hNews"><h2 id="hNews">News of the last turn</h2><div id="newsBody"></div></section>
  <section id="teams" aria-labelledby="hTeams"><h2 id="hTeams">Teams</h2><div id="teamsBody"></div></section>
  <section id="console" aria-labelledby="hConsole" hidden><h2 id="hConsole">Facilitator</h2><div id="consoleBody"></div></section>
</main>
<p id="lastError" class="err" role="alert" style="padding:0 1rem"></p>
<script src="/app.js"></script>
</body>
</html>
`;

export const PAGE_JS = `'use strict';
(function () {
  var ws = null, code = null, nextId = 1, welcome = null, state = null, retry = 250, retryTimer = null, closedForGood = false;
  var $ = function (id) { return document.getElementById(id); };
  function el(tag, text, cls) { var e = document.createElement(tag); if (text !== undefined && text !== null) e.textContent = String(text); if (cls) e.className = cls; return e; }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); return node; }
  function fmt(n) { return (Math.round(n * 10) / 10).toString(); }
  function effectsText(effects) { return (effects || []).map(function (e) { return e.key + ' ' + (e.op === 'set' ? '= ' : (e.amount >= 0 ? '+' : '')) + fmt(e.amount); }).join(', '); }
  function setStatus(text, bad) { var s = $('status'); s.textContent = text; s.className = bad ? 'bad' : ''; }
  function send(frame) {
    if (!ws || ws.readyState !== 1) { $('lastError').textContent = 'not connected: reconnecting…'; return; }
    if (frame.type !== 'hello') frame.id = nextId++;
    ws.send(JSON.stringify(frame));
  }
  function connect() {
    var proto = location.protocol === 'https:' ? 'wss:' : 'ws:';
    ws = new WebSocket(proto + '//' + location.host + '/ws');
    setStatus('connecting…', true);
    ws.onopen = function () { retry = 250; nextId = 1; send({ type: 'hello', code: code }); };
    ws.onmessage = function (ev) {
      var f; try { f = JSON.parse(ev.data); } catch (e) { return; }
      if (f.type === 'welcome') {
        var first = welcome === null; welcome = f; $('login').hidden = true; $('app').hidden = false; sessionStorage.setItem('wargame-code', code); renderWelcome();
        // The code field is hidden now, but it keeps the focus until the browser next lays the page out, and
        // keys typed into it (1–9 for a move) would be lost: move the focus to the page itself at once.
        if (first && (document.activeElement === $('code') || document.activeElement === document.body)) $('app').focus({ preventScroll: true });
      }
      else if (f.type === 'state') { state = f; render(); }
      else if (f.type === 'ack') { $('lastError').textContent = f.note || ''; if (f.code && f.role) $('lastError').textContent = 'new code for ' + f.role + ': ' + f.code; if (f.save) download(f.save); }
      else if (f.type === 'error') {
        if (f.code && f.code.indexOf('auth/') === 0 && !welcome) { $('loginError').textContent = f.message; closedForGood = true; sessionStorage.removeItem('wargame-code'); ws.close(); return; }
        $('lastError').textContent = f.message;
      }
    };
    ws.onclose = function (ev) {
      if (ev.code === 4001 || ev.code === 4003) { closedForGood = true; setStatus(ev.code === 4001 ? 'opened elsewhere' : 'code revoked', true); return; }
      if (closedForGood) { setStatus('not connected', true); return; }
      setStatus('reconnecting…', true);
      retryTimer = setTimeout(connect, retry); retry = Math.min(retry * 2, 4000);
    };
  }
  // A tab in the background may have its timers slowed by the browser, and a laptop
  // back on the network should not wait out the backoff: try again at once then.
  function reconnectNow() {
    if (!code || closedForGood || (ws && ws.readyState !== 3)) return;
    clearTimeout(retryTimer); retry = 250; connect();
  }
  document.addEventListener('visibilitychange', function () { if (!document.hidden) reconnectNow(); });
  window.addEventListener('online', reconnectNow);
  window.addEventListener('focus', reconnectNow);
  function download(save) {
    var a = el('a'); a.href = 'data:application/json,' + encodeURIComponent(JSON.stringify(save, null, 2)); a.download = 'workshop.save.json'; document.body.appendChild(a); a.click(); a.remove();
  }
  function renderWelcome() {
    $('title').textContent = welcome.scenario.title;
    $('who').textContent = welcome.role === 'team' ? welcome.party.name + ' (' + welcome.party.seat + ')' : welcome.role === 'spectator' ? 'projector' : 'facilitator';
    var projector = welcome.role === 'spectator';
    document.body.classList.toggle('projector', projector);
    document.body.classList.toggle('facilitator', welcome.role === 'facilitator');
    $('moves').hidden = welcome.role !== 'team'; $('proposals').hidden = welcome.role !== 'team';
    $('console').hidden = welcome.role !== 'facilitator';
    $('briefing').hidden = projector;
    var b = clear($('briefingBody'));
    b.appendChild(el('p', welcome.scenario.description));
    if (welcome.party) {
      if (welcome.party.description) b.appendChild(el('p', welcome.party.description));
      b.appendChild(el('p', 'What ' + welcome.party.name + ' wants:'));
      var ul = el('ul'); welcome.party.interests.forEach(function (i) { ul.appendChild(el('li', i.text)); }); b.appendChild(ul);
    }
  }
  function indicatorRows(rows) {
    var t = el('table'); var head = el('tr'); ['indicator', 'value', ''].forEach(function (h) { head.appendChild(el('th', h)); }); t.appendChild(head);
    rows.forEach(function (r) {
      var tr = el('tr'); var meta = (welcome.indicators || []).find(function (i) { return i.id === r.id; }) || { label: r.id, min: 0, max: 100 };
      tr.appendChild(el('td', meta.label + (r.belief ? ' (your belief)' : ''), r.belief ? 'belief' : ''));
      tr.appendChild(el('td', fmt(r.value), 'num'));
      var td = el('td'); var bar = el('div', null, 'bar'); var span = el('span'); span.style.width = Math.max(0, Math.min(100, 100 * (r.value - meta.min) / ((meta.max - meta.min) || 1))) + '%'; bar.appendChild(span); bar.setAttribute('aria-hidden', 'true'); td.appendChild(bar); tr.appendChild(td);
      t.appendChild(tr);
    });
    return t;
  }
  function render() {
    var s = state;
    $('when').textContent = s.date + ' · turn ' + s.turn + ' of ' + welcome.scenario.turns + (s.ended ? ' · game over' : '') + (s.paused ? ' · paused' : '');
    setStatus(s.resolving ? 'waiting for answers' : 'connected', false);
    timerEnds = s.timer ? Date.now() + s.timer.secondsLeft * 1000 : null; tick();
    var w = clear($('worldBody'));
    if (welcome.role === 'team') {
      w.appendChild(indicatorRows(s.view.indicators.map(function (i) { return { id: i.id, value: i.value, belief: i.kind === 'belief' }; })));
      var pl = el('p', null, 'small'); pl.textContent = 'Postures: ' + Object.keys(s.view.postures).map(function (k) { return k + ' ' + (s.view.postures[k] === null ? 'unknown' : s.view.postures[k]); }).join(' · '); w.appendChild(pl);
    } else {
      w.appendChild(indicatorRows(Object.keys(s.indicators).map(function (k) { return { id: k, value: s.indicators[k] }; })));
      var rl = el('p', null, 'small'); rl.textContent = 'Postures: ' + Object.keys(s.postures).map(function (k) { return k + ' ' + (s.postures[k] === null ? 'not public' : s.postures[k]); }).join(' · '); w.appendChild(rl);
    }
    renderNews(s.news);
    var t = clear($('teamsBody')); var ul = el('ul');
    Object.keys(s.ready).forEach(function (k) { ul.appendChild(el('li', k + ': ' + (s.ready[k] ? 'has chosen' : 'choosing…'))); }); t.appendChild(ul);
    if (welcome.role === 'team') { renderMoves(s); renderProposals(s); }
    if (welcome.role === 'facilitator') renderConsole(s);
  }
  var timerEnds = null;
  function tick() {
    var t = $('timer');
    if (timerEnds === null) { t.textContent = ''; return; }
    var left = Math.max(0, Math.round((timerEnds - Date.now()) / 1000));
    t.textContent = left > 0 ? 'time left ' + Math.floor(left / 60) + ':' + String(left % 60).padStart(2, '0') : 'time is up';
  }
  setInterval(tick, 1000);
  function renderNews(news) {
    var n = clear($('newsBody'));
    if (!news) { n.appendChild(el('p', 'No turn played yet.')); return; }
    var ul = el('ul');
    news.events.forEach(function (e) { ul.appendChild(el('li', 'Event: ' + e.label + (e.effects.length ? ' (' + effectsText(e.effects) + ')' : ''))); });
    news.parties.forEach(function (p) { if (p.moveLabel) ul.appendChild(el('li', p.party + ': ' + p.moveLabel + (p.success ? '' : ' (failed)'))); });
    (news.messages || []).forEach(function (m) { ul.appendChild(el('li', m.from + ' → ' + m.to + ': ' + m.label + ' — ' + (m.replyLabel || m.reply || 'no answer'))); });
    n.appendChild(ul);
  }
  function renderMoves(s) {
    var m = clear($('movesBody'));
    if (s.ended) { m.appendChild(el('p', 'The game is over.')); return; }
    if (s.chosen) m.appendChild(el('p', 'Chosen: ' + s.chosen + ' (you may change it until the turn resolves)'));
    s.offers.forEach(function (o, i) {
      var b = el('button', null, 'move'); b.type = 'button'; b.setAttribute('aria-pressed', String(s.chosen === o.move)); b.dataset.move = o.move;
      b.appendChild(el('span', (i < 9 ? (i + 1) + '. ' : '') + o.label));
      var fx = effectsText(o.effects); if (fx || o.chance !== null) b.appendChild(el('div', (o.chance !== null ? Math.round(o.chance * 100) + '% chance · ' : '') + fx, 'effects'));
      b.onclick = function () { send({ type: 'move', node: s.node, move: o.move }); };
      m.appendChild(b);
    });
  }
  function renderProposals(s) {
    var p = clear($('proposalsBody'));
    if (!s.pending.length) { p.appendChild(el('p', 'Nothing to answer.')); return; }
    s.pending.forEach(function (q) {
      var box = el('div'); box.appendChild(el('p', q.from + ' sends a ' + q.kind + ': ' + q.label));
      q.options.forEach(function (o) {
        var b = el('button', o.label + (o.effects.length ? ' (' + effectsText(o.effects) + ')' : '')); b.type = 'button'; b.dataset.reply = o.reply; b.dataset.message = q.message;
        b.setAttribute('aria-pressed', String(s.replies[q.message] === o.reply));
        b.onclick = function () { send({ type: 'reply', node: s.node, message: q.message, reply: o.reply }); };
        box.appendChild(b);
      });
      p.appendChild(box);
    });
  }
  function button(label, frame) { var b = el('button', label); b.type = 'button'; b.onclick = function () { send(frame()); }; return b; }
  function renderConsole(s) {
    // A state frame arrives whenever a team moves: keep what the facilitator is typing, and the focus.
    var kept = {}, focused = document.activeElement && document.activeElement.getAttribute('aria-label');
    Array.prototype.forEach.call($('consoleBody').querySelectorAll('input, select'), function (i) { kept[i.getAttribute('aria-label')] = i.value; });
    renderConsoleControls(s);
    Array.prototype.forEach.call($('consoleBody').querySelectorAll('input, select'), function (i) {
      var k = i.getAttribute('aria-label'); if (k in kept) i.value = kept[k]; if (focused && k === focused) i.focus();
    });
  }
  function renderConsoleControls(s) {
    var c = clear($('consoleBody'));
    c.appendChild(el('p', 'state hash ' + s.hash + ' · node ' + s.node, 'small'));
    c.appendChild(button('Advance the turn', function () { return { type: 'advance', node: s.node }; }));
    c.appendChild(button('Advance; the computer plays late teams', function () { return { type: 'advance', node: s.node, force: true }; }));
    c.appendChild(button(s.paused ? 'Resume' : 'Pause', function () { return { type: 'pause', paused: !s.paused }; }));
    var minutes = el('input'); minutes.type = 'number'; minutes.min = '0'; minutes.max = '60'; minutes.value = '5'; minutes.setAttribute('aria-label', 'minutes for this turn'); minutes.style.width = '4rem';
    c.appendChild(minutes); c.appendChild(button('Start the timer (minutes; 0 stops it)', function () { return { type: 'timer', node: s.node, seconds: Math.round(Number(minutes.value) * 60) }; }));
    var sel = el('select'); sel.setAttribute('aria-label', 'event to inject'); (welcome.events || []).forEach(function (e) { var o = el('option', e.label); o.value = e.id; sel.appendChild(o); });
    c.appendChild(el('br')); c.appendChild(sel); c.appendChild(button('Inject', function () { return { type: 'inject', node: s.node, inject: { event: sel.value } }; }));
    c.appendChild(button('Clear injects', function () { return { type: 'clear-injects', node: s.node }; }));
    var turn = el('input'); turn.type = 'number'; turn.min = '0'; turn.max = String(s.turn); turn.value = String(Math.max(0, s.turn - 1)); turn.setAttribute('aria-label', 'turn to rewind to'); turn.style.width = '5rem';
    c.appendChild(el('br')); c.appendChild(turn); c.appendChild(button('Rewind to turn', function () { return { type: 'rewind', turn: Number(turn.value) }; }));
    c.appendChild(button('Export the save', function () { return { type: 'export' }; }));
    var party = el('select'); party.setAttribute('aria-label', 'party to rule on'); welcome.parties.forEach(function (p) { var o = el('option', p.name); o.value = p.id; party.appendChild(o); });
    var effects = el('input'); effects.setAttribute('aria-label', 'ruling: key=amount, comma-separated'); effects.placeholder = 'border_tension=-5'; effects.size = 24;
    c.appendChild(el('br')); c.appendChild(party); c.appendChild(effects);
    c.appendChild(button('Rule', function () {
      var fx = {}; effects.value.split(',').forEach(function (kv) { var p = kv.split('='); if (p.length === 2) fx[p[0].trim()] = Number(p[1]); });
      return { type: 'adjudicate', node: s.node, party: party.value, effects: fx };
    }));
    var note = el('input'); note.setAttribute('aria-label', 'note on this turn'); note.size = 30; note.maxLength = 4000;
    c.appendChild(el('br')); c.appendChild(note); c.appendChild(button('Annotate', function () { return { type: 'note', node: s.node, text: note.value }; }));
    var tree = el('ul'); tree.setAttribute('aria-label', 'branches');
    s.branches.forEach(function (b) {
      var li = el('li', 'branch to turn ' + b.turns + (b.forkedAt ? ' (forked after turn ' + b.forkedAt + ')' : '') + (b.isHead ? ' · current' : ''));
      if (!b.isHead) li.appendChild(button('Switch', function () { return { type: 'checkout', to: b.leaf }; }));
      tree.appendChild(li);
    });
    c.appendChild(el('p', 'Branches:')); c.appendChild(tree);
    var staged = el('p', 'Staged: ' + JSON.stringify(s.staged), 'small'); c.appendChild(staged);
    if (s.pending.length) c.appendChild(el('p', 'Waiting for: ' + s.pending.map(function (q) { return q.party + ' → ' + q.message; }).join(', ')));
    var codes = el('ul'); Object.keys(s.codes).forEach(function (k) {
      var li = el('li', k + ': ' + s.codes[k] + ' ');
      li.appendChild(button('Revoke and reissue', function () { return { type: 'revoke', role: k }; }));
      codes.appendChild(li);
    }); c.appendChild(el('p', 'Codes:')); c.appendChild(codes);
  }
  document.addEventListener('keydown', function (e) {
    if (!state || !welcome || welcome.role !== 'team' || e.target.tagName === 'INPUT') return;
    var k = Number(e.key); if (k >= 1 && k <= 9 && state.offers[k - 1]) send({ type: 'move', node: state.node, move: state.offers[k - 1].move });
  });
  $('login').addEventListener('submit', function (e) { e.preventDefault(); code = $('code').value.trim(); $('loginError').textContent = ''; closedForGood = false; connect(); });
  var saved = sessionStorage.getItem('wargame-code'); if (saved) { code = saved; connect(); }
})();
`;
