// statusdocs decision guide: the questions of a guide's tree one at a
// time, each answer a button, ending at the page of a code. The tree is in
// the page (data-tree), so this works from file:// with no request; without
// script the page shows the same tree as a nested list.
(function () {
  "use strict";
  var app = document.querySelector("[data-decision]");
  if (!app) return;
  var data;
  try { data = JSON.parse(app.getAttribute("data-tree")); } catch (err) { return; }
  if (!data || !data.questions || !data.questions[data.start]) return;
  var list = document.querySelector("[data-decision-list]");
  function msg(name) { return app.getAttribute("data-msg-" + name) || ""; }

  var path = []; // the ids of the questions shown, the current one last

  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text) e.textContent = text;
    return e;
  }

  function controls(box) {
    var nav = el("p", "decision-nav");
    if (path.length > 1 || box.result) {
      var back = el("button", "decision-back", msg("back"));
      back.type = "button";
      back.addEventListener("click", function () {
        if (!box.result) path.pop();
        show();
      });
      nav.appendChild(back);
    }
    if (path.length > 1 || box.result) {
      var restart = el("button", "decision-restart", msg("restart"));
      restart.type = "button";
      restart.addEventListener("click", function () { path = [data.start]; show(); });
      nav.appendChild(restart);
    }
    return nav;
  }

  // show renders the current question, or the answer a reached.
  function show(a) {
    app.textContent = "";
    var id = path[path.length - 1];
    var q = data.questions[id];
    var head;
    if (a) {
      var res = el("div", "decision-result");
      res.appendChild(el("p", "decision-q", q.text));
      res.appendChild(el("p", "decision-chosen", a.text));
      head = el("p", "decision-answer");
      head.appendChild(el("span", "", msg("answer") + " "));
      var link = el("a", "decision-code");
      link.href = a.href;
      link.setAttribute("data-code", String(a.code));
      link.appendChild(el("span", "code", String(a.code)));
      link.appendChild(document.createTextNode(" " + a.title));
      head.appendChild(link);
      res.appendChild(head);
      if (a.note) res.appendChild(el("p", "decision-note", a.note));
      if (a.summary) res.appendChild(el("p", "decision-summary", a.summary));
      app.appendChild(res);
      app.appendChild(controls({ result: true }));
    } else {
      app.appendChild(el("p", "decision-step", msg("step").replace("%d", path.length)));
      head = el("p", "decision-q", q.text);
      app.appendChild(head);
      var ul = el("ul", "decision-answers");
      q.answers.forEach(function (ans) {
        var li = el("li");
        var b = el("button", "decision-option", ans.text);
        b.type = "button";
        b.addEventListener("click", function () {
          if (ans.next) { path.push(ans.next); show(); } else { show(ans); }
        });
        li.appendChild(b);
        ul.appendChild(li);
      });
      app.appendChild(ul);
      app.appendChild(controls({}));
    }
    // Keyboard and screen reader users land on what changed.
    head.tabIndex = -1;
    if (started) head.focus();
    started = true;
  }

  var started = false;
  path = [data.start];
  app.hidden = false;
  if (list) list.hidden = true;
  show();
})();
