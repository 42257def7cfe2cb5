/* orgsim report: the interactive network (cytoscape.js) and the map, following the slider. */
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("orgsim-data").textContent);
  var LIVE = DATA.live;
  if (!LIVE) { return; }
  var org = DATA.org;
  var ORDER = Object.keys(LIVE.colors);
  function rank(s) { var i = ORDER.indexOf(s); return i < 0 ? 99 : i; }
  function nameOf(id) { return DATA.names[id] || id; }
  function factWords(f) {
    var ev = LIVE.events_words[f.event] || {};
    return [f.modality + (f.bounds ? " (" + f.bounds + ")" : ""), "since " + (ev.when || f.since) + ": " +
      (ev.what || ""), (ev.sources || []).join(" | ")].filter(Boolean).join("\n");
  }

  // --- the map ---
  var paths = {};
  Array.prototype.forEach.call(document.querySelectorAll("#org-map path[data-iso]"), function (p) {
    paths[p.getAttribute("data-iso")] = p;
  });
  function renderMap(facts) {
    var best = {};
    facts.forEach(function (f) {
      if (f.key[0] === "member" && f.key[1] === org) {
        var cur = best[f.key[2]];
        if (!cur || rank(f.value) < rank(cur.value)) { best[f.key[2]] = f; }
      }
    });
    Object.keys(paths).forEach(function (iso) {
      var p = paths[iso], f = best[iso];
      var status = f ? String(f.value) : "none";
      p.setAttribute("data-status", status);
      p.setAttribute("data-answer", f ? f.modality : "none");
      p.setAttribute("fill", f ? (f.modality === "possible" ? "url(#map-hatch)" : LIVE.colors[status] || "#999999") : "#EEEEEE");
      p.setAttribute("stroke", f && f.modality === "possible" ? LIVE.colors[status] || "#999999" : "#FFFFFF");
      p.setAttribute("fill-opacity", f ? String(LIVE.answer_alpha[f.modality] || 1) : "1");
      p.querySelector("title").textContent = nameOf(iso) + (f ? ": " + status.replace(/_/g, " ") + ", " + factWords(f) : "");
    });
  }

  // --- the network ---
  var cy = null, tip = document.getElementById("net-tip"), moved = {};
  function elementsOn(facts) {
    var els = [], have = {};
    function node(id, type, extra) {
      if (have[id]) { return; }
      have[id] = true;
      var st = LIVE.node_style[type] || LIVE.node_style.other;
      var p = moved[id] || LIVE.positions[id] || [0, 0];
      els.push({group: "nodes", data: Object.assign({id: id, label: id === org ? nameOf(id) : id, type: type,
        shape: st.shape, color: st.color, alpha: 1, words: nameOf(id)}, extra || {}), position: {x: p[0], y: p[1]}});
    }
    var orgFact = facts.filter(function (f) { return f.key[0] === "org" && f.key[1] === org; })[0];
    if (!orgFact) { return els; }
    // Many states: each region's block of tiles under its name (fixed, not draggable).
    var tiles = Object.keys(LIVE.region_headings || {}).length > 0;
    Object.keys(LIVE.region_headings || {}).forEach(function (name) {
      var p = LIVE.region_headings[name];
      els.push({group: "nodes", data: {id: "region:" + name, label: name, type: "region", shape: "rectangle",
        color: "#FFFFFF", alpha: 0, words: name}, position: {x: p[0], y: p[1]}, grabbable: false,
        selectable: false, classes: "region"});
    });
    node(org, "organization", {words: nameOf(org) + "\n" + factWords(orgFact)});
    var best = {};
    facts.forEach(function (f) {
      if (f.key[0] === "member" && f.key[1] === org) {
        var cur = best[f.key[2]];
        if (!cur || rank(f.value) < rank(cur.value)) { best[f.key[2]] = f; }
      }
    });
    Object.keys(best).sort().forEach(function (id) {
      var f = best[id], status = String(f.value);
      node(id, "state", {status: status, answer: f.modality, color: LIVE.colors[status] || "#999999",
        alpha: LIVE.answer_alpha[f.modality] || 1,
        words: nameOf(id) + ": " + status.replace(/_/g, " ") + "\n" + factWords(f)});
      if (tiles) { return; }  // tiles carry their status in their colour, as in the figures: no edge to hide them
      els.push({group: "edges", data: {id: "e-" + id, source: id, target: org, color: LIVE.colors[status] || "#999999",
        answer: f.modality, words: nameOf(id) + " " + status + "\n" + factWords(f)}});
    });
    facts.forEach(function (f) {
      if ((f.key[0] === "body" || f.key[0] === "force") && f.value.org === org) {
        var id = f.key[1];
        node(id, f.key[0], {answer: f.modality, label: id.indexOf(org + ".") === 0 ? id.slice(org.length + 1) : id,
          alpha: LIVE.answer_alpha[f.modality] || 1, words: (f.value.name || id) + "\n" + factWords(f)});
      }
    });
    facts.forEach(function (f) {
      if ((f.key[0] === "body" || f.key[0] === "force") && f.value.org === org) {
        var parent = f.value.parent && have[f.value.parent] ? f.value.parent : org;
        els.push({group: "edges", data: {id: "p-" + f.key[1], source: f.key[1], target: parent, color: "#999999",
          answer: f.modality, words: (f.value.name || f.key[1]) + " is part of " + nameOf(parent)}});
      }
    });
    return els;
  }
  function renderNetwork(facts) {
    var box = document.getElementById("net-live");
    if (!box || typeof cytoscape === "undefined") { return; }
    var els = elementsOn(facts);
    if (!cy) {
      cy = cytoscape({container: box, elements: els, layout: {name: "preset"}, wheelSensitivity: 0.3,
        style: [
          {selector: "node", style: {"background-color": "data(color)", "shape": "data(shape)", "label": "data(label)",
            "font-size": 10, "text-valign": "center", "text-halign": "right", "text-margin-x": 4, "width": 12,
            "height": 12, "border-width": 1, "border-color": "#000", "background-opacity": "data(alpha)"}},
          {selector: "node[type = 'organization']", style: {"width": 22, "height": 22, "text-valign": "bottom",
            "text-halign": "center", "font-weight": "bold"}},
          {selector: "node[answer = 'possible']", style: {"border-style": "dashed", "border-width": 2}},
          {selector: "node.region", style: {"width": 1, "height": 1, "border-width": 0, "font-size": 12,
            "font-weight": "bold", "text-halign": "right", "text-margin-x": 0}},
          {selector: "edge", style: {"line-color": "data(color)", "width": 1.2, "curve-style": "straight"}},
          {selector: "edge[answer = 'possible']", style: {"line-style": "dashed"}},
          {selector: "edge[answer = 'presumed']", style: {"opacity": 0.4}}
        ]});
      cy.on("mouseover", "node, edge", function (e) {
        tip.textContent = e.target.data("words");
        tip.hidden = false;
      });
      cy.on("mouseout", "node, edge", function () { tip.hidden = true; });
      cy.on("dragfree", "node", function (e) { var p = e.target.position(); moved[e.target.id()] = [p.x, p.y]; });
      window.orgsimNetwork = cy;
      cy.fit(undefined, 20);
      return;
    }
    cy.batch(function () {
      cy.elements().remove();
      cy.add(els);
    });
  }
  function render(detail) {
    renderMap(detail.facts);
    renderNetwork(detail.facts);
    var n = document.getElementById("live-date");
    if (n) { n.textContent = document.getElementById("slider-date").textContent; }
  }
  document.addEventListener("orgsim-day", function (e) { render(e.detail); });
  if (window.orgsimDay) { render(window.orgsimDay); }
}());
