/* The ecosystem graph on a canvas: fetch, lay out in a worker, draw, explore.
 *
 * Pan by dragging (or the arrow keys), zoom with the wheel (or + and −),
 * hover a node for its name, click (or Enter on the hovered node) to open
 * its page. The list under the figure holds the same nodes as links.
 */
"use strict";

(function () {
  const figure = document.getElementById("eco-graph");
  if (!figure) return;
  const canvas = document.getElementById("eco-canvas");
  const tip = document.getElementById("eco-tip");
  const ctx = canvas.getContext("2d");
  const css = getComputedStyle(document.documentElement);
  const TYPES = ["actor", "commons", "project", "challenge"];
  const COLOURS = {};
  TYPES.forEach((t) => { COLOURS[t] = css.getPropertyValue("--eco-" + t).trim() || "#333"; });
  const stats = { frames: [], draws: [], nodes: 0, edges: 0, settled: false };
  window.ecoGraphStats = stats;

  let nodes = [], x, y, src, dst, n = 0;
  let scale = 1, ox = 0, oy = 0, dpr = window.devicePixelRatio || 1;
  let hovered = -1, dirty = true, fitted = false, userMoved = false;
  let grid = null;
  let order = [];  // node indices, most linked first
  let worker = null;
  // Where node i is drawn, in CSS pixels of the canvas (tests, benchmarks).
  stats.at = (i) => [x[i] * scale + ox, y[i] * scale + oy];

  canvas.tabIndex = 0;

  function resize() {
    const rect = canvas.getBoundingClientRect();
    dpr = window.devicePixelRatio || 1;
    canvas.width = Math.round(rect.width * dpr);
    canvas.height = Math.round(rect.height * dpr);
    dirty = true;
  }

  function radius(i) { return 2.2 + nodes[i].size * 1.6; }
  // On screen a node keeps a readable size whatever the zoom.
  function screenRadius(i) { return radius(i) * Math.max(0.8, Math.min(scale, 2)); }

  function fit() {
    if (!n) return;
    let x0 = Infinity, y0 = Infinity, x1 = -Infinity, y1 = -Infinity;
    for (let i = 0; i < n; i++) {
      if (x[i] < x0) x0 = x[i]; if (x[i] > x1) x1 = x[i];
      if (y[i] < y0) y0 = y[i]; if (y[i] > y1) y1 = y[i];
    }
    const w = canvas.width / dpr, h = canvas.height / dpr;
    scale = Math.min(w / Math.max(x1 - x0 + 60, 1), h / Math.max(y1 - y0 + 60, 1), 4);
    ox = w / 2 - ((x0 + x1) / 2) * scale;
    oy = h / 2 - ((y0 + y1) / 2) * scale;
    dirty = true;
  }

  function buildGrid() {
    grid = new Map();
    for (let i = 0; i < n; i++) {
      const key = Math.floor(x[i] / 20) * 100003 + Math.floor(y[i] / 20);
      let list = grid.get(key);
      if (!list) { list = []; grid.set(key, list); }
      list.push(i);
    }
  }

  function nodeAt(px, py) {
    if (!grid) return -1;
    const gx = (px - ox) / scale, gy = (py - oy) / scale;
    const cx = Math.floor(gx / 20), cy = Math.floor(gy / 20);
    let best = -1, bestD = Infinity;
    const reach = Math.max(1, Math.ceil(12 / scale / 20));
    for (let dx = -reach; dx <= reach; dx++) {
      for (let dy = -reach; dy <= reach; dy++) {
        const list = grid.get((cx + dx) * 100003 + cy + dy);
        if (!list) continue;
        for (const i of list) {
          const d = Math.hypot(x[i] - gx, y[i] - gy) * scale;
          if (d < Math.max(screenRadius(i), 6) && d < bestD) { best = i; bestD = d; }
        }
      }
    }
    return best;
  }

  function draw() {
    const started = performance.now();
    const w = canvas.width, h = canvas.height;
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.clearRect(0, 0, w, h);
    ctx.setTransform(dpr * scale, 0, 0, dpr * scale, dpr * ox, dpr * oy);
    ctx.lineWidth = 0.8 / scale;
    ctx.strokeStyle = "rgba(74, 82, 96, 0.28)";
    ctx.beginPath();
    for (let k = 0; k < src.length; k++) {
      ctx.moveTo(x[src[k]], y[src[k]]);
      ctx.lineTo(x[dst[k]], y[dst[k]]);
    }
    ctx.stroke();
    for (const type of TYPES) {
      ctx.fillStyle = COLOURS[type];
      ctx.beginPath();
      for (let i = 0; i < n; i++) {
        if (nodes[i].type !== type) continue;
        const r = screenRadius(i) / scale;
        ctx.moveTo(x[i] + r, y[i]);
        ctx.arc(x[i], y[i], r, 0, Math.PI * 2);
      }
      ctx.fill();
    }
    // Names of the biggest nodes when there is room for them.
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#1b1f24";
    // Names: every node in view once zoomed in, else the most linked ones.
    let shown = 0;
    const zoomed = n <= 80 || scale > 1.6;
    for (const i of zoomed ? order : order.slice(0, 14)) {
      const sx = x[i] * scale + ox, sy = y[i] * scale + oy;
      if (sx < 0 || sy < 0 || sx > w / dpr || sy > h / dpr) continue;
      const text = nodes[i].label.length > 30 ? nodes[i].label.slice(0, 29) + "…" : nodes[i].label;
      const tx = sx + screenRadius(i) + 3;
      ctx.strokeStyle = "rgba(255, 255, 255, 0.85)";
      ctx.lineWidth = 3;
      ctx.strokeText(text, tx, sy + 4);
      ctx.fillText(text, tx, sy + 4);
      if (++shown >= 300) break;
    }
    if (hovered >= 0) {
      const sx = x[hovered] * scale + ox, sy = y[hovered] * scale + oy;
      ctx.strokeStyle = "#ffbf47";
      ctx.lineWidth = 3;
      ctx.beginPath();
      ctx.arc(sx, sy, screenRadius(hovered) + 3, 0, Math.PI * 2);
      ctx.stroke();
    }
    stats.draws.push(performance.now() - started);
    if (stats.draws.length > 600) stats.draws.shift();
  }

  let last = 0;
  function frame(now) {
    if (last) { stats.frames.push(now - last); if (stats.frames.length > 600) stats.frames.shift(); }
    last = now;
    if (dirty && n) { dirty = false; draw(); }
    requestAnimationFrame(frame);
  }

  function showTip(i, px, py) {
    if (i < 0) { tip.hidden = true; canvas.classList.remove("pointing"); return; }
    const label = figure.dataset["label" + nodes[i].type.charAt(0).toUpperCase() + nodes[i].type.slice(1)] || nodes[i].type;
    tip.textContent = nodes[i].label + " · " + label;
    tip.hidden = false;
    tip.style.left = Math.min(px + 14, canvas.clientWidth - 200) + "px";
    tip.style.top = (py + 14) + "px";
    canvas.classList.add("pointing");
  }

  function zoom(factor, px, py) {
    if (factor === 0) { userMoved = false; fit(); return; }
    px = px === undefined ? canvas.clientWidth / 2 : px;
    py = py === undefined ? canvas.clientHeight / 2 : py;
    const next = Math.min(Math.max(scale * factor, 0.02), 40);
    ox = px - ((px - ox) * next) / scale;
    oy = py - ((py - oy) * next) / scale;
    scale = next;
    userMoved = true;
    dirty = true;
  }

  let drag = null;
  canvas.addEventListener("pointerdown", (e) => {
    drag = { x: e.clientX, y: e.clientY, ox, oy, moved: false };
    canvas.setPointerCapture(e.pointerId);
  });
  canvas.addEventListener("pointermove", (e) => {
    const rect = canvas.getBoundingClientRect();
    const px = e.clientX - rect.left, py = e.clientY - rect.top;
    if (drag) {
      const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
      if (Math.abs(dx) + Math.abs(dy) > 3) { drag.moved = true; canvas.classList.add("dragging"); }
      if (drag.moved) { ox = drag.ox + dx; oy = drag.oy + dy; userMoved = true; dirty = true; }
      return;
    }
    const i = nodeAt(px, py);
    if (i !== hovered) { hovered = i; dirty = true; }
    showTip(i, px, py);
  });
  canvas.addEventListener("pointerup", (e) => {
    const wasDrag = drag && drag.moved;
    drag = null;
    canvas.classList.remove("dragging");
    if (!wasDrag) {
      const rect = canvas.getBoundingClientRect();
      const i = nodeAt(e.clientX - rect.left, e.clientY - rect.top);
      if (i >= 0 && nodes[i].url) window.location.assign(nodes[i].url);
    }
  });
  canvas.addEventListener("pointerleave", () => { if (!drag) { hovered = -1; showTip(-1); dirty = true; } });
  canvas.addEventListener("wheel", (e) => {
    e.preventDefault();
    const rect = canvas.getBoundingClientRect();
    zoom(e.deltaY < 0 ? 1.15 : 1 / 1.15, e.clientX - rect.left, e.clientY - rect.top);
  }, { passive: false });
  canvas.addEventListener("keydown", (e) => {
    const moves = { ArrowLeft: [40, 0], ArrowRight: [-40, 0], ArrowUp: [0, 40], ArrowDown: [0, -40] };
    if (moves[e.key]) { ox += moves[e.key][0]; oy += moves[e.key][1]; userMoved = true; dirty = true; e.preventDefault(); }
    else if (e.key === "+" || e.key === "=") { zoom(1.25); e.preventDefault(); }
    else if (e.key === "-") { zoom(0.8); e.preventDefault(); }
    else if (e.key === "0") { zoom(0); e.preventDefault(); }
    else if (e.key === "Enter" && hovered >= 0 && nodes[hovered].url) { window.location.assign(nodes[hovered].url); }
  });
  figure.querySelectorAll("[data-zoom]").forEach((button) => {
    button.addEventListener("click", () => zoom(parseFloat(button.dataset.zoom)));
  });
  window.addEventListener("resize", () => { resize(); if (!userMoved) fit(); });

  function start(data) {
    if (worker) { worker.terminate(); worker = null; }
    stats.settled = false;
    delete figure.dataset.settled;
    userMoved = false;
    nodes = data.nodes;
    n = nodes.length;
    const index = new Map();
    nodes.forEach((node, i) => index.set(node.id, i));
    const pairs = data.edges.filter((e) => index.has(e.source) && index.has(e.target));
    src = new Int32Array(pairs.length);
    dst = new Int32Array(pairs.length);
    pairs.forEach((e, k) => { src[k] = index.get(e.source); dst[k] = index.get(e.target); });
    // A sunflower spiral per node type: readable before the layout settles.
    x = new Float32Array(n); y = new Float32Array(n);
    const golden = Math.PI * (3 - Math.sqrt(5));
    for (let i = 0; i < n; i++) {
      const t = TYPES.indexOf(nodes[i].type);
      const r = 9 * Math.sqrt(i + 1);
      x[i] = r * Math.cos(i * golden) + (t % 2 ? 30 : -30);
      y[i] = r * Math.sin(i * golden) + (t > 1 ? 30 : -30);
    }
    order = nodes.map((_node, i) => i).sort((a, b) => nodes[b].size - nodes[a].size);
    stats.nodes = n; stats.edges = pairs.length;
    resize(); fit(); buildGrid();
    dirty = true;
    if (!n) { stats.settled = true; figure.dataset.settled = "true"; return; }
    worker = new Worker(figure.dataset.worker);
    worker.onmessage = (event) => {
      x = event.data.x; y = event.data.y;
      buildGrid();
      if (!userMoved) fit();
      dirty = true;
      if (event.data.done) {
        stats.settled = true;
        figure.dataset.settled = "true";
        worker.terminate();
        worker = null;
      }
    };
    const aspect = canvas.clientHeight / Math.max(canvas.clientWidth, 1);
    worker.postMessage({ n, x: x.slice(), y: y.slice(), src, dst, aspect });
  }

  window.ecoGraphStart = start;  // lets a benchmark feed a generated graph
  requestAnimationFrame(frame);
  fetch(figure.dataset.src, { headers: { Accept: "application/json" } })
    .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
    .then(start)
    .catch(() => { figure.dataset.failed = "true"; });
})();
