/* Force layout of the ecosystem graph, off the main thread.
 *
 * Springs pull linked nodes together; nodes push their near neighbours away,
 * found through a uniform grid so one step costs O(nodes + links) rather
 * than O(nodes²). The layout cools down like a simulated annealing and posts
 * the positions every few steps, so the page draws it as it settles.
 */
"use strict";

let x, y, vx, vy, fx, fy, src, dst, n, m, gx = 1, ticks = 0, cooling = 0.985, timer = null;

self.onmessage = (event) => {
  const data = event.data;
  n = data.n;
  x = data.x; y = data.y;
  src = data.src; dst = data.dst; m = src.length;
  // A wide canvas: pull less sideways, so the layout fills its width.
  gx = Math.min(1, Math.pow(data.aspect || 1, 2));
  vx = new Float32Array(n); vy = new Float32Array(n);
  fx = new Float32Array(n); fy = new Float32Array(n);
  // Big graphs cool faster: the far field settles them early.
  cooling = n > 2000 ? 0.965 : 0.985;
  ticks = 0;
  if (timer) clearTimeout(timer);
  run(1);
};

const CELL = 80, SPRING = 30, REPEL = 600, GRAVITY = 0.02, STEPS_PER_POST = 3, FAR_EVERY = 4;

function step(alpha) {
  // Repulsion between nodes in the same or neighbouring cells.
  const cells = new Map();
  for (let i = 0; i < n; i++) {
    const key = Math.floor(x[i] / CELL) * 100003 + Math.floor(y[i] / CELL);
    let list = cells.get(key);
    if (!list) { list = []; cells.set(key, list); }
    list.push(i);
  }
  // Each cell's centre of mass stands for its nodes far away (one level of
  // Barnes–Hut): long-range repulsion spreads clusters apart without
  // comparing every pair of nodes.
  const kxs = [], kys = [], mx = [], my = [], mass = [];
  for (const list of cells.values()) {
    let sx = 0, sy = 0;
    for (const i of list) { sx += x[i]; sy += y[i]; }
    kxs.push(Math.floor(list.length && x[list[0]] / CELL));
    kys.push(Math.floor(list.length && y[list[0]] / CELL));
    mx.push(sx / list.length); my.push(sy / list.length); mass.push(list.length);
  }
  const cellCount = mass.length;
  // The far field changes slowly: recompute it every few steps only.
  const far = ticks++ % FAR_EVERY === 0;
  for (let i = 0; i < n; i++) {
    const cx = Math.floor(x[i] / CELL), cy = Math.floor(y[i] / CELL);
    if (far) {
      let sx = 0, sy = 0;
      for (let c = 0; c < cellCount; c++) {
        if (Math.abs(kxs[c] - cx) <= 1 && Math.abs(kys[c] - cy) <= 1) continue;
        const ex = x[i] - mx[c], ey = y[i] - my[c];
        const f = (REPEL * mass[c]) / (ex * ex + ey * ey + 1);
        sx += ex * f; sy += ey * f;
      }
      fx[i] = sx; fy[i] = sy;
    }
    vx[i] += fx[i] * alpha; vy[i] += fy[i] * alpha;
    for (let dx = -1; dx <= 1; dx++) {
      for (let dy = -1; dy <= 1; dy++) {
        const list = cells.get((cx + dx) * 100003 + cy + dy);
        if (!list) continue;
        for (const j of list) {
          if (j <= i) continue;
          let ex = x[i] - x[j], ey = y[i] - y[j];
          let d2 = ex * ex + ey * ey;
          if (d2 < 0.01) { ex = (i % 7) - 3 + 0.5; ey = (j % 5) - 2 + 0.5; d2 = ex * ex + ey * ey; }
          const f = (REPEL * alpha) / d2;
          vx[i] += ex * f; vy[i] += ey * f;
          vx[j] -= ex * f; vy[j] -= ey * f;
        }
      }
    }
  }
  // Springs along the links.
  for (let k = 0; k < m; k++) {
    const a = src[k], b = dst[k];
    const ex = x[b] - x[a], ey = y[b] - y[a];
    const d = Math.sqrt(ex * ex + ey * ey) || 1;
    const f = ((d - SPRING) / d) * 0.04 * alpha;
    vx[a] += ex * f; vy[a] += ey * f;
    vx[b] -= ex * f; vy[b] -= ey * f;
  }
  for (let i = 0; i < n; i++) {
    vx[i] -= x[i] * GRAVITY * gx * alpha; vy[i] -= y[i] * GRAVITY * alpha;
    vx[i] *= 0.6; vy[i] *= 0.6;
    const s = vx[i] * vx[i] + vy[i] * vy[i];
    if (s > 400) { const r = 20 / Math.sqrt(s); vx[i] *= r; vy[i] *= r; }
    x[i] += vx[i]; y[i] += vy[i];
  }
}

function run(alpha) {
  for (let s = 0; s < STEPS_PER_POST; s++) { step(alpha); alpha *= cooling; }
  const done = alpha < 0.02;
  self.postMessage({ x: x.slice(), y: y.slice(), done });
  if (!done) timer = setTimeout(() => run(alpha), 0);
}
