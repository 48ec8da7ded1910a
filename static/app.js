/* openmap map page.
 *
 * Plain script, no build step, no dependency but Leaflet. Every text that
 * comes from OSM or from reports is put in the page with textContent (never
 * innerHTML), and no element gets an inline style attribute: the page runs
 * under a CSP without 'unsafe-inline'. All strings live in
 * /static/i18n/{fr,en}.json, shared with the server-rendered pages.
 */
(function () {
  'use strict';

  var STATUSES = ['open', 'open_adapted', 'partial', 'closed', 'gone', 'unknown'];
  var REPORT_STATUSES = ['open', 'open_adapted', 'partial', 'closed', 'gone'];
  var SERVICES = ['delivery', 'takeaway', 'pickup'];
  var DAYS = ['mo', 'tu', 'we', 'th', 'fr', 'sa', 'su'];
  var DAY_OSM = ['Mo', 'Tu', 'We', 'Th', 'Fr', 'Sa', 'Su'];
  var STATUS_COLOURS = {open: '#1b7a36', open_adapted: '#1f5fa8', partial: '#a65400', closed: '#b3261e', gone: '#333', unknown: '#9aa3ad'};

  var ds = document.body.dataset;
  var state = {
    lang: ds.lang || 'fr',
    msgs: {},
    categories: [],
    selected: {},      // category ids switched on
    openNow: false,
    place: null,       // the place shown in the sheet
    markers: {},       // place id -> Leaflet marker
    seq: 0,            // discards answers to older requests
    mine: {}           // place id -> the status this browser reported
  };

  // ---- small helpers -------------------------------------------------

  function $(id) { return document.getElementById(id); }

  // el builds an element; text is set with textContent, attributes with
  // setAttribute (never "style" or "on…"), children appended in order.
  function el(tag, props) {
    var e = document.createElement(tag);
    var k;
    props = props || {};
    for (k in props) {
      if (!Object.prototype.hasOwnProperty.call(props, k)) { continue; }
      var v = props[k];
      if (v === null || v === undefined || v === false) { continue; }
      if (k === 'text') { e.textContent = v; }
      else if (k === 'on') { for (var ev in v) { e.addEventListener(ev, v[ev]); } }
      else if (k === 'class') { e.className = v; }
      else if (k === 'style' || k.slice(0, 2) === 'on') { throw new Error('el: refused attribute ' + k); }
      else { e.setAttribute(k, v === true ? '' : String(v)); }
    }
    for (var i = 2; i < arguments.length; i++) {
      var c = arguments[i];
      if (c === null || c === undefined || c === false) { continue; }
      if (Array.isArray(c)) { c.forEach(function (x) { if (x) { e.appendChild(x); } }); }
      else { e.appendChild(typeof c === 'string' ? document.createTextNode(c) : c); }
    }
    return e;
  }

  function t(key, args) {
    var s = Object.prototype.hasOwnProperty.call(state.msgs, key) ? state.msgs[key] : key;
    if (args) { for (var k in args) { s = s.split('{' + k + '}').join(String(args[k])); } }
    return s;
  }

  function debounce(f, ms) {
    var timer;
    return function () {
      var self = this, args = arguments;
      clearTimeout(timer);
      timer = setTimeout(function () { f.apply(self, args); }, ms);
    };
  }

  function store(key, value) {
    try {
      if (value === undefined) { return window.localStorage.getItem(key); }
      window.localStorage.setItem(key, value);
    } catch (e) { /* private mode: keep going without storage */ }
    return null;
  }

  // contributor returns this browser's random, anonymous contributor key.
  var memoryKey = null;
  function contributor() {
    var k = store('openmap.contributor') || memoryKey;
    if (k && /^[A-Za-z0-9_-]{22,64}$/.test(k)) { return k; }
    var b = new Uint8Array(24);
    window.crypto.getRandomValues(b);
    k = btoa(String.fromCharCode.apply(null, b)).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    memoryKey = k;
    store('openmap.contributor', k);
    return k;
  }

  // api fetches JSON from the server. It rejects with {status, problem,
  // retryAfter}; status 0 means the server could not be reached.
  function api(path, opts) {
    opts = opts || {};
    var headers = {'Accept': 'application/json'};
    if (opts.body) { headers['Content-Type'] = 'application/json'; headers['X-Openmap-Contributor'] = contributor(); }
    if (opts.prefer) { headers['Prefer'] = opts.prefer; }
    return fetch(path, {method: opts.method || 'GET', headers: headers, body: opts.body ? JSON.stringify(opts.body) : undefined, credentials: 'same-origin'})
      .catch(function () { throw {status: 0}; })
      .then(function (r) {
        return r.text().then(function (txt) {
          var data = null;
          try { data = txt ? JSON.parse(txt) : null; } catch (e) { data = null; }
          if (!r.ok) { throw {status: r.status, problem: data || {}, retryAfter: r.headers.get('Retry-After')}; }
          return data;
        });
      });
  }

  // problemText turns an API error into plain words.
  function problemText(err) {
    var p = err.problem || {};
    var detail = (state.lang === 'fr' && p.detail_fr) || p.detail || p.title || '';
    switch (err.status) {
      case 0: return t('error.network');
      case 400: return t('error.bad_request', {detail: detail});
      case 403: return t('error.blocked');
      case 404: return t('error.not_found');
      case 409: return t('error.locked');
      case 413: return t('error.too_large');
      case 422: return t('error.hours', {detail: detail});
      case 429: return t('error.rate', {minutes: Math.max(1, Math.ceil((parseInt(err.retryAfter, 10) || 60) / 60))});
    }
    return t('error.server');
  }

  function fmtDate(iso, withDay) {
    if (!iso) { return ''; }
    var d = new Date(iso);
    if (isNaN(d)) { return iso; }
    var o = withDay ? {weekday: 'long', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'} : {day: 'numeric', month: 'long', year: 'numeric', hour: '2-digit', minute: '2-digit', hourCycle: 'h23'};
    try { return new Intl.DateTimeFormat(state.lang, o).format(d); } catch (e) { return d.toLocaleString(); }
  }

  function statusOf(s) { return STATUSES.indexOf(s) >= 0 ? s : 'unknown'; }

  var msgTimer;
  function showMsg(text, ms) {
    var m = $('msg');
    clearTimeout(msgTimer);
    if (!text) { m.hidden = true; return; }
    m.textContent = text;
    m.hidden = false;
    if (ms) { msgTimer = setTimeout(function () { m.hidden = true; }, ms); }
  }

  // ---- language ------------------------------------------------------

  function pickLang() {
    var q = /[?&]lang=(fr|en)\b/.exec(location.search);
    if (q) { return q[1]; }
    var saved = store('openmap.lang');
    if (saved === 'fr' || saved === 'en') { return saved; }
    var langs = navigator.languages || [navigator.language || ''];
    for (var i = 0; i < langs.length; i++) {
      var base = String(langs[i]).toLowerCase().split('-')[0];
      if (base === 'fr' || base === 'en') { return base; }
    }
    return state.lang;
  }

  function loadLang(lang) {
    return api(ds['i18n' + lang.charAt(0).toUpperCase() + lang.slice(1)] || '/static/i18n/' + lang + '.json').then(function (msgs) {
      state.lang = lang;
      state.msgs = msgs;
      document.documentElement.lang = lang;
      document.title = t('app.title');
      relabel();
    });
  }

  // relabel applies the catalogue to the elements the server rendered.
  function relabel() {
    var nodes = document.querySelectorAll('[data-i18n]');
    for (var i = 0; i < nodes.length; i++) { nodes[i].textContent = t(nodes[i].getAttribute('data-i18n')); }
    ['placeholder', 'aria-label'].forEach(function (attr) {
      var ns = document.querySelectorAll('[data-i18n-' + attr + ']');
      for (var j = 0; j < ns.length; j++) { ns[j].setAttribute(attr, t(ns[j].getAttribute('data-i18n-' + attr))); }
    });
    var other = state.lang === 'fr' ? 'en' : 'fr';
    var sw = $('lang');
    sw.setAttribute('lang', other);
    sw.setAttribute('hreflang', other);
    sw.setAttribute('href', '?lang=' + other + location.hash);
  }

  function switchLang(lang) {
    store('openmap.lang', lang);
    return loadLang(lang).then(function () {
      renderChips();
      loadCategories();
      loadPlaces();
      if (state.place) { openPlace(state.place.id); }
    });
  }

  // ---- the map -------------------------------------------------------

  var map, layer, meMarker;

  function escapeHTML(s) {
    var d = document.createElement('div');
    d.textContent = s;
    return d.innerHTML;
  }

  function parseHash() {
    var m = /^#(\d{1,2})\/(-?\d+(?:\.\d+)?)\/(-?\d+(?:\.\d+)?)/.exec(location.hash);
    if (!m) { return null; }
    var z = +m[1], lat = +m[2], lon = +m[3];
    if (lat < -90 || lat > 90 || lon < -180 || lon > 180) { return null; }
    return {zoom: z, lat: lat, lon: lon};
  }

  function writeHash() {
    var c = map.getCenter(), z = map.getZoom();
    var prec = Math.max(0, Math.ceil(Math.log(z) / Math.LN2));
    var h = '#' + z + '/' + c.lat.toFixed(prec) + '/' + c.lng.toFixed(prec);
    if (h !== location.hash) { history.replaceState(null, '', location.pathname + location.search + h); }
    $('lang').setAttribute('href', '?lang=' + (state.lang === 'fr' ? 'en' : 'fr') + h);
  }

  function initMap() {
    var view = parseHash() || {zoom: +ds.zoom || 15, lat: +ds.lat || 43.7384, lon: +ds.lon || 7.4246};
    var maxZoom = +ds.maxZoom || 19;
    map = L.map('map', {maxZoom: maxZoom, zoomControl: true}).setView([view.lat, view.lon], view.zoom);
    map.attributionControl.setPrefix('<a href="https://leafletjs.com">Leaflet</a>');
    var tileAttr = ds.attribution || '';
    if (ds.tiles) {
      L.tileLayer(ds.tiles, {maxZoom: maxZoom, attribution: escapeHTML(tileAttr)}).addTo(map);
    }
    if (!/OpenStreetMap/.test(tileAttr) || !ds.tiles) {
      // The places themselves are OSM data: credit them even without tiles.
      map.attributionControl.addAttribution('<a href="https://www.openstreetmap.org/copyright">' + escapeHTML(t('attribution')) + '</a>');
    }
    layer = L.layerGroup().addTo(map);
    map.on('moveend', function () { writeHash(); loadPlaces(); });
    // A tap on the map itself (not on a place) puts the sheet away.
    map.on('click', function () { if (!sheet().hidden) { closeSheet(); } });
    window.addEventListener('hashchange', function () {
      var v = parseHash();
      if (v) { map.setView([v.lat, v.lon], v.zoom); }
    });
  }

  function pin(status) {
    return el('span', {class: 'pin s-' + statusOf(status), 'aria-hidden': 'true'});
  }

  function placeIcon(status, selected) {
    return L.divIcon({className: 'place-icon' + (selected ? ' sel' : ''), html: pin(status), iconSize: [22, 22], iconAnchor: [11, 11]});
  }

  function labelFor(props) {
    return (props.name || props.subcategory_label || t('sheet.unnamed')) + ' — ' + t('status.' + statusOf(props.status));
  }

  function addPlace(f) {
    var p = f.properties, c = f.geometry.coordinates;
    var selected = state.place && state.place.id === p.id;
    var m = L.marker([c[1], c[0]], {icon: placeIcon(p.status, selected), title: labelFor(p), keyboard: true, riseOnHover: true});
    m.placeProps = p;
    m.on('click', function () { openPlace(p.id); });
    m.on('add', function () { tagMarker(m); });
    m.addTo(layer);
    state.markers[p.id] = m;
  }

  function tagMarker(m) {
    var e = m.getElement(), p = m.placeProps;
    if (!e) { return; }
    e.setAttribute('role', 'button');
    e.setAttribute('aria-label', labelFor(p));
    if (!e.omKeys) {
      // Leaflet's own Enter only opens popups: a marker is a button here.
      e.omKeys = true;
      e.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); openPlace(m.placeProps.id); }
      });
    }
    e.setAttribute('data-id', p.id);
    e.setAttribute('data-status', statusOf(p.status));
    e.setAttribute('data-category', p.category || '');
    e.setAttribute('data-open-now', String(p.open_now));
  }

  function addCluster(f) {
    var p = f.properties, c = f.geometry.coordinates;
    var n = p.count || 0;
    var size = Math.round(30 + Math.min(24, Math.log(n + 1) * 4));
    // The ring shows the share of each status; it is set through the
    // CSSOM, which the CSP allows, not through a style attribute.
    var by = p.by_status || {}, stops = [], at = 0;
    STATUSES.forEach(function (s) {
      if (!by[s]) { return; }
      var to = at + by[s] / Math.max(1, n) * 360;
      stops.push(STATUS_COLOURS[s] + ' ' + at.toFixed(1) + 'deg ' + to.toFixed(1) + 'deg');
      at = to;
    });
    var ring = el('div', {class: 'cluster'}, el('span', {text: String(n)}));
    ring.style.background = stops.length ? 'conic-gradient(' + stops.join(',') + ')' : '#12355b';
    var m = L.marker([c[1], c[0]], {icon: L.divIcon({className: 'cluster-icon', html: ring, iconSize: [size, size]}), keyboard: true, title: t('cluster.label', {count: n})});
    m.on('click', function () { map.setView([c[1], c[0]], Math.min(map.getMaxZoom(), map.getZoom() + 2)); });
    m.on('add', function () {
      var e = m.getElement();
      e.addEventListener('keydown', function (ev) {
        if (ev.key === 'Enter' || ev.key === ' ') { ev.preventDefault(); m.fire('click'); }
      });
      e.setAttribute('role', 'button');
      e.setAttribute('aria-label', t('cluster.label', {count: n}));
      e.setAttribute('data-cluster', String(n));
    });
    m.addTo(layer);
  }

  var loadPlaces = debounce(function () {
    var b = map.getBounds(), box = [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()];
    if (map.getZoom() >= 10) {
      // Out to a grid of quarter tiles: neighbours looking at the same
      // streets, and a map panned back, ask for the same box, which the
      // server answers from its cache.
      var cell = 90 / Math.pow(2, map.getZoom());
      box = [Math.max(-180, Math.floor(box[0] / cell) * cell), Math.max(-90, Math.floor(box[1] / cell) * cell),
        Math.min(180, Math.ceil(box[2] / cell) * cell), Math.min(90, Math.ceil(box[3] / cell) * cell)];
    }
    var q = ['bbox=' + box.map(function (x) { return x.toFixed(5); }).join(','),
      'zoom=' + map.getZoom(), 'lang=' + state.lang];
    var cats = Object.keys(state.selected).filter(function (k) { return state.selected[k]; });
    if (cats.length) { q.push('category=' + cats.map(encodeURIComponent).join(',')); }
    if (state.openNow) { q.push('open_now=1'); }
    var seq = ++state.seq;
    api('/api/v1/places?' + q.join('&')).then(function (fc) {
      if (seq !== state.seq) { return; }
      layer.clearLayers();
      state.markers = {};
      var feats = (fc && fc.features) || [];
      feats.forEach(function (f) {
        if (!f.geometry || !f.properties) { return; }
        if (f.properties.cluster) { addCluster(f); } else { addPlace(f); }
      });
      document.body.setAttribute('data-places', String(feats.length));
      showMsg(feats.length ? (fc.clustered ? t('app.too_many') : '') : t('app.none'), 3000);
    }, function (err) {
      if (seq !== state.seq) { return; }
      showMsg(err.status === 0 ? t('app.load_error') : problemText(err));
    });
  }, 150);

  function markSelected(id) {
    Object.keys(state.markers).forEach(function (k) {
      var m = state.markers[k], sel = k === id;
      var e = m.getElement();
      if (e && e.classList.contains('sel') !== sel) {
        m.setIcon(placeIcon(m.placeProps.status, sel));
        tagMarker(m);
      }
    });
  }

  function setMarkerStatus(id, status) {
    var m = state.markers[id];
    if (!m) { return; }
    m.placeProps.status = status;
    m.setIcon(placeIcon(status, state.place && state.place.id === id));
    m.options.title = labelFor(m.placeProps);
    tagMarker(m);
    var e = m.getElement();
    if (e) { e.setAttribute('title', labelFor(m.placeProps)); }
  }

  // ---- filters -------------------------------------------------------

  function loadCategories() {
    return api('/api/v1/categories?lang=' + state.lang).then(function (data) {
      state.categories = (data && data.categories) || [];
      renderChips();
    }, function () { /* the map works without chips */ });
  }

  function catLabel(c) {
    if (!c.label) { return c.id; }
    return typeof c.label === 'string' ? c.label : (c.label[state.lang] || c.label.en || c.id);
  }

  function renderChips() {
    var box = $('chips');
    box.textContent = '';
    state.categories.forEach(function (c) {
      box.appendChild(el('button', {
        type: 'button', class: 'chip', 'aria-pressed': state.selected[c.id] ? 'true' : 'false', 'data-category': c.id, text: catLabel(c),
        on: {click: function (ev) {
          state.selected[c.id] = !state.selected[c.id];
          ev.currentTarget.setAttribute('aria-pressed', state.selected[c.id] ? 'true' : 'false');
          loadPlaces();
        }}
      }));
    });
  }

  // ---- search --------------------------------------------------------

  var searchSeq = 0;
  var lastResults = [];

  function hideResults() { $('results').hidden = true; }

  var runSearch = debounce(function () {
    var q = $('q').value.trim();
    if (q.length < 2) { hideResults(); return; }
    var c = map.getCenter();
    var seq = ++searchSeq;
    api('/api/v1/search?q=' + encodeURIComponent(q) + '&near=' + c.lat.toFixed(5) + ',' + c.lng.toFixed(5) + '&limit=8&lang=' + state.lang)
      .then(function (data) {
        if (seq !== searchSeq) { return; }
        renderResults((data && data.results) || []);
      }, function (err) {
        if (seq !== searchSeq) { return; }
        renderResults([], problemText(err));
      });
  }, 250);

  function renderResults(results, error) {
    var box = $('results');
    lastResults = results;
    box.textContent = '';
    if (!results.length) {
      box.appendChild(el('p', {role: 'status', text: error || t('search.none')}));
    } else {
      var ul = el('ul', {'aria-label': t('search.results'), class: 'vlist'});
      results.forEach(function (r) {
        var sub = [r.subcategory_label || r.category_label, r.address, t('status.' + statusOf(r.status))].filter(Boolean).join(' · ');
        ul.appendChild(el('li', null, el('button', {type: 'button', 'data-id': r.id, on: {click: function () { goTo(r); }, keydown: resultKey}},
          pin(r.status), ' ', el('span', {text: r.name || r.subcategory_label || t('sheet.unnamed')}), el('small', {text: sub}))));
      });
      box.appendChild(ul);
    }
    box.hidden = false;
  }

  function resultKey(ev) {
    var li = ev.currentTarget.parentNode;
    if (ev.key === 'ArrowDown' && li.nextSibling) { li.nextSibling.firstChild.focus(); ev.preventDefault(); }
    else if (ev.key === 'ArrowUp') { (li.previousSibling ? li.previousSibling.firstChild : $('q')).focus(); ev.preventDefault(); }
    else if (ev.key === 'Escape') { hideResults(); $('q').focus(); }
  }

  function goTo(r) {
    hideResults();
    map.setView([r.lat, r.lon], Math.max(17, map.getZoom()));
    openPlace(r.id);
  }

  function initSearch() {
    var q = $('q');
    q.addEventListener('input', runSearch);
    q.addEventListener('keydown', function (ev) {
      if (ev.key === 'Escape') { hideResults(); }
      if (ev.key === 'ArrowDown') {
        var first = $('results').querySelector('button');
        if (first) { first.focus(); ev.preventDefault(); }
      }
    });
    $('search').addEventListener('submit', function (ev) {
      ev.preventDefault();
      if (lastResults.length && !$('results').hidden) { goTo(lastResults[0]); } else { runSearch(); }
    });
    document.addEventListener('click', function (ev) {
      if (!$('search').contains(ev.target)) { hideResults(); }
    });
  }

  // ---- near me -------------------------------------------------------

  function nearMe() {
    if (!navigator.geolocation) { showMsg(t('near_me.unsupported'), 5000); return; }
    showMsg(t('near_me.busy'));
    navigator.geolocation.getCurrentPosition(function (pos) {
      showMsg('');
      var ll = [pos.coords.latitude, pos.coords.longitude];
      if (meMarker) { meMarker.remove(); }
      meMarker = L.marker(ll, {icon: L.divIcon({className: 'me-icon', html: el('div', {class: 'me'}), iconSize: [22, 22]}), title: t('near_me.here'), keyboard: false, zIndexOffset: 1000}).addTo(map);
      map.setView(ll, Math.max(17, map.getZoom()));
    }, function () { showMsg(t('near_me.denied'), 8000); }, {enableHighAccuracy: false, timeout: 15000, maximumAge: 60000});
  }

  // ---- the place sheet -------------------------------------------------

  function sheet() { return $('sheet'); }

  function closeSheet() {
    var id = state.place && state.place.id;
    state.place = null;
    sheet().hidden = true;
    sheet().textContent = '';
    markSelected(null);
    var m = id && state.markers[id];
    if (m && m.getElement()) { m.getElement().focus(); } else { $('map').focus(); }
  }

  function sheetFrame(title) {
    var s = sheet();
    s.textContent = '';
    s.appendChild(el('button', {type: 'button', class: 'close', 'aria-label': t('sheet.close'), title: t('sheet.close'), text: '×', on: {click: closeSheet}}));
    s.appendChild(el('h2', {id: 'sheet-title', text: title}));
    s.hidden = false;
    return s;
  }

  function openPlace(id) {
    state.place = state.place && state.place.id === id ? state.place : {id: id};
    markSelected(id);
    if (!state.place.name) { sheetFrame(t('sheet.loading')); }
    sheet().focus();
    return api('/api/v1/places/' + id + '?lang=' + state.lang).then(function (p) {
      if (!state.place || state.place.id !== id) { return; }
      renderSheet(p);
    }, function (err) {
      if (!state.place || state.place.id !== id) { return; }
      var s = sheetFrame(t('sheet.error'));
      s.appendChild(el('p', {class: 'flash err', role: 'alert', text: problemText(err)}));
    });
  }

  function hoursNow(p) {
    var h = p.reported_hours || p.hours;
    if (!h || h.open_now === null || h.open_now === undefined) {
      // No hours to tell; a place reported closed is closed now all the same.
      var st = p.status && p.status.status;
      if (st === 'closed' || st === 'gone') { return el('p', {class: 'now-closed', 'data-open-now': 'false', text: t('sheet.closed_now')}); }
      return el('p', {class: 'note', text: t('sheet.open_unknown')});
    }
    var next = h.next_change ? ', ' + t(h.open_now ? 'sheet.next_change' : 'sheet.next_open', {when: fmtDate(h.next_change, true)}) : '';
    return el('p', {class: h.open_now ? 'now-open' : 'now-closed', 'data-open-now': String(h.open_now), text: t(h.open_now ? 'sheet.open_now' : 'sheet.closed_now') + next});
  }

  function weekTable(p) {
    var usual = (p.hours && p.hours.week) || [];
    var rep = (p.reported_hours && p.reported_hours.week) || [];
    if (!usual.length && !rep.length) {
      var raw = p.hours && p.hours.raw;
      return el('p', {class: 'note', text: raw && p.hours.valid === false ? t('sheet.hours_invalid', {raw: raw}) : t('sheet.hours_none')});
    }
    var rows = usual.length ? usual : rep;
    var today = new Date();
    var todayISO = today.getFullYear() + '-' + String(today.getMonth() + 1).padStart(2, '0') + '-' + String(today.getDate()).padStart(2, '0');
    var head = el('tr', null, el('th', {scope: 'col'}, el('span', {class: 'vh', text: t('page.today')})));
    if (usual.length) { head.appendChild(el('th', {scope: 'col', title: t('sheet.hours_usual'), text: t('sheet.col_usual')})); }
    if (rep.length) { head.appendChild(el('th', {scope: 'col', title: t('sheet.hours_reported'), text: t('sheet.col_reported')})); }
    var body = el('tbody');
    rows.forEach(function (d, i) {
      var tr = el('tr', {class: d.date === todayISO ? 'today' : null}, el('th', {scope: 'row', text: d.day}));
      if (usual.length) { tr.appendChild(el('td', {text: (usual[i] && usual[i].text) || ''})); }
      if (rep.length) { tr.appendChild(el('td', {text: (rep[i] && rep[i].text) || ''})); }
      body.appendChild(tr);
    });
    var notes = [];
    [p.hours, p.reported_hours].forEach(function (h) {
      if (h && h.notes) { h.notes.forEach(function (n) { notes.push(el('p', {class: 'note', text: n})); }); }
    });
    return el('div', null, el('table', {class: 'week'}, el('thead', null, head), body), notes);
  }

  function serviceText(v) { return v === true ? t('service.yes') : v === false ? t('service.no') : '—'; }

  function renderSheet(p, flash) {
    state.place = p;
    var st = p.status || {};
    var status = statusOf(st.status);
    var s = sheetFrame(p.name || (p.subcategory && p.subcategory.label) || t('sheet.unnamed'));
    s.setAttribute('data-id', p.id);
    s.setAttribute('data-status', status);
    var cat = [p.category && p.category.label, p.subcategory && p.subcategory.label].filter(Boolean).join(' · ');
    s.appendChild(el('p', {class: 'sub', text: cat}));
    if (p.address && p.address.text) { s.appendChild(el('p', {class: 'addr', text: p.address.text})); }
    s.appendChild(el('p', {class: 'st', id: 'sheet-status'}, pin(status), el('strong', {text: st.label || t('status.' + status)})));
    s.appendChild(el('p', {class: 'note', text: t('confidence.' + (st.confidence || 'unknown'))}));
    s.appendChild(el('p', {class: 'note', text: st.last_confirmed ? t('sheet.last_confirmed', {when: fmtDate(st.last_confirmed)}) : t('sheet.never_confirmed')}));
    s.appendChild(hoursNow(p));
    var live = el('div', {id: 'sheet-flash', role: 'status', 'aria-live': 'polite'});
    s.appendChild(live);
    if (flash) { live.appendChild(flash); }
    if (state.mine[p.id]) {
      s.appendChild(el('p', {class: 'note', text: t('label.pair', {label: t('report.yours'), value: t('report.status.' + state.mine[p.id])})}));
    }
    if (st.locked) {
      s.appendChild(el('p', {class: 'flash err', text: t('sheet.locked')}));
    } else {
      s.appendChild(el('h3', {text: t('report.title')}));
      var quick = el('div', {class: 'quick', id: 'report-area'},
        el('button', {type: 'button', class: 'q-open', 'data-report': 'open', text: t('report.open'), on: {click: function () { quickReport(p, 'open'); }}}),
        el('button', {type: 'button', class: 'q-closed', 'data-report': 'closed', text: t('report.closed'), on: {click: function () { quickReport(p, 'closed'); }}}),
        el('button', {type: 'button', class: 'q-more', 'data-report': 'more', 'aria-expanded': 'false', text: t('report.more'), on: {click: function () { openForm(p); }}}));
      s.appendChild(quick);
    }
    s.appendChild(el('h3', {text: t('sheet.hours')}));
    s.appendChild(weekTable(p));
    var sv = p.services || {};
    if (SERVICES.some(function (k) { return sv[k] === true || sv[k] === false; })) {
      s.appendChild(el('h3', {text: t('sheet.services')}));
      s.appendChild(el('ul', null, SERVICES.map(function (k) { return el('li', {text: t('label.pair', {label: t('service.' + k), value: serviceText(sv[k])})}); })));
    }
    var links = el('p', {class: 'links'});
    if (p.poster_url) { links.appendChild(el('a', {href: '/signs?place=' + p.id, text: t('sheet.poster')})); }
    if (p.osm_url) { links.appendChild(el('a', {href: p.osm_url, rel: 'noopener', text: t('sheet.osm')})); }
    links.appendChild(el('a', {href: '/place/' + p.id + '?lang=' + state.lang, text: t('sheet.page')}));
    s.appendChild(links);
    var reports = (p.reports || []).slice(0, 5);
    if (reports.length) {
      s.appendChild(el('h3', {text: t('sheet.recent')}));
      s.appendChild(el('ul', {class: 'reports'}, reports.map(function (r) {
        return el('li', null, el('strong', {text: t('status.' + statusOf(r.status))}), ' — ' + fmtDate(r.created_at),
          r.opening_hours ? el('div', {class: 'note', text: r.opening_hours}) : null,
          r.remark ? el('div', {class: 'note', text: '« ' + r.remark + ' »'}) : null);
      })));
    }
    setMarkerStatus(p.id, status);
    revealMarker(p.id);
  }

  // revealMarker pans the map so the place is not hidden under the sheet.
  function revealMarker(id) {
    var m = state.markers[id];
    var s = sheet();
    if (!m || s.hidden) { return; }
    var size = map.getSize(), pt = map.latLngToContainerPoint(m.getLatLng());
    var dx = 0, dy = 0;
    if (s.offsetWidth < size.x * 0.9) {
      var free = size.x - s.offsetWidth;
      if (pt.x > free - 30) { dx = pt.x - free / 2; }
    } else {
      var freeY = size.y - s.offsetHeight;
      if (pt.y > freeY - 30) { dy = pt.y - Math.max(40, freeY / 2); }
    }
    if (dx || dy) { map.panBy([dx, dy], {animate: false}); }
  }

  // ---- reporting -----------------------------------------------------

  function send(p, body, button) {
    if (button) { button.disabled = true; button.setAttribute('aria-busy', 'true'); }
    var live = $('sheet-flash');
    if (live) { live.textContent = ''; live.appendChild(el('p', {class: 'note', text: t('report.sending')})); }
    // The answer is the place document, to show it again at once.
    return api('/api/v1/places/' + p.id + '/reports', {method: 'POST', body: body, prefer: 'return=representation'}).then(function (np) {
      state.mine[p.id] = body.status;
      var st = statusOf(np && np.status && np.status.status);
      renderSheet(np, el('p', {class: 'flash ok', text: t('report.thanks', {status: (np.status && np.status.label) || t('status.' + st)})}));
      loadPlaces();
      return np;
    }, function (err) {
      if (button) { button.disabled = false; button.removeAttribute('aria-busy'); }
      var live2 = $('sheet-flash');
      if (live2) { live2.textContent = ''; live2.appendChild(el('p', {class: 'flash err', role: 'alert', text: problemText(err)})); }
      throw err;
    });
  }

  function quickReport(p, status) {
    send(p, {status: status}, sheet().querySelector('[data-report="' + status + '"]')).catch(function () {});
  }

  // Day grid -> opening_hours: days with the same hours are joined into ranges.
  function gridValue(rows) {
    var specs = rows.map(function (r) {
      if (r.closed.checked) { return 'off'; }
      var parts = [];
      [[r.from1, r.to1], [r.from2, r.to2]].forEach(function (x) {
        if (x[0].value && x[1].value) { parts.push(x[0].value + '-' + x[1].value); }
      });
      return parts.join(',');
    });
    if (specs.every(function (s) { return s === ''; })) { return ''; }
    var out = [], i = 0;
    while (i < 7) {
      var j = i;
      while (j + 1 < 7 && specs[j + 1] === specs[i]) { j++; }
      if (specs[i] !== '') {
        out.push((j === i ? DAY_OSM[i] : (j === i + 1 ? DAY_OSM[i] + ',' + DAY_OSM[j] : DAY_OSM[i] + '-' + DAY_OSM[j])) + ' ' + specs[i]);
      }
      i = j + 1;
    }
    if (out.length === 1 && /^Mo-Su /.test(out[0])) { out[0] = out[0].slice(6); }
    return out.join('; ');
  }

  // fillGrid puts a week (as the API prints it) into the day grid.
  function fillGrid(rows, week) {
    rows.forEach(function (r) { r.closed.checked = false; r.from1.value = r.to1.value = r.from2.value = r.to2.value = ''; });
    (week || []).forEach(function (d) {
      var date = new Date(d.date + 'T12:00:00');
      if (isNaN(date)) { return; }
      var r = rows[(date.getDay() + 6) % 7];
      var re = /(\d{1,2}:\d{2})\s*[-–]\s*(\d{1,2}:\d{2})/g, m, n = 0;
      while ((m = re.exec(d.text || '')) && n < 2) {
        var from = m[1].padStart(5, '0'), to = m[2].padStart(5, '0');
        if (to === '24:00') { to = '23:59'; }
        if (n === 0) { r.from1.value = from; r.to1.value = to; } else { r.from2.value = from; r.to2.value = to; }
        n++;
      }
      r.closed.checked = n === 0;
      r.tr.classList.toggle('off', n === 0);
    });
  }

  function segmented(name, label, value) {
    var opts = [['yes', true], ['no', false], ['', null]];
    var seg = el('span', {class: 'seg', role: 'radiogroup', 'aria-label': label});
    opts.forEach(function (o) {
      var id = 'svc-' + name + '-' + (o[0] || 'unknown');
      seg.appendChild(el('label', {for: id},
        el('input', {type: 'radio', id: id, name: 'svc-' + name, value: o[0], checked: value === o[1]}),
        el('span', {text: t('service.' + (o[0] || 'unknown'))})));
    });
    return el('div', {class: 'svc-row'}, el('span', {text: label}), seg);
  }

  function openForm(p) {
    var area = $('report-area');
    var form = el('form', {class: 'form', id: 'report-form', novalidate: true});
    form.appendChild(el('h3', {text: t('report.form_title')}));
    var fs = el('fieldset', null, el('legend', {text: t('report.status')}));
    REPORT_STATUSES.forEach(function (s) {
      fs.appendChild(el('label', {class: 'choice'}, el('input', {type: 'radio', name: 'status', value: s, checked: s === 'open_adapted'}), t('report.status.' + s)));
    });
    form.appendChild(fs);

    var hfs = el('fieldset', null, el('legend', {text: t('report.hours')}));
    var rows = [];
    var tbody = el('div', {class: 'days', role: 'group', 'aria-label': t('report.hours')});
    DAYS.forEach(function (d, i) {
      var r = {};
      var dayName = t('day.' + d);
      r.closed = el('input', {type: 'checkbox', id: 'day-' + d + '-closed'});
      r.from1 = el('input', {type: 'time', 'aria-label': dayName + ' ' + t('report.from')});
      r.to1 = el('input', {type: 'time', 'aria-label': dayName + ' ' + t('report.to')});
      r.from2 = el('input', {type: 'time', 'aria-label': dayName + ' ' + t('report.and') + ' ' + t('report.from')});
      r.to2 = el('input', {type: 'time', 'aria-label': dayName + ' ' + t('report.and') + ' ' + t('report.to')});
      r.tr = el('div', {class: 'day', 'data-day': DAY_OSM[i]},
        el('span', {class: 'dname', text: dayName}),
        el('label', {class: 'dclosed', for: 'day-' + d + '-closed'}, r.closed, ' ' + t('report.day_closed')),
        el('span', {class: 'range'}, r.from1, '–', r.to1),
        el('span', {class: 'range'}, r.from2, '–', r.to2));
      rows.push(r);
      tbody.appendChild(r.tr);
    });
    var raw = el('input', {type: 'text', class: 'raw', id: 'report-raw', name: 'opening_hours', autocomplete: 'off', spellcheck: 'false', maxlength: 255, 'aria-describedby': 'report-raw-help report-check'});
    var check = el('div', {class: 'check', id: 'report-check', role: 'status', 'aria-live': 'polite'});
    var lastCheck = {value: '', valid: true};
    var checkSeq = 0;
    var checkNow = function () {
      var v = raw.value.trim();
      check.textContent = '';
      check.className = 'check';
      if (!v) { lastCheck = {value: '', valid: true}; return Promise.resolve(lastCheck); }
      check.textContent = t('report.checking');
      var seq = ++checkSeq;
      return api('/api/v1/hours/check?value=' + encodeURIComponent(v) + '&lang=' + state.lang).then(function (r) {
        if (seq !== checkSeq) { return lastCheck; }
        lastCheck = {value: v, valid: !!r.valid, result: r};
        showCheck(r);
        return lastCheck;
      }, function (err) {
        if (seq !== checkSeq) { return lastCheck; }
        check.className = 'check bad';
        check.textContent = problemText(err);
        lastCheck = {value: v, valid: err.status !== 422 && err.status !== 400, result: null};
        return lastCheck;
      });
    };
    var showCheck = function (r) {
      check.textContent = '';
      if (r.valid) {
        check.className = 'check good';
        check.appendChild(el('span', {text: '✓ ' + t('report.valid')}));
        (r.warnings || []).forEach(function (w) { check.appendChild(el('div', {class: 'note', text: w})); });
      } else {
        check.className = 'check bad';
        check.appendChild(el('span', {text: '✕ ' + t('report.invalid', {error: r.error || ''})}));
      }
      if (r.suggestion && r.suggestion !== raw.value.trim()) {
        check.appendChild(el('div', null, t('report.suggestion', {value: r.suggestion}) + ' ',
          el('button', {type: 'button', 'data-action': 'use-suggestion', text: t('report.use_suggestion'), on: {click: function () { raw.value = r.suggestion; checkNow(); raw.focus(); }}})));
      }
    };
    var debouncedCheck = debounce(checkNow, 300);
    raw.addEventListener('input', debouncedCheck);
    tbody.addEventListener('input', function () {
      rows.forEach(function (r) { r.tr.classList.toggle('off', r.closed.checked); });
      raw.value = gridValue(rows);
      debouncedCheck();
    });
    var usual = el('button', {type: 'button', 'data-action': 'as-usual', title: t('report.as_usual_help'), text: t('report.as_usual'), on: {click: function () {
      fillGrid(rows, p.hours && p.hours.week);
      raw.value = (p.hours && (p.hours.normalized || p.hours.raw)) || gridValue(rows);
      checkNow();
    }}});
    hfs.appendChild(el('div', {class: 'row'}, usual));
    hfs.appendChild(tbody);
    hfs.appendChild(el('label', {for: 'report-raw', text: t('report.raw')}));
    hfs.appendChild(raw);
    hfs.appendChild(el('p', {class: 'note', id: 'report-raw-help', text: t('report.raw_help')}));
    hfs.appendChild(check);
    form.appendChild(hfs);

    var sfs = el('fieldset', null, el('legend', {text: t('report.services')}));
    var sv = p.services || {};
    SERVICES.forEach(function (k) { sfs.appendChild(segmented(k, t('service.' + k), sv[k] === undefined ? null : sv[k])); });
    form.appendChild(sfs);
    form.appendChild(el('label', {for: 'report-remark', text: t('report.remark')}));
    form.appendChild(el('input', {type: 'text', class: 'remark', id: 'report-remark', maxlength: 500, autocomplete: 'off'}));
    var submit = el('button', {type: 'submit', class: 'primary', text: t('report.send')});
    form.appendChild(el('div', {class: 'row'}, submit,
      el('button', {type: 'button', text: t('report.cancel'), on: {click: function () { renderSheet(p); }}})));
    form.addEventListener('submit', function (ev) {
      ev.preventDefault();
      var chosen = form.querySelector('input[name=status]:checked');
      var body = {status: chosen ? chosen.value : 'open_adapted'};
      var v = raw.value.trim();
      var go = function () {
        if (v) { body.opening_hours = v; }
        SERVICES.forEach(function (k) {
          var c = form.querySelector('input[name="svc-' + k + '"]:checked');
          body[k] = !c || c.value === '' ? null : c.value === 'yes';
        });
        var remark = $('report-remark').value.trim();
        if (remark) { body.remark = remark; }
        send(p, body, submit).catch(function (err) {
          if (err.status === 422 && err.problem) {
            showCheck({valid: false, error: (state.lang === 'fr' && err.problem.detail_fr) || err.problem.detail, suggestion: err.problem.suggestion});
            raw.focus();
          }
        });
      };
      if (!v) { go(); return; }
      (lastCheck.value === v ? Promise.resolve(lastCheck) : checkNow()).then(function (c) {
        if (!c.valid) { raw.focus(); return; }
        go();
      });
    });
    area.replaceWith(form);
    var more = sheet().querySelector('[data-report=more]');
    if (more) { more.setAttribute('aria-expanded', 'true'); }
    form.querySelector('input[name=status]:checked').focus();
  }

  // ---- start ---------------------------------------------------------

  function start() {
    var lang = pickLang();
    loadLang(lang).catch(function () {}).then(function () {
      initMap();
      initSearch();
      // The legend starts open where there is room for it.
      if (window.innerWidth > 640 && window.innerHeight > 500) { $('legend').open = true; }
      $('nearme').addEventListener('click', nearMe);
      $('opennow').addEventListener('click', function (ev) {
        state.openNow = !state.openNow;
        ev.currentTarget.setAttribute('aria-pressed', state.openNow ? 'true' : 'false');
        loadPlaces();
      });
      $('lang').addEventListener('click', function (ev) {
        ev.preventDefault();
        switchLang(state.lang === 'fr' ? 'en' : 'fr');
      });
      document.addEventListener('keydown', function (ev) {
        if (ev.key === 'Escape' && !sheet().hidden && sheet().contains(document.activeElement)) { closeSheet(); }
      });
      loadCategories();
      loadPlaces();
      document.body.setAttribute('data-ready', 'true');
    });
  }

  // A browser too old for this script (no fetch, no Promise) or where
  // Leaflet did not load gets the link to the server-rendered list instead.
  if (!window.L || !window.fetch || !window.Promise || !document.body.replaceWith) {
    $('fallback').hidden = false;
    return;
  }
  start();
}());
