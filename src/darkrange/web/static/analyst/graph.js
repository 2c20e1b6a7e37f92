// The link graph: elements from /graph.json (the page's data-src), drawn with Cytoscape.js
// served from npm at /static/vendor/cytoscape/. A click on an edge shows its evidence; a click
// on a node shows what it is and links to its page. No network beyond this site.
"use strict";
(function () {
  const box = document.getElementById("graph");
  const detail = document.getElementById("detail");
  if (!box || !detail) return;
  const why = box.dataset.why || "";
  const colours = {
    identity: "#1f5fbf", account: "#3b8f6a", site: "#7a5bbf",
    key: "#b36b00", address: "#b3261e", contact: "#5b6475",
  };

  function el(tag, text, cls) {
    const node = document.createElement(tag);
    if (text !== undefined) node.textContent = text;
    if (cls) node.className = cls;
    return node;
  }

  function link(href, text) {
    const a = el("a", text);
    a.href = href;
    return a;
  }

  function q(params) {
    return new URLSearchParams(Object.assign({}, params, { why: why })).toString();
  }

  function pageOf(d) {
    if (d.kind === "identity") return "/identity/" + encodeURIComponent(d.label) + "?" + q({});
    if (d.kind === "account") return "/accounts?" + q({ site: d.site, handle: d.handle });
    if (d.kind === "site") return "/site?" + q({ onion: d.site });
    if (d.kind === "address") return "/cluster?" + q({ address: d.value });
    return "/selector?" + q({ value: d.value });
  }

  function showNode(d) {
    detail.replaceChildren(el("h3", d.kind + ": " + d.label));
    if (d.value) detail.append(el("p", d.value, "mono"));
    if (d.site) detail.append(el("p", d.site, "mono"));
    (d.flags || []).forEach((f) => detail.append(el("p", f, "warn")));
    const p = el("p");
    p.append(link(pageOf(d), "Open its page"));
    detail.append(p);
  }

  function showEdge(d) {
    const title = { link: "Link between accounts", member: "Account in identity",
      on_site: "Account on site", shows: "Shown on the profile" }[d.kind] || d.kind;
    detail.replaceChildren(el("h3", title));
    if (d.score !== undefined && d.score !== null) {
      detail.append(el("p", "score " + d.score + (d.status ? " · " + d.status : ""), "pill"));
    }
    const list = el("ul", undefined, "evidence");
    (d.evidence || []).forEach((text) => list.append(el("li", text)));
    detail.append(list);
  }

  function draw(elements) {
    if (typeof cytoscape !== "function") {
      box.replaceChildren(el("p", "Cytoscape.js is not installed (run npm ci).", "error"));
      return;
    }
    const cy = cytoscape({
      container: box,
      elements: elements,
      layout: { name: "cose", animate: false, randomize: false, nodeRepulsion: 9000 },
      style: [
        { selector: "node", style: {
          label: "data(label)", "font-size": 9, "text-valign": "bottom", width: 18, height: 18,
          "background-color": (n) => colours[n.data("kind")] || "#888" } },
        { selector: "node[kind = 'identity']", style: { shape: "diamond", width: 26, height: 26 } },
        { selector: "node[kind = 'site']", style: { shape: "round-rectangle" } },
        { selector: "edge", style: { width: 1.5, "line-color": "#aab2c0", "curve-style": "bezier" } },
        { selector: "edge[kind = 'link']", style: { width: 3, "line-color": "#1f5fbf" } },
        { selector: "edge[status = 'confirmed']", style: { "line-color": "#1e7d3c" } },
        { selector: ":selected", style: { "overlay-opacity": 0.2, "overlay-color": "#000" } },
      ],
    });
    cy.on("tap", "node", (evt) => showNode(evt.target.data()));
    cy.on("tap", "edge", (evt) => showEdge(evt.target.data()));
  }

  fetch(box.dataset.src, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(new Error("HTTP " + r.status))))
    .then(draw)
    .catch((err) => box.replaceChildren(el("p", "Cannot load the graph: " + err.message, "error")));
})();
