// A checkpoint's resource graph (the packed string of its resource_graph)
// drawn as SVG: parents above their dependents, one row per depth.

const NS = 'http://www.w3.org/2000/svg';
const W = 190, H = 46, GAP_X = 24, GAP_Y = 56, PAD = 16;

function s(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs || {})) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

export function parseGraph(packed) {
  if (!packed) return {nodes: [], edges: []};
  const [raw, adjacency] = typeof packed === 'string' ? JSON.parse(packed) : packed;
  const nodes = Object.entries(raw).map(([sid, f]) => ({sid, type: f[0], id: f[1], name: f[2], extra: f[3] || null}));
  const edges = [];
  for (const [parent, children] of adjacency) for (const child of children) edges.push([parent, child]);
  return {nodes, edges};
}

function layers(graph) {
  const children = {};
  const hasParent = new Set();
  for (const [p, c] of graph.edges) { (children[p] = children[p] || []).push(c); hasParent.add(c); }
  const depth = {};
  const visit = (sid, d) => {
    if (depth[sid] !== undefined && depth[sid] >= d) return;
    depth[sid] = d;
    for (const c of children[sid] || []) visit(c, d + 1);
  };
  for (const n of graph.nodes) if (!hasParent.has(n.sid)) visit(n.sid, 0);
  for (const n of graph.nodes) if (depth[n.sid] === undefined) depth[n.sid] = 0;
  const rows = [];
  for (const n of graph.nodes) (rows[depth[n.sid]] = rows[depth[n.sid]] || []).push(n);
  return rows.map((row) => (row || []).sort((a, b) => a.type.localeCompare(b.type) || String(a.name).localeCompare(String(b.name))));
}

function color(type) {
  let hash = 0;
  for (const ch of type) hash = (hash * 31 + ch.charCodeAt(0)) % 360;
  return `hsl(${hash}, 55%, 92%)`;
}

// statuses: optional {resource id: status} from the progress.
export function drawGraph(packed, statuses = {}) {
  const graph = parseGraph(packed);
  const rows = layers(graph);
  const widest = Math.max(1, ...rows.map((r) => r.length));
  const width = PAD * 2 + widest * W + (widest - 1) * GAP_X;
  const height = PAD * 2 + rows.length * H + Math.max(0, rows.length - 1) * GAP_Y;
  const svg = s('svg', {viewBox: `0 0 ${width} ${Math.max(height, 60)}`, width: String(width),
    height: String(Math.max(height, 60)), role: 'img', class: 'graph',
    'aria-label': `Resource graph: ${graph.nodes.length} resources, ${graph.edges.length} dependencies`});
  const at = {};
  rows.forEach((row, depth) => {
    const offset = (width - (row.length * W + (row.length - 1) * GAP_X)) / 2;
    row.forEach((n, i) => { at[n.sid] = {x: offset + i * (W + GAP_X), y: PAD + depth * (H + GAP_Y)}; });
  });
  const edges = s('g', {class: 'edges'});
  for (const [p, c] of graph.edges) {
    const a = at[p], b = at[c];
    const x1 = a.x + W / 2, y1 = a.y + H, x2 = b.x + W / 2, y2 = b.y;
    const mid = (y1 + y2) / 2;
    edges.append(s('path', {d: `M${x1},${y1} C${x1},${mid} ${x2},${mid} ${x2},${y2 - 2}`, class: 'edge',
      'marker-end': 'url(#arrow)'}));
  }
  const defs = s('defs', {});
  const marker = s('marker', {id: 'arrow', viewBox: '0 0 10 10', refX: '9', refY: '5', markerWidth: '7',
    markerHeight: '7', orient: 'auto-start-reverse'});
  marker.append(s('path', {d: 'M0,0 L10,5 L0,10 z', class: 'arrow'}));
  defs.append(marker);
  svg.append(defs, edges);
  for (const n of graph.nodes) {
    const {x, y} = at[n.sid];
    const status = statuses[n.id];
    const g = s('g', {class: `node ${status ? `st-${status}` : ''}`, transform: `translate(${x},${y})`,
      'data-type': n.type, 'data-id': n.id});
    g.append(s('title', {}, `${n.type} ${n.name || ''} (${n.id})${status ? ` — ${status}` : ''}`));
    g.append(s('rect', {width: String(W), height: String(H), rx: '8', fill: color(n.type)}));
    g.append(s('text', {x: '10', y: '18', class: 'type'}, n.type.replace(/^OS::/, '')));
    const name = String(n.name || n.id);
    g.append(s('text', {x: '10', y: '36', class: 'name'}, name.length > 24 ? `${name.slice(0, 23)}…` : name));
    if (status) g.append(s('circle', {cx: String(W - 12), cy: '12', r: '5', class: `dot st-${status}`}));
    svg.append(g);
  }
  return svg;
}
