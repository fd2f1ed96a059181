// quire search: loads the index built by src/search.rs on first use and ranks in the browser.
// No dependencies. Every piece of content is shown with textContent, never as HTML.
(function () {
  'use strict';
  var CJK = /[\u1100-\u11ff\u3040-\u30ff\u3130-\u318f\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\u{20000}-\u{2fa1f}]/u;
  var WORD = /[\p{Alphabetic}\p{N}\u0300-\u036f\u0483-\u0489\u0591-\u05c7\u0610-\u061a\u064b-\u065f\u0900-\u0dff\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]/u;
  var LETTER = /\p{Alphabetic}/u, DIGIT = /\p{N}/u, MAXWORD = 32;
  // Ranking weights of a page title and a heading against body text (tuned on bench/*.tsv).
  var TITLE = 5, HEADING = 1, SHOW = 5;

  function normalize(s) {
    return s.normalize('NFKC').toLowerCase().replace(/[\u00c0-\u1fff]/g, function (c) {
      return c.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
    });
  }

  // Port of src/search/tokenizer.rs: words, and runs of CJK characters ({c: [chars]}).
  function runs(text) {
    var cs = Array.from(normalize(text)), out = [], word = '', n = 0, run = null;
    var letter = function (c) { return c && LETTER.test(c) && !CJK.test(c); };
    var flush = function () { if (word) out.push({ w: word }); word = ''; n = 0; };
    for (var i = 0; i < cs.length; i++) {
      var c = cs[i], p = cs[i - 1], x = cs[i + 1];
      if (CJK.test(c)) { flush(); if (!run) out.push(run = { c: [] }); run.c.push(c); continue; }
      run = null;
      if (WORD.test(c)) { if (n < MAXWORD) { word += c; n++; } continue; }
      if (word && x && (c === "'" || c === '\u2019' ? letter(p) && letter(x) : (c === '.' || c === ',') && DIGIT.test(p) && DIGIT.test(x))) {
        // A word is cut before a point that would end it (no query would repeat the point).
        if (c === '.') { if (n + 1 < MAXWORD) { word += c; n++; } else n = MAXWORD; }
        continue;
      }
      flush();
    }
    flush();
    return out;
  }

  function tokens(text) {
    var out = [];
    runs(text).forEach(function (r) {
      if (r.w) return out.push(r.w);
      r.c.forEach(function (c, i) { out.push(c); if (i + 1 < r.c.length) out.push(c + r.c[i + 1]); });
    });
    return out;
  }

  function hash(s) { // FNV-1a over UTF-8, as src/search.rs `bucket`
    var h = 0x811c9dc5, b = new TextEncoder().encode(s);
    for (var i = 0; i < b.length; i++) h = Math.imul(h ^ b[i], 0x01000193) >>> 0;
    return h;
  }

  // `get(path, json)` fetches a file under search/ as an ArrayBuffer or parsed JSON.
  function Engine(get) {
    var meta, shards = {}, pages = {}, words = {};
    var ready = get('meta.json', true).then(function (m) { meta = m; });
    var file = function (p, json) { return get(meta.version + '/' + p, json); };

    function shard(n) {
      return shards[n] || (shards[n] = file('s/' + n + '.bin').then(function (buf) {
        var u = new Uint8Array(buf), at = 0, map = {}, own = 0, dec = new TextDecoder();
        var num = function () { var v = 0, m = 1, b; do { b = u[at++]; v += (b & 127) * m; m *= 128; } while (b > 127); return v; };
        while (at < u.length) {
          var len = num(), tok = dec.decode(u.subarray(at, at += len));
          var r = { t: num(), s: num(), d: num(), m: num() }, size = num();
          r.bytes = size ? u.subarray(at, at += size) : 't/' + n + '-' + own++ + '.bin';
          map[tok] = r;
        }
        return map;
      }));
    }
    function lookup(tok) {
      return shard(hash(tok) % meta.shards).then(function (m) { return Object.prototype.hasOwnProperty.call(m, tok) ? m[tok] : null; });
    }
    function completions(prefix) {
      var n = hash(Array.from(prefix).slice(0, 2).join('')) % meta.words;
      return (words[n] || (words[n] = file('w/' + n + '.json', true))).then(function (list) {
        return list.filter(function (e) { return e[0] !== prefix && e[0].indexOf(prefix) === 0; }).slice(0, 3);
      });
    }
    function page(p) { return pages[p] || (pages[p] = file('p/' + p + '.json', true)); }

    // Query terms: each Latin word, each bigram of a CJK run (its characters if the index
    // lacks it), a lone CJK character; the last word also matches words it begins.
    function terms(q) {
      var rs = runs(q), open = q && !/[\s\p{P}]$/u.test(q), list = [];
      rs.forEach(function (r, i) {
        if (r.w) return list.push({ run: i, units: [i], word: true, alts: [[r.w, 1]], prefix: open && i === rs.length - 1 && Array.from(r.w).length > 1 });
        if (r.c.length === 1) return list.push({ run: i, units: [i], alts: [[r.c[0], 1]] });
        for (var k = 0; k + 1 < r.c.length; k++) list.push({ run: i, units: [i + ':' + k, i + ':' + (k + 1)], alts: [[r.c[k] + r.c[k + 1], 1]], chars: [r.c[k], r.c[k + 1]] });
      });
      return Promise.all(list.map(function (t) {
        return (t.prefix ? completions(t.alts[0][0]) : Promise.resolve([])).then(function (more) {
          more.forEach(function (e) { t.alts.push([e[0], 0.7]); });
          return Promise.all(t.alts.map(function (a) { return lookup(a[0]); }));
        }).then(function (recs) {
          t.recs = recs;
          if (!t.chars || recs[0]) return t;
          t.alts = t.chars.map(function (c) { return [c, 0.4]; });
          return Promise.all(t.alts.map(function (a) { return lookup(a[0]); })).then(function (r) { t.recs = r; return t; });
        });
      }));
    }

    // Phase one, from postings. A page scores its title's BM25, its headings', and its body's
    // (section impacts summed, then saturated, so a page about the topic beats one passing
    // mention), times the squared share of the query it covers. The section to show is the
    // one that, with the title, covers most of the query with the best BM25.
    function rank(q) {
      return ready.then(function () { return terms(q); }).then(function (ts) {
        var N = meta.sections, P = meta.pages, titles = {}, secs = {}, rest = {}, weight = [], total = 0;
        return Promise.all(ts.map(function (t, ti) {
          weight[ti] = 0;
          return Promise.all(t.recs.map(function (r, ai) {
            if (!r) return;
            var w = t.alts[ai][1], is = Math.log(1 + (N - r.d + 0.5) / (r.d + 0.5)), it = Math.log(1 + (P - r.t + 0.5) / (r.t + 0.5));
            weight[ti] = Math.max(weight[ti], w * is);
            if (typeof r.bytes === 'string') r.bytes = file(r.bytes).then(function (b) { return new Uint8Array(b); });
            var bytes = Promise.resolve(r.bytes);
            return bytes.then(function (u) {
              var at = 0, pg = 0, i, v, key, e, sn, low = 127, seen = {};
              var num = function () { var x = 0, m = 1, b; do { b = u[at++]; x += (b & 127) * m; m *= 128; } while (b > 127); return x; };
              for (i = 0; i < r.t; i++) {
                pg += num(); v = w * it * num() / 255;
                e = titles[pg] || (titles[pg] = []);
                e[ti] = Math.max(e[ti] || 0, v);
              }
              for (pg = 0, i = 0; i < r.s; i++) {
                pg += num(); sn = num(); key = pg + ':' + sn; v = num();
                e = secs[key] || (secs[key] = { p: pg, s: sn, b: [], h: [] });
                e.b[ti] = Math.max(e.b[ti] || 0, w * is * (v >> 1) / 127);
                if (v & 1) e.h[ti] = Math.max(e.h[ti] || 0, w * is);
                low = Math.min(low, v >> 1); seen[pg] = 1;
              }
              // Pages in the bitmap beyond the kept hits: as if hit once, as weakly as the weakest kept.
              for (i = 0; i < r.m * 8; i++) {
                if (u[at + (i >> 3)] >> (i & 7) & 1 && !seen[i]) (rest[i] || (rest[i] = []))[ti] = w * is * low / 127;
              }
            });
          }));
        })).then(function () {
          // Coverage counts query words and CJK characters (a character is covered by either
          // bigram it is part of), each weighted by the rarity of its rarest term.
          var units = {};
          ts.forEach(function (t, ti) { t.units.forEach(function (u) { units[u] = Math.max(units[u] || 0, weight[ti]); }); });
          Object.keys(units).forEach(function (u) { total += units[u]; });
          var covered = function (hit) {
            var seen = {}, c = 0;
            ts.forEach(function (t, ti) { if (hit(ti)) t.units.forEach(function (u) { if (!seen[u]) { seen[u] = 1; c += units[u]; } }); });
            return c / total;
          };
          var pages = {}, list = [];
          var at = function (p) { return pages[p] || (pages[p] = { p: p, s: 0, t: titles[p] || [], b: [], h: [], best: 0 }); };
          Object.keys(titles).forEach(at);
          Object.keys(secs).forEach(function (k) {
            var e = secs[k], pg = at(e.p), sum = 0;
            ts.forEach(function (t, ti) {
              var b = e.b[ti] || 0, h = e.h[ti] || 0;
              pg.b[ti] = (pg.b[ti] || 0) + b / weight[ti];
              pg.h[ti] = Math.max(pg.h[ti] || 0, h);
              sum += b + HEADING * h;
            });
            sum *= Math.pow(covered(function (ti) { return e.b[ti] || e.h[ti] || pg.t[ti]; }), 2);
            if (sum > pg.best) { pg.best = sum; pg.s = e.s; }
          });
          Object.keys(pages).forEach(function (k) {
            var pg = pages[k], sum = 0, x = [];
            ts.forEach(function (t, ti) {
              var b = (pg.b[ti] || 0) + ((rest[k] || [])[ti] || 0) / weight[ti];
              x[ti] = TITLE * (pg.t[ti] || 0) + weight[ti] * (1 - Math.exp(-b)) + HEADING * (pg.h[ti] || 0);
              sum += x[ti];
            });
            pg.score = sum * Math.pow(covered(function (ti) { return x[ti]; }), 2);
            list.push(pg);
          });
          list.sort(function (a, b) { return b.score - a.score || a.p - b.p; });
          return { terms: ts, hits: list };
        });
      });
    }

    // Phase two, for the hits about to be shown: their text decides which section to show,
    // and a bonus for the query's characters appearing contiguously reorders them.
    function resolve(found, from, to) {
      var slice = found.hits.slice(from, to), needles = marks(found.terms);
      return Promise.all(slice.map(function (h) { return page(h.p); })).then(function (frags) {
        var out = frags.map(function (f, i) {
          var h = slice[i], sec = f.s[h.s] || ['', '', ''];
          var near = contiguous(needles.phrases, f.t) * 0.5 + contiguous(needles.phrases, sec[0]) * 0.3 + contiguous(needles.phrases, sec[2]) * 0.2;
          return { title: f.t, path: f.u, heading: sec[0], id: sec[1], text: sec[2], score: h.score * (1 + near), needles: needles.all };
        });
        return out.sort(function (a, b) { return b.score - a.score; });
      });
    }
    return { rank: rank, resolve: resolve, ready: ready };
  }

  // What to highlight: whole CJK runs and word sequences first, then the terms found.
  function marks(ts) {
    var all = [], phrases = [], cur = '';
    ts.forEach(function (t, i) {
      var prev = ts[i - 1], a = t.alts[0][0];
      if (prev && t.chars && t.run === prev.run) cur += t.chars[1];
      else if (prev && t.word && prev.word) cur += ' ' + a;
      else { if (cur) phrases.push(cur); cur = t.chars ? t.chars.join('') : a; }
      t.alts.forEach(function (x, k) { if (t.recs[k]) all.push(x[0]); });
    });
    if (cur) phrases.push(cur);
    all = phrases.concat(all).filter(function (x, i, l) { return l.indexOf(x) === i; });
    all.sort(function (x, y) { return y.length - x.length; });
    return { all: all, phrases: phrases };
  }

  // Share of the query's phrases found whole in `text` (phrases of CJK runs, and words).
  function contiguous(phrases, text) {
    if (!text || !phrases.length) return 0;
    var n = normalize(text), hit = 0, len = 0;
    phrases.forEach(function (p) { len += p.length; if (p.length > 1 && n.indexOf(p) >= 0) hit += p.length; });
    return hit / len;
  }

  // Splits `text` into [plain, marked] pieces around the needles, cut to a window near the
  // first longest match.
  function snippet(text, needles, size) {
    var map = [], norm = '', at = 0;
    Array.from(text).forEach(function (c) { var n = normalize(c); for (var k = 0; k < n.length; k++) map.push(at); norm += n; at += c.length; });
    map.push(text.length);
    var spans = [], i = 0;
    while (i < norm.length) {
      var hit = needles.find(function (s) { return norm.startsWith(s, i) && !(i && !CJK.test(s[0]) && WORD.test(s[0]) && WORD.test(norm[i - 1])); });
      if (hit) { spans.push([map[i], map[i + hit.length]]); i += hit.length; } else i++;
    }
    var first = spans.reduce(function (b, s) { return !b || s[1] - s[0] > b[1] - b[0] ? s : b; }, null);
    var start = first ? Math.max(0, first[0] - (size >> 2)) : 0, end = Math.min(text.length, start + size);
    var parts = [], pos = start;
    if (start) parts.push(['…', false]);
    spans.forEach(function (s) {
      if (s[1] <= pos || s[0] >= end) return;
      parts.push([text.slice(pos, s[0]), false], [text.slice(Math.max(pos, s[0]), Math.min(s[1], end)), true]);
      pos = Math.min(s[1], end);
    });
    parts.push([text.slice(pos, end) + (end < text.length ? '…' : ''), false]);
    return parts;
  }

  var api = { normalize: normalize, tokens: tokens, hash: hash, Engine: Engine, snippet: snippet };
  if (typeof document === 'undefined') { if (typeof module !== 'undefined') module.exports = api; return; }

  var script = document.getElementById('search-script'), input = document.getElementById('search-input'), box = document.getElementById('search-results');
  if (!script || !input || !box) return;
  var root = script.getAttribute('data-root') || './', index = script.getAttribute('data-index') || root + 'search/', text = function (k) { return script.getAttribute('data-' + k) || ''; };
  var onPage = !!document.querySelector('main #search-input'), engine, seq = 0, active = -1;
  var get = function (p, json) {
    return fetch(index + p).then(function (r) {
      if (!r.ok) throw new Error(r.status);
      return json ? r.json() : r.arrayBuffer();
    });
  };
  var load = function () { return engine || (engine = Engine(get)); };
  var el = function (tag, cls, content) { var e = document.createElement(tag); if (cls) e.className = cls; if (content) e.textContent = content; return e; };
  var links = function () { return box.querySelectorAll('a'); };
  var select = function (i) {
    var ls = links();
    active = Math.max(-1, Math.min(i, ls.length - 1));
    ls.forEach(function (a, k) { a.setAttribute('aria-selected', k === active ? 'true' : 'false'); });
    if (ls[active]) ls[active].scrollIntoView({ block: 'nearest' });
  };
  var say = function (msg, cls) { box.replaceChildren(el('p', cls, msg)); };

  function show(found, from, list) {
    if (!from) { box.replaceChildren(); active = -1; }
    if (!found.hits.length) return say(text('no-results'), 'search-empty');
    var ul = box.querySelector('ul') || box.appendChild(el('ul', 'search-list'));
    list.forEach(function (r) {
      var a = el('a'), li = el('li');
      a.href = root + r.path + (r.id ? '#' + r.id : '');
      a.appendChild(el('span', 'search-title', r.title));
      if (r.heading && r.heading !== r.title) a.append(' › ', el('span', 'search-heading', r.heading));
      var p = el('p', 'search-snippet');
      snippet(r.text, r.needles, 120).forEach(function (part) { p.appendChild(part[1] ? el('mark', '', part[0]) : document.createTextNode(part[0])); });
      a.appendChild(p); li.appendChild(a); ul.appendChild(li);
    });
    var old = box.querySelector('button');
    if (old) old.remove();
    var to = from + list.length;
    if (to < found.hits.length) {
      var more = box.appendChild(el('button', 'search-more', text('more')));
      more.type = 'button';
      more.onclick = function () { found.engine.resolve(found, to, to + SHOW).then(function (l) { show(found, to, l); }); };
    }
  }

  function run() {
    var q = input.value.trim(), mine = ++seq;
    if (onPage) history.replaceState(null, '', q ? '?q=' + encodeURIComponent(q) : location.pathname);
    if (!q) { box.replaceChildren(); return; }
    if (!box.firstChild) say(text('loading'), 'search-loading');
    var e = load();
    e.rank(q).then(function (found) {
      found.engine = e;
      return e.resolve(found, 0, SHOW).then(function (list) { if (mine === seq) show(found, 0, list); });
    }).catch(function () { if (mine === seq) say(text('error'), 'search-error'); }).then(function () {
      if (mine === seq) box.setAttribute('data-query', q); // the query shown, for tests and styles
    });
  }

  input.addEventListener('focus', load, { once: true });
  input.addEventListener('input', run);
  input.addEventListener('keydown', function (ev) {
    if (ev.key === 'ArrowDown' || ev.key === 'ArrowUp') { ev.preventDefault(); select(active + (ev.key === 'ArrowDown' ? 1 : -1)); }
    else if (ev.key === 'Enter' && links().length) { ev.preventDefault(); location.href = links()[Math.max(active, 0)].href; }
    else if (ev.key === 'Escape' && !onPage) { box.replaceChildren(); input.blur(); }
  });
  document.addEventListener('keydown', function (ev) {
    var t = ev.target, typing = t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName);
    if (ev.key === '/' && !typing && !ev.ctrlKey && !ev.metaKey && !ev.altKey) { ev.preventDefault(); input.focus(); }
  });
  document.addEventListener('click', function (ev) { if (!onPage && !input.form.contains(ev.target)) box.replaceChildren(); });
  var initial = new URLSearchParams(location.search).get('q');
  if (onPage && initial) { input.value = initial; run(); }
})();
