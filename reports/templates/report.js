/* orgsim report: the state at any date, computed here from the embedded fact intervals; table search and sort. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("orgsim-data").textContent);
  var DAY_MS = 86400000;
  var WEEKDAYS = ["Sunday", "Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday"];
  var MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December"];

  // Days are proleptic Gregorian ordinals, as in the engine; the epoch's ordinal is embedded with the data.
  function toDate(day) { return new Date((day - DATA.epoch_ordinal) * DAY_MS); }
  function isoOf(day) { return toDate(day).toISOString().slice(0, 10); }
  function dayOf(iso) {
    var t = Date.parse(iso + "T00:00:00Z");
    return isNaN(t) ? null : Math.round(t / DAY_MS) + DATA.epoch_ordinal;
  }
  function longDate(day) {
    var d = toDate(day);
    return WEEKDAYS[d.getUTCDay()] + ", " + d.getUTCDate() + " " + MONTHS[d.getUTCMonth()] + " " + d.getUTCFullYear();
  }

  // The engine's rule (engine/answers.py): a fact may hold on day d when start_earliest <= d < end_latest;
  // it is certain when start_latest <= d < end_earliest, presumed when certain but nothing ended it and d
  // is after its last attestation or after the log's coverage, possible otherwise. A null bound is open.
  function answerOn(f, day) {
    var after = function (v) { return v === null || day < v; };
    if (!(f.start_earliest <= day && after(f.end_latest))) { return null; }
    if (!(f.start_latest <= day && after(f.end_earliest))) { return "possible"; }
    var carried = (f.end_earliest === null && f.attested !== null && day > f.attested) || day > DATA.cover.end;
    return carried ? "presumed" : "certain";
  }
  function factsOn(day) {
    var out = [];
    DATA.facts.forEach(function (f) {
      var m = answerOn(f, day);
      if (m) { out.push(Object.assign({modality: m}, f)); }
    });
    return out;
  }
  function answerCell(f) {
    var words = f.modality === "certain" ? "certain" : f.modality === "presumed" ? "presumed" : "possible";
    return el("span", {"class": "answer " + f.modality, "data-answer": f.modality,
                       title: DATA.meanings[f.modality] + (f.bounds ? " — " + f.bounds : "")}, [words]);
  }

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, attrs[k]); });
    (children || []).forEach(function (c) {
      node.appendChild(typeof c === "string" ? document.createTextNode(c) : c);
    });
    return node;
  }
  function eventLink(id) { return el("a", {href: "#ev-" + id, "class": "id"}, [id]); }
  function since(f) { return el("span", {title: "from day " + f.start_iso + " (event " + f.event + ")"}, [f.since]); }
  function nameOf(id) { return DATA.names[id] || id; }
  function fill(tbody, rows, columns, emptyText) {
    tbody.textContent = "";
    if (!rows.length) {
      tbody.appendChild(el("tr", {}, [el("td", {colspan: String(columns), "class": "empty"}, [emptyText])]));
    }
    rows.forEach(function (cells) {
      tbody.appendChild(el("tr", {"data-id": cells.id}, cells.tds.map(function (c) { return el("td", {}, [c]); })));
    });
  }
  function byId(a, b) { return a.key[1] < b.key[1] ? -1 : a.key[1] > b.key[1] ? 1 : 0; }

  function renderState(day) {
    var facts = factsOn(day);
    var org = DATA.org;
    var inside = DATA.cover.start <= day && day <= DATA.cover.end;
    var cov = document.getElementById("coverage-line");
    cov.textContent = inside ? "" : "Outside the log's coverage (" + DATA.cover.text + "): unknown — " +
      DATA.meanings.unknown + ". What is shown is only presumed.";
    cov.setAttribute("data-answer", inside ? "inside" : "unknown");
    var orgFact = facts.filter(function (f) { return f.key[0] === "org" && f.key[1] === org; })[0];
    // The treaty's status and the date of the organization's current form are two facts: say which is which.
    var formed = orgFact && DATA.live && DATA.live.events_words[orgFact.event];
    document.getElementById("org-line").textContent = orgFact
      ? orgFact.value.name + " (" + orgFact.value.short + "). The founding treaty: " +
        String(orgFact.value.status).replace(/_/g, " ") + ". This form of the organization dates from " +
        (formed ? formed.when + " (" + formed.what.toLowerCase() + ")" : orgFact.since) + "."
      : nameOf(org) + " does not exist on this date.";

    // Members of the organization itself, strongest status first, as State.members orders them.
    var order = DATA.status_order;
    var members = facts.filter(function (f) { return f.key[0] === "member" && f.key[1] === org; });
    members.sort(function (a, b) {
      var sa = order[a.value] === undefined ? 99 : order[a.value], sb = order[b.value] === undefined ? 99 : order[b.value];
      return sa - sb || (a.key[2] < b.key[2] ? -1 : a.key[2] > b.key[2] ? 1 : 0);
    });
    var counts = {};
    members.forEach(function (f) { counts[f.value] = (counts[f.value] || 0) + 1; });
    document.getElementById("member-summary").textContent = Object.keys(counts).map(function (s) {
      return counts[s] + " " + (s === "member" && counts[s] !== 1 ? "members" : s.replace(/_/g, " "));
    }).join(", ");
    fill(document.querySelector("#members tbody"), members.map(function (f) {
      var who = el("span", {}, [el("span", {"class": "id"}, [f.key[2]]), " " + nameOf(f.key[2])]);
      var status = el("span", {"class": "status " + f.value, "data-status": f.value}, [String(f.value).replace(/_/g, " ")]);
      return {id: f.key[2], tds: [who, status, answerCell(f), since(f), eventLink(f.event)]};
    }), 5, "none");

    var bodies = facts.filter(function (f) { return f.key[0] === "body" && f.value.org === org; }).sort(byId);
    document.getElementById("body-summary").textContent = bodies.length ? "(" + bodies.length + ")" : "";
    fill(document.querySelector("#bodies tbody"), bodies.map(function (f) {
      var what = el("span", {}, [el("span", {"class": "id"}, [f.key[1]]), " " + (f.value.name || "")]);
      // Membership of the body itself: who sits in it on this day, with a status other than member spelled out.
      var seats = facts.filter(function (m) { return m.key[0] === "member" && m.key[1] === f.key[1]; })
        .sort(function (a, b) { return a.key[2] < b.key[2] ? -1 : 1; });
      var who = el("span", {"class": "body-members"}, []);
      seats.forEach(function (m, i) {
        if (i) { who.appendChild(document.createTextNode(", ")); }
        var st = String(m.value) === "member" ? "" : " (" + String(m.value).replace(/_/g, " ") + ")";
        var mark = m.modality === "certain" ? "" : " (" + m.modality + ")";
        who.appendChild(el("span", {"class": "id", title: nameOf(m.key[2]) + ", since " + m.since}, [m.key[2] + st + mark]));
      });
      if (!seats.length) { who.appendChild(el("span", {"class": "muted"}, ["not stated"])); }
      return {id: f.key[1], tds: [what, String(f.value.type || "").replace(/_/g, " "), f.value.parent || "", who,
        answerCell(f), since(f), eventLink(f.event)]};
    }), 7, "none");

    var forces = facts.filter(function (f) { return f.key[0] === "force" && f.value.org === org; }).sort(byId);
    document.getElementById("force-summary").textContent = forces.length ? "(" + forces.length + ")" : "";
    fill(document.querySelector("#forces tbody"), forces.map(function (f) {
      var fid = f.key[1];
      var contrib = facts.filter(function (c) { return c.key[0] === "contrib" && c.key[1] === fid; })
        .sort(function (a, b) { return a.key[2] < b.key[2] ? -1 : 1; });
      var strength = facts.filter(function (s) { return s.key[0] === "strength" && s.key[1] === fid; })[0];
      var who = el("span", {"class": "contributors"}, []);
      contrib.forEach(function (c, i) {
        if (i) { who.appendChild(document.createTextNode(", ")); }
        who.appendChild(el("span", {"class": "id", title: nameOf(c.key[2]) + ", since " + c.since}, [c.key[2]]));
      });
      if (!f.value.contributors_complete) {
        who.appendChild(el("span", {"class": "muted"}, [contrib.length ? "; others not stated" : "not stated"]));
      }
      var what = el("span", {}, [el("span", {"class": "id"}, [fid]), " " + (f.value.name || "")]);
      var size = strength ? strength.value.strength + " " + (strength.value.unit || "") + " (" + strength.since + ")" : "";
      return {id: fid, tds: [what, who, size, answerCell(f), since(f)]};
    }), 5, "none");
    // The live network and map follow the slider (live.js).
    window.orgsimDay = {day: day, facts: facts};
    document.dispatchEvent(new CustomEvent("orgsim-day", {detail: window.orgsimDay}));
  }

  // --- the slider ---
  var slider = document.getElementById("date-slider");
  var output = document.getElementById("slider-date");
  var dateInput = document.getElementById("date-input");
  slider.min = DATA.min_day; slider.max = DATA.max_day;
  dateInput.min = isoOf(DATA.min_day); dateInput.max = isoOf(DATA.max_day);

  function show(day) {
    day = Math.max(DATA.min_day, Math.min(DATA.max_day, day));
    slider.value = String(day);
    output.textContent = longDate(day) + " (" + isoOf(day) + ")";
    output.setAttribute("data-iso", isoOf(day));
    dateInput.value = isoOf(day);
    renderState(day);
  }
  slider.addEventListener("input", function () { show(Number(slider.value)); });
  slider.addEventListener("change", function () { show(Number(slider.value)); });
  dateInput.addEventListener("change", function () {
    var d = dayOf(dateInput.value);
    if (d !== null) { show(d); }
  });
  function step(forward) {
    var now = Number(slider.value), days = DATA.change_days;
    var next = forward ? days.filter(function (d) { return d > now; })[0]
      : days.filter(function (d) { return d < now; }).pop();
    if (next !== undefined) { show(next); }
  }
  document.getElementById("prev-change").addEventListener("click", function () { step(false); });
  document.getElementById("next-change").addEventListener("click", function () { step(true); });
  show(DATA.max_day);

  // --- network tabs: one diagram at a time ---
  var tabs = Array.prototype.slice.call(document.querySelectorAll(".tabs button"));
  function selectTab(btn) {
    tabs.forEach(function (b) {
      var on = b === btn;
      b.setAttribute("aria-selected", on ? "true" : "false");
      document.getElementById(b.getAttribute("aria-controls")).hidden = !on;
    });
  }
  tabs.forEach(function (b) { b.addEventListener("click", function () { selectTab(b); }); });
  if (tabs.length) { selectTab(tabs[tabs.length - 1]); }

  // --- the events table: search and sort ---
  var table = document.getElementById("event-table");
  var body = table.tBodies[0];
  var rows = Array.prototype.slice.call(body.rows);
  var search = document.getElementById("event-search");
  var count = document.getElementById("event-count");
  rows.forEach(function (r) { r.setAttribute("data-text", r.textContent.toLowerCase()); });
  function filter() {
    var terms = search.value.toLowerCase().split(/\s+/).filter(Boolean), shown = 0;
    rows.forEach(function (r) {
      var text = r.getAttribute("data-text");
      r.hidden = !terms.every(function (t) { return text.indexOf(t) >= 0; });
      if (!r.hidden) { shown += 1; }
    });
    count.textContent = shown + " of " + rows.length + " events";
  }
  search.addEventListener("input", filter);
  filter();

  Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, col) {
    var btn = th.querySelector("button");
    if (!btn) { return; }
    btn.addEventListener("click", function () {
      var asc = th.getAttribute("aria-sort") !== "ascending";
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (h) { h.removeAttribute("aria-sort"); });
      th.setAttribute("aria-sort", asc ? "ascending" : "descending");
      var numeric = th.getAttribute("data-type") === "num";
      function keyOf(r) {
        var c = r.cells[col], v = c.hasAttribute("data-sort") ? c.getAttribute("data-sort") : c.textContent.trim();
        return numeric ? (v === "" ? Infinity : Number(v)) : v.toLowerCase();
      }
      // Ties keep replay order, so a sort by kind still reads chronologically.
      rows.sort(function (a, b) {
        var ka = keyOf(a), kb = keyOf(b);
        var c = ka < kb ? -1 : ka > kb ? 1 : Number(a.getAttribute("data-order")) - Number(b.getAttribute("data-order"));
        return asc ? c : (ka === kb ? c : -c);
      });
      rows.forEach(function (r) { body.appendChild(r); });
    });
  });

  // A link to an event the search hides would go nowhere: clear the search first.
  document.addEventListener("click", function (e) {
    var a = e.target.closest && e.target.closest('a[href^="#ev-"]');
    var row = a && document.getElementById(a.getAttribute("href").slice(1));
    if (row && row.hidden) { search.value = ""; filter(); }
  });
}());
