// Small DOM helpers: elements, tables, pagers, errors, status badges.

export function h(tag, attrs, ...children) {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs || {})) {
    if (value === undefined || value === null || value === false) continue;
    if (key.startsWith('on')) el.addEventListener(key.slice(2), value);
    else if (key === 'class') el.className = value;
    else if (key === 'text') el.textContent = value;
    else if (value === true) el.setAttribute(key, '');
    else el.setAttribute(key, value);
  }
  append(el, children);
  return el;
}

export function append(el, children) {
  for (const child of children.flat(Infinity)) {
    if (child === null || child === undefined || child === false) continue;
    el.append(child instanceof Node ? child : String(child));
  }
  return el;
}

export function clear(el, ...children) {
  el.replaceChildren();
  return append(el, children);
}

export function announce(text) {
  const status = document.getElementById('status');
  if (status) status.textContent = text;
}

export function fmtTime(value) {
  if (!value) return '—';
  const date = value instanceof Date ? value : new Date(/Z|[+-]\d\d:?\d\d$/.test(value) || value.length <= 10 ? value : value + 'Z');
  if (Number.isNaN(date.getTime())) return String(value);
  return value.length === 10 ? value : date.toLocaleString();
}

export function fmtDuration(seconds) {
  if (seconds === null || seconds === undefined) return '';
  seconds = Math.max(0, Math.round(seconds));
  if (seconds < 60) return `${seconds}s`;
  const m = Math.floor(seconds / 60), s = seconds % 60;
  if (m < 60) return `${m}m ${s}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

const STATUS_CLASS = {
  available: 'ok', success: 'ok', finished: 'ok', enabled: 'ok', started: 'ok',
  error: 'bad', fail: 'bad', 'error-deleting': 'bad', cancelled: 'warn',
  protecting: 'run', restoring: 'run', in_progress: 'run', copying: 'run',
  wait_copying: 'run', deleting: 'run', cancelling: 'run', suspended: 'muted',
  deleted: 'muted', done: 'ok', running: 'run', pending: 'muted',
};

export const RUNNING = new Set(['protecting', 'restoring', 'in_progress', 'copying',
  'wait_copying', 'deleting', 'cancelling']);

export function badge(status) {
  return h('span', {class: `badge ${STATUS_CLASS[status] || ''}`}, status || '—');
}

export function progressBar(progress, label) {
  const percent = progress && typeof progress.percent === 'number' ? progress.percent : null;
  const bar = h('div', {class: 'progress', role: 'progressbar', 'aria-label': label || 'Progress',
    'aria-valuemin': '0', 'aria-valuemax': '100',
    'aria-valuenow': percent === null ? undefined : String(percent)});
  const fill = h('div', {class: percent === null ? 'fill indeterminate' : 'fill'});
  if (percent !== null) fill.style.width = `${Math.min(100, percent)}%`;
  bar.append(fill);
  const parts = [];
  if (percent !== null) parts.push(`${percent.toFixed(1)}%`);
  if (progress && progress.total) parts.push(`${progress.done}/${progress.total} resources`);
  if (progress && progress.eta_seconds !== null && progress.eta_seconds !== undefined &&
      percent !== null && percent < 100) {
    parts.push(progress.eta_seconds > 0 ? `ETA ${fmtDuration(progress.eta_seconds)}` : 'ETA <1s');
  }
  return h('div', {class: 'progress-wrap'}, bar, h('span', {class: 'progress-text'}, parts.join(' · ')));
}

// A table: columns are {label, render(row) -> node|string}.
export function table(columns, rows, caption) {
  return h('div', {class: 'table-wrap'},
    h('table', {},
      caption ? h('caption', {class: 'sr-only'}, caption) : null,
      h('thead', {}, h('tr', {}, columns.map((c) => h('th', {scope: 'col'}, c.label)))),
      h('tbody', {}, rows.length ? rows.map((row) => h('tr', {'data-id': row.id},
        columns.map((c) => h('td', {'data-label': c.label}, c.render(row)))))
        : h('tr', {}, h('td', {colspan: String(columns.length), class: 'muted'}, 'Nothing here yet.')))));
}

// A paged list: load(marker) -> {items, next}; render(items) -> node.
// Keeps the markers of the pages seen, for "Previous".
export function pager(load, render, label = 'list') {
  const box = h('section', {class: 'paged', 'aria-label': label});
  const body = h('div', {class: 'page-body', 'aria-busy': 'true'}, h('p', {class: 'muted'}, 'Loading…'));
  const prev = h('button', {type: 'button', class: 'secondary', disabled: true}, '← Previous');
  const next = h('button', {type: 'button', class: 'secondary', disabled: true}, 'Next →');
  const where = h('span', {class: 'muted'});
  const stack = [undefined];
  let nextMarker = null;
  let token = 0;
  async function show() {
    const mine = ++token;
    body.setAttribute('aria-busy', 'true');
    prev.disabled = next.disabled = true;
    try {
      const got = await load(stack[stack.length - 1]);
      if (mine !== token) return;
      nextMarker = got.next;
      clear(body, render(got.items));
      where.textContent = `Page ${stack.length}`;
    } catch (err) {
      if (mine !== token) return;
      clear(body, errorBox(err));
    } finally {
      if (mine === token) {
        body.setAttribute('aria-busy', 'false');
        prev.disabled = stack.length < 2;
        next.disabled = !nextMarker;
      }
    }
  }
  prev.addEventListener('click', () => { stack.pop(); show(); });
  next.addEventListener('click', () => { stack.push(nextMarker); show(); });
  box.append(body, h('div', {class: 'pager'}, prev, where, next));
  box.reload = show;
  show();
  return box;
}

export function errorBox(err) {
  return h('div', {class: 'error', role: 'alert'}, err && err.message ? err.message : String(err));
}

// Put an API error next to the field it names (a form control whose name
// appears in the message), else at the top of the form.
export function showError(form, err) {
  clearErrors(form);
  const message = err && err.message ? err.message : String(err);
  let best = null;
  for (const control of form.querySelectorAll('[name]')) {
    const name = control.getAttribute('name').split('.').pop();
    if (name.length < 2) continue;
    const pattern = new RegExp(`(^|[^\\w])${name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}([^\\w]|$)`);
    if (pattern.test(message) && (!best || name.length > best.name.length)) best = {control, name};
  }
  const note = h('div', {class: 'field-error', role: 'alert', id: `err-${Math.random().toString(36).slice(2)}`}, message);
  if (best) {
    const field = best.control.closest('.field') || best.control.parentElement;
    field.append(note);
    best.control.setAttribute('aria-invalid', 'true');
    best.control.setAttribute('aria-describedby', note.id);
    best.control.focus();
  } else {
    form.prepend(note);
  }
  return note;
}

export function clearErrors(form) {
  for (const note of form.querySelectorAll('.field-error')) note.remove();
  for (const control of form.querySelectorAll('[aria-invalid]')) control.removeAttribute('aria-invalid');
}

export function field(label, control, help) {
  const id = control.id || `f-${Math.random().toString(36).slice(2)}`;
  control.id = id;
  return h('div', {class: 'field'}, h('label', {for: id}, label), control,
    help ? h('div', {class: 'help'}, help) : null);
}

export function button(label, onclick, cls = '') {
  return h('button', {type: 'button', class: cls, onclick}, label);
}

// Run an async action from a button without blocking the page; the
// button shows it is busy and cannot be pressed twice.
export async function busy(btn, action) {
  const label = btn.textContent;
  btn.disabled = true;
  btn.setAttribute('aria-busy', 'true');
  try {
    return await action();
  } finally {
    btn.disabled = false;
    btn.removeAttribute('aria-busy');
    btn.textContent = label;
  }
}

// A repeating poll that stops when the page changes or stop() is called.
export function poller(fn, interval = 1000) {
  let stopped = false;
  let timer = null;
  const route = location.hash;
  async function tick() {
    if (stopped || location.hash !== route) return;
    let again = true;
    try { again = (await fn()) !== false; } catch (e) { again = true; }
    if (again && !stopped && location.hash === route) timer = setTimeout(tick, interval);
  }
  timer = setTimeout(tick, 0);
  return {stop() { stopped = true; clearTimeout(timer); }};
}
