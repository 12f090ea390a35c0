// statusdocs search: a box in every page's header and the /search/ page.
//
// The index (search-index.js) and MiniSearch are loaded as <script>
// elements, not with fetch, so search works from file:// too. Results are
// built with DOM APIs and textContent only: page text is never parsed as
// HTML.
(function () {
  "use strict";

  var form = document.querySelector("form.search");
  if (!form) return;
  var box = document.getElementById("search-box");
  var list = document.getElementById("search-results");
  var root = form.getAttribute("data-root") || "./";
  var MAX = 12;

  // Interface text comes from the page (the layouts' message catalogue),
  // so every edition's search speaks its language.
  function msg(name, fallback) { return form.getAttribute("data-msg-" + name) || fallback; }
  var NONE = msg("none", "No matching status code.");
  function count(n) { return n === 1 ? msg("one", "1 result") : msg("many", "%d results").replace("%d", n); }
  var statusLabels = {};
  try { statusLabels = JSON.parse(form.getAttribute("data-statuses") || "{}"); } catch (err) { /* keep keys */ }

  // Classes by the words people use for them.
  var classWords = {
    "1xx": 1, informational: 1, information: 1, "interim": 1,
    "2xx": 2, success: 2, successful: 2,
    "3xx": 3, redirect: 3, redirection: 3, redirects: 3,
    "4xx": 4, "client error": 4, "client errors": 4,
    "5xx": 5, "server error": 5, "server errors": 5
  };

  // More, in the edition's language: "重定向=3 成功=2".
  (form.getAttribute("data-class-words") || "").split(/\s+/).forEach(function (w) {
    var kv = w.split("=");
    if (kv.length === 2 && /^[1-5]$/.test(kv[1])) classWords[kv[0].toLowerCase()] = +kv[1];
  });

  var engine = null; // {ms, docs, byCode}
  var loading = null;

  function loadScript(src) {
    return new Promise(function (resolve, reject) {
      var s = document.createElement("script");
      s.src = src;
      s.onload = resolve;
      s.onerror = function () { reject(new Error("cannot load " + src)); };
      document.head.appendChild(s);
    });
  }

  // tokens splits text into search terms. Latin text splits at spaces and
  // punctuation, as MiniSearch does. Han text (Chinese, Japanese kanji)
  // has no spaces between words, so each run of Han characters is indexed
  // as its overlapping pairs of characters and its single characters, and
  // a query's run is looked up as its pairs: 未找到 finds 未找 and 找到
  // together, wherever a text holds that phrase, with no dictionary; a
  // single character finds the texts that hold it.
  var SPLIT = /[\n\r\p{Z}\p{P}]+/u, HAN_RUN = /(\p{Script=Han}+)/u, HAN = /\p{Script=Han}/u;
  function tokens(text, query) {
    var out = [];
    text.split(SPLIT).forEach(function (w) {
      w.split(HAN_RUN).forEach(function (part) {
        if (!part) return;
        if (!HAN.test(part)) { out.push(part); return; }
        var cs = Array.from(part);
        for (var i = 0; i + 1 < cs.length; i++) out.push(cs[i] + cs[i + 1]);
        if (cs.length === 1 || !query) cs.forEach(function (c) { out.push(c); });
      });
    });
    return out;
  }

  // load fetches MiniSearch and the index once, and builds the engine.
  function load() {
    if (loading) return loading;
    var lib = window.MiniSearch ? Promise.resolve() : loadScript(form.getAttribute("data-lib"));
    var idx = window.statusdocsIndex ? Promise.resolve() : loadScript(form.getAttribute("data-index"));
    loading = Promise.all([lib, idx]).then(function () {
      var raw = window.statusdocsIndex || [];
      var docs = raw.map(function (d, i) {
        return { id: i, path: d[0], code: d[1] ? String(d[1]) : "", title: d[2], former: d[3],
          aliases: d[4], summary: d[5], headings: d[6], body: d[7], status: d[8] || "" };
      });
      var ms = new window.MiniSearch({
        fields: ["code", "title", "former", "aliases", "summary", "headings", "body"],
        storeFields: [],
        tokenize: function (text) { return tokens(text, false); },
        searchOptions: {
          tokenize: function (text) { return tokens(text, true); },
          boost: { code: 6, title: 5, former: 4, aliases: 3, summary: 2, headings: 1.5, body: 1 },
          // Prefix matching for the word being typed (the last one), fuzzy
          // matching for words long enough to hold a typo: both multiply
          // the terms a query looks up, which on a big site costs time.
          prefix: function (term, i, terms) { return i === terms.length - 1 && term.length >= 2; },
          fuzzy: function (term) { return term.length >= 5 ? 0.25 : false; },
          maxFuzzy: 2,
          weights: { fuzzy: 0.6, prefix: 0.5 }
        }
      });
      ms.addAll(docs);
      var byCode = {};
      docs.forEach(function (d) { if (d.code) byCode[d.code] = d; });
      engine = { ms: ms, docs: docs, byCode: byCode };
      return engine;
    });
    return loading;
  }

  // search returns the results for q, best first: {doc, terms}.
  function search(q) {
    q = q.trim();
    if (!q || !engine) return [];
    var out = [], seen = {};
    function add(doc, terms) {
      if (!doc || seen[doc.id]) return;
      seen[doc.id] = true;
      out.push({ doc: doc, terms: terms });
    }
    var codes = engine.docs.filter(function (d) { return d.code; });
    var norm = q.toLowerCase().replace(/\s+/g, " ");
    if (/^[1-5][0-9][0-9]$/.test(norm)) {
      add(engine.byCode[norm], [norm]);
    } else if (/^[1-5][0-9]?$/.test(norm)) {
      codes.forEach(function (d) { if (d.code.indexOf(norm) === 0) add(d, []); });
    }
    var cls = classWords[norm] || (/^[1-5]xx$/.test(norm) ? +norm[0] : 0);
    if (cls) {
      engine.docs.forEach(function (d) { if (!d.code && d.title.indexOf(cls + "xx") === 0) add(d, []); });
      codes.forEach(function (d) { if (d.code[0] === String(cls)) add(d, []); });
    }
    var res = engine.ms.search(q, { combineWith: "AND" });
    if (!res.length && /\s/.test(q.trim())) res = engine.ms.search(q, { combineWith: "OR" });
    res.forEach(function (r) { add(engine.docs[r.id], r.terms); });
    return out;
  }

  // mark appends text to el, wrapping the words that start with a matched
  // term in <mark>. Text stays text: it is never parsed as HTML.
  function mark(el, text, terms) {
    // Mark every occurrence of every term (Latin ones at the start of a
    // word, Han ones anywhere), then wrap each marked run once: Han pairs
    // overlap (未找, 找到), so they cannot be matched one after another.
    var words = (terms || []).filter(function (t) { return t && (t.length > 1 || HAN.test(t)); });
    var marked = new Array(text.length), lower = text.toLowerCase(), any = false;
    words.forEach(function (w) {
      w = w.toLowerCase();
      for (var at = lower.indexOf(w); at >= 0; at = lower.indexOf(w, at + 1)) {
        if (!HAN.test(w) && at > 0 && /[\p{L}\p{N}]/u.test(text[at - 1])) continue;
        for (var k = at; k < at + w.length; k++) marked[k] = true;
        any = true;
      }
    });
    if (!any) { el.appendChild(document.createTextNode(text)); return; }
    for (var i = 0; i < text.length;) {
      var j = i;
      while (j < text.length && !!marked[j] === !!marked[i]) j++;
      if (marked[i]) {
        var mk = document.createElement("mark");
        mk.textContent = text.slice(i, j);
        el.appendChild(mk);
      } else {
        el.appendChild(document.createTextNode(text.slice(i, j)));
      }
      i = j;
    }
  }


  function href(r) {
    var h = root + r.doc.path;
    var terms = (r.terms || []).filter(function (t) { return !/^[0-9]+$/.test(t); });
    if (terms.length) h += "?highlight=" + encodeURIComponent(terms.join(" "));
    return h;
  }

  // renderResult builds one result: code, reason phrase, summary; a link
  // on the search page, a plain block in the box's list, whose options
  // may not hold links (ARIA: no interactive content in an option).
  function renderResult(li, r, plain) {
    var a = document.createElement(plain ? "span" : "a");
    if (plain) li.setAttribute("data-href", href(r));
    else a.href = href(r);
    a.className = "result";
    var head = document.createElement("span");
    head.className = "result-head";
    if (r.doc.code) {
      var c = document.createElement("span");
      c.className = "code";
      c.textContent = r.doc.code;
      head.appendChild(c);
      head.appendChild(document.createTextNode(" "));
    }
    var t = document.createElement("span");
    t.className = "phrase";
    mark(t, r.doc.title, r.terms);
    head.appendChild(t);
    if (r.doc.status && r.doc.status !== "standard") {
      // Never let an unofficial or obsolete code pass for a standard one.
      var badge = document.createElement("span");
      badge.className = "badge badge-" + r.doc.status;
      badge.textContent = statusLabels[r.doc.status] || r.doc.status;
      head.appendChild(document.createTextNode(" "));
      head.appendChild(badge);
    }
    a.appendChild(head);
    var s = document.createElement("span");
    s.className = "result-summary";
    mark(s, r.doc.summary, r.terms);
    a.appendChild(s);
    li.appendChild(a);
    return a;
  }

  // The dropdown under the header box.
  var active = -1, results = [];

  function show(q) {
    results = search(q).slice(0, MAX);
    list.textContent = "";
    active = -1;
    results.forEach(function (r, i) {
      var li = document.createElement("li");
      li.id = "search-result-" + i;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", "false");
      renderResult(li, r, true);
      list.appendChild(li);
    });
    if (q.trim() && !results.length) {
      var li = document.createElement("li");
      li.className = "no-results";
      li.id = "search-result-none";
      li.setAttribute("role", "option");
      li.setAttribute("aria-disabled", "true");
      li.textContent = NONE;
      list.appendChild(li);
    }
    var open = !!q.trim();
    // Screen readers hear how many results there are as they type; the
    // options themselves are read as the arrow keys reach them.
    var live = document.getElementById("search-live");
    if (live) {
      live.textContent = !open ? "" : results.length ? count(results.length) : NONE;
    }
    list.hidden = !open;
    list.setAttribute("data-query", q);
    box.setAttribute("aria-expanded", open ? "true" : "false");
    box.removeAttribute("aria-activedescendant");
    if (results.length) select(0);
  }

  function select(i) {
    var items = list.querySelectorAll("li[role=option]:not([aria-disabled])");
    if (!items.length) return;
    if (active >= 0 && items[active]) items[active].setAttribute("aria-selected", "false");
    active = (i + items.length) % items.length;
    items[active].setAttribute("aria-selected", "true");
    box.setAttribute("aria-activedescendant", items[active].id);
    items[active].scrollIntoView({ block: "nearest" });
  }

  function close() {
    list.hidden = true;
    box.setAttribute("aria-expanded", "false");
    box.removeAttribute("aria-activedescendant");
  }

  function update() {
    var q = box.value;
    if (engine) { show(q); return; }
    load().then(function () { if (box.value === q) show(q); });
  }

  box.addEventListener("focus", function () { load(); });
  box.addEventListener("input", update);
  box.addEventListener("keydown", function (e) {
    if (e.key === "ArrowDown") { e.preventDefault(); if (list.hidden) update(); else select(active + 1); }
    else if (e.key === "ArrowUp") { e.preventDefault(); select(active - 1); }
    else if (e.key === "Escape") { e.preventDefault(); close(); }
    else if (e.key === "Enter" && openSelected()) e.preventDefault();
  });
  // Enter in the box opens the selected result rather than submitting the
  // form; with no results the form goes to the search page.
  form.addEventListener("submit", function (e) {
    if (openSelected()) e.preventDefault();
  });

  function openSelected() {
    var items = list.querySelectorAll("li[data-href]");
    if (list.hidden || !items.length) return false;
    window.location.href = items[Math.max(active, 0)].getAttribute("data-href");
    return true;
  }
  // A result opens on click; as a link would, with Ctrl or Cmd or the
  // middle button in a new tab, with Shift in a new window.
  function openResult(e, how) {
    var li = e.target.closest && e.target.closest("li[data-href]");
    if (!li) return;
    e.preventDefault();
    var url = li.getAttribute("data-href");
    if (how === "tab") window.open(url, "_blank", "noopener");
    else if (how === "window") window.open(url, "_blank", "noopener,popup");
    else window.location.href = url;
  }
  list.addEventListener("click", function (e) {
    openResult(e, e.ctrlKey || e.metaKey ? "tab" : e.shiftKey ? "window" : "");
  });
  list.addEventListener("auxclick", function (e) { if (e.button === 1) openResult(e, "tab"); });
  document.addEventListener("click", function (e) {
    if (!form.contains(e.target)) close();
  });
  // "/" focuses the search box from anywhere but a text field.
  document.addEventListener("keydown", function (e) {
    if (e.key !== "/" || e.ctrlKey || e.metaKey || e.altKey) return;
    var t = e.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    e.preventDefault();
    box.focus();
    box.select();
  });

  // The language switch keeps the query (?q= on the search page,
  // ?sent-by= on lists) and the section: anchors are the same in every
  // language.
  [].forEach.call(document.querySelectorAll("a[data-lang-switch]"), function (a) {
    a.addEventListener("click", function () {
      if (!location.search && !location.hash) return;
      var base = a.getAttribute("href").split("#")[0].split("?")[0];
      a.setAttribute("href", base + location.search + location.hash);
    });
  });

  // The /search/ page: full result list, driven by ?q=.
  var pageBox = document.getElementById("search-page-box");
  if (pageBox) {
    var pageList = document.getElementById("search-page-results");
    var status = document.getElementById("search-page-status");
    var fallback = document.getElementById("search-fallback");
    var runPage = function () {
      var q = pageBox.value;
      var rs = search(q);
      pageList.textContent = "";
      rs.forEach(function (r) { renderResult(pageList.appendChild(document.createElement("li")), r); });
      status.textContent = q.trim() ? (rs.length ? count(rs.length) : NONE) : "";
      if (fallback) fallback.hidden = !!q.trim();
      var url = new URL(window.location.href);
      if (q.trim()) url.searchParams.set("q", q); else url.searchParams.delete("q");
      try { history.replaceState(null, "", url.href); } catch (err) { /* file:// may refuse */ }
    };
    pageBox.form.addEventListener("submit", function (e) { e.preventDefault(); runPage(); });
    pageBox.addEventListener("input", function () { if (engine) runPage(); });
    var q0 = new URLSearchParams(window.location.search).get("q") || "";
    pageBox.value = q0;
    status.textContent = q0 ? msg("searching", "Searching…") : "";
    load().then(runPage, function (err) { status.textContent = msg("failed", "Search could not load:") + " " + err.message; });
    if (!q0) pageBox.focus();
  }

  // A page opened from a result highlights the words that matched.
  var hl = new URLSearchParams(window.location.search).get("highlight");
  var prose = document.querySelector("main .prose");
  if (hl && prose) {
    var terms = hl.split(/\s+/).filter(Boolean);
    var walker = document.createTreeWalker(prose, NodeFilter.SHOW_TEXT);
    var nodes = [];
    while (walker.nextNode()) nodes.push(walker.currentNode);
    nodes.forEach(function (n) {
      if (n.parentNode.closest("pre, code, mark")) return;
      var frag = document.createDocumentFragment();
      mark(frag, n.nodeValue, terms);
      if (frag.querySelector("mark")) n.parentNode.replaceChild(frag, n);
    });
    document.documentElement.classList.add("has-highlight");
  }

  // For tests and benchmarks: the engine, once loaded.
  window.statusdocsSearch = { load: load, search: search };
})();
