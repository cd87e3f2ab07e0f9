// Triggers and scheduled operations with their next fire times on a
// timeline, operation logs, and quotas (administrators).

import {api, page, all, session} from '../api.js';
import {h, clear, table, pager, badge, field, showError, clearErrors, busy, errorBox, fmtTime} from '../dom.js';
import {nextFires} from '../cron.js';
import {heading} from './resources.js';

const enc = encodeURIComponent;
const NS = 'http://www.w3.org/2000/svg';
const SPANS = {'24 hours': 86400000, '7 days': 7 * 86400000};

function fires(trigger, count = 50, now = Date.now()) {
  try { return nextFires(trigger.properties || {}, count, now); } catch (err) { return null; }
}

function svg(tag, attrs, text) {
  const el = document.createElementNS(NS, tag);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  if (text !== undefined) el.textContent = text;
  return el;
}

// rows: [{label, times: [Date]}] over [now, now + span].
export function timeline(rows, span, now = Date.now()) {
  const width = 900, left = 170, rowH = 28, top = 24;
  const height = top + rows.length * rowH + 8;
  const el = svg('svg', {viewBox: `0 0 ${width} ${height}`, class: 'timeline', role: 'img',
    'aria-label': `Next runs over the next ${Object.keys(SPANS).find((k) => SPANS[k] === span)}`});
  const x = (t) => left + ((t - now) / span) * (width - left - 10);
  const ticks = span > 86400000 ? 7 : 8;
  for (let i = 0; i <= ticks; i++) {
    const t = now + (span * i) / ticks;
    el.append(svg('line', {x1: x(t), x2: x(t), y1: 16, y2: height, class: 'grid'}));
    el.append(svg('text', {x: x(t), y: 12, class: 'tick', 'text-anchor': 'middle'},
      span > 86400000 ? new Date(t).toLocaleDateString(undefined, {weekday: 'short', day: 'numeric'})
        : new Date(t).toLocaleTimeString(undefined, {hour: '2-digit', minute: '2-digit'})));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowH + rowH / 2;
    el.append(svg('text', {x: 4, y: y + 4, class: 'label'}, row.label.length > 22 ? `${row.label.slice(0, 21)}…` : row.label));
    el.append(svg('line', {x1: left, x2: width - 10, y1: y, y2: y, class: 'lane'}));
    for (const t of (row.times || []).filter((d) => d.getTime() <= now + span)) {
      const dot = svg('circle', {cx: x(t.getTime()), cy: y, r: 5, class: 'fire'});
      dot.append(svg('title', {}, `${row.label}: ${t.toLocaleString()}`));
      el.append(dot);
    }
  });
  return el;
}

function triggerForm(onMade) {
  const form = h('form', {class: 'card', novalidate: true, 'aria-label': 'New trigger'});
  const name = h('input', {name: 'name'});
  const format = h('select', {name: 'format'}, h('option', {value: 'crontab'}, 'crontab'), h('option', {value: 'calendar'}, 'calendar (iCal VEVENT)'));
  const pattern = h('input', {name: 'pattern', value: '0 * * * *'});
  const zone = h('input', {name: 'timezone', placeholder: 'UTC'});
  const preview = h('p', {class: 'muted', 'aria-live': 'polite'});
  const update = () => {
    const times = fires({properties: {format: format.value, pattern: pattern.value, timezone: zone.value || null}}, 3);
    preview.textContent = times && times.length ? `Next: ${times.map((t) => t.toLocaleString()).join(', ')}` : 'Next: —';
  };
  pattern.addEventListener('input', update);
  format.addEventListener('change', update);
  const submit = h('button', {type: 'submit'}, 'Create trigger');
  form.append(h('h2', {}, 'New trigger'), field('Name', name), field('Format', format),
    field('Pattern', pattern, 'crontab: minute hour day month weekday'), field('Time zone', zone), preview, submit);
  update();
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const properties = {format: format.value, pattern: pattern.value};
    if (zone.value) properties.timezone = zone.value;
    busy(submit, async () => {
      try {
        const {trigger_info: t} = await api('POST', 'triggers', {trigger_info: {name: name.value, type: 'time', properties}});
        form.reset();
        update();
        onMade(t);
      } catch (err) { showError(form, err); }
    });
  });
  return form;
}

function operationForm(plans, triggers, planId, onMade) {
  const form = h('form', {class: 'card', novalidate: true, 'aria-label': 'Schedule a protection'});
  const name = h('input', {name: 'name'});
  const plan = h('select', {name: 'plan_id'}, plans.map((p) => h('option', {value: p.id, selected: p.id === planId}, p.name || p.id)));
  const trigger = h('select', {name: 'trigger_id'}, triggers.map((t) => h('option', {value: t.id}, `${t.name} (${(t.properties || {}).pattern})`)));
  const submit = h('button', {type: 'submit'}, 'Schedule');
  form.append(h('h2', {}, 'Schedule a protection'), field('Name', name), field('Plan', plan), field('Trigger', trigger), submit);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const chosen = plans.find((p) => p.id === plan.value) || {};
    busy(submit, async () => {
      try {
        await api('POST', 'scheduled_operations', {scheduled_operation: {name: name.value, operation_type: 'protect',
          trigger_id: trigger.value, operation_definition: {provider_id: chosen.provider_id, plan_id: chosen.id}}});
        onMade();
      } catch (err) { showError(form, err); }
    });
  });
  return form;
}

function operationsTable(operations, byId, plans, now, reload) {
  const planName = (op) => {
    const id = (op.operation_definition || {}).plan_id;
    return h('a', {href: `#/plans/${id}`}, (plans.find((p) => p.id === id) || {}).name || id);
  };
  return table([
    {label: 'Name', render: (op) => op.name},
    {label: 'Plan', render: planName},
    {label: 'Trigger', render: (op) => (byId[op.trigger_id] || {}).name || op.trigger_id},
    {label: 'Enabled', render: (op) => badge(op.enabled === false || op.enabled === 'False' ? 'suspended' : 'enabled')},
    {label: 'Next run', render: (op) => {
      const t = byId[op.trigger_id] && fires(byId[op.trigger_id], 1, now);
      return h('time', {class: 'next-run', datetime: t && t[0] ? t[0].toISOString() : ''}, t && t[0] ? t[0].toLocaleString() : '—');
    }},
    {label: 'Runs', render: (op) => runLog(op)},
    {label: '', render: (op) => h('button', {type: 'button', class: 'secondary small', onclick: (e) => busy(e.currentTarget, async () => {
      await api('DELETE', `scheduled_operations/${enc(op.id)}`).then(reload, (err) => alert(err.message));
    })}, 'Delete')},
  ], operations, 'Scheduled operations');
}

function runLog(op) {
  const box = h('details', {}, h('summary', {}, 'Log'));
  box.addEventListener('toggle', async () => {
    if (!box.open || box.dataset.loaded) return;
    box.dataset.loaded = '1';
    try {
      const {scheduled_operation_logs: logs} = await api('GET', `scheduled_operations/${enc(op.id)}/logs?limit=20`);
      box.append(table([{label: 'State', render: (l) => badge(l.state)},
        {label: 'Triggered', render: (l) => fmtTime(l.triggered_time)}, {label: 'Ended', render: (l) => fmtTime(l.end_time)}], logs || []));
    } catch (err) { box.append(errorBox(err)); }
  });
  return box;
}

export async function schedules(main, _params, qs) {
  heading(main, 'Schedules');
  // The forms' choices; the lists below page.
  const [plans, triggers] = await Promise.all([
    all('plans', 'plans', undefined, 500), all('triggers', 'triggers', undefined, 500)]);
  const byId = Object.fromEntries(triggers.map((t) => [t.id, t]));
  const now = Date.now();
  const reload = () => schedules(main, _params, qs);
  const spanSel = h('select', {name: 'span', 'aria-label': 'Timeline span'}, Object.keys(SPANS).map((k) => h('option', {value: k}, k)));
  const line = h('figure', {class: 'timeline-box'});
  let shown = [];
  const draw = () => clear(line, shown.length ? timeline(shown.map((op) => ({label: op.name,
    times: byId[op.trigger_id] ? fires(byId[op.trigger_id], 2000, now) || [] : []})), SPANS[spanSel.value], now)
    : h('p', {class: 'muted'}, 'No scheduled operations.'), h('figcaption', {}, 'Next runs of the scheduled operations listed below.'));
  spanSel.addEventListener('change', draw);
  const loadOperations = async (marker) => {
    const got = await page('scheduled_operations', 'operations', {marker});
    await Promise.all(got.items.filter((op) => !byId[op.trigger_id]).map(async (op) => {
      try { byId[op.trigger_id] = (await api('GET', `triggers/${enc(op.trigger_id)}`)).trigger_info; } catch (e) { /* shown as its id */ }
    }));
    return got;
  };
  const operations = pager(loadOperations, (items) => {
    shown = items;
    draw();
    return operationsTable(items, byId, plans, now, reload);
  }, 'Scheduled operations');
  main.append(h('section', {}, h('h2', {}, 'Timeline'), field('Span', spanSel), line));
  main.append(h('h2', {}, 'Scheduled operations'), operations);
  main.append(h('h2', {}, 'Triggers'), pager((marker) => page('triggers', 'triggers', {marker}), (items) => table([
    {label: 'Name', render: (t) => t.name},
    {label: 'Format', render: (t) => (t.properties || {}).format},
    {label: 'Pattern', render: (t) => h('code', {}, (t.properties || {}).pattern)},
    {label: 'Time zone', render: (t) => (t.properties || {}).timezone || 'UTC'},
    {label: 'Next fire times', render: (t) => (fires(t, 3, now) || []).map((d) => d.toLocaleString()).join(', ') || '—'},
  ], items, 'Triggers'), 'Triggers'));
  main.append(h('div', {class: 'two'}, triggerForm(reload), triggers.length && plans.length
    ? operationForm(plans, triggers, qs.get('plan'), reload) : h('p', {class: 'muted'}, 'Make a plan and a trigger to schedule a protection.')));
}

export async function logs(main) {
  heading(main, 'Operation logs');
  main.append(pager((marker) => page('operation_logs', 'operation_logs', {marker, params: {sort: 'started_at:desc'}}), (items) => table([
    {label: 'Operation', render: (l) => l.operation_type},
    {label: 'Status', render: (l) => badge(l.status)},
    {label: 'Checkpoint', render: (l) => (l.checkpoint_id && l.provider_id ? h('a', {href: `#/checkpoints/${l.provider_id}/${l.checkpoint_id}`}, h('code', {}, l.checkpoint_id.slice(0, 8))) : '')},
    {label: 'Started', render: (l) => fmtTime(l.started_at)},
    {label: 'Ended', render: (l) => fmtTime(l.ended_at)},
    {label: 'Error', render: (l) => (l.error_info ? String(l.error_info) : '')},
  ], items, 'Operation logs'), 'Operation logs'));
}

export async function quotas(main, _params, qs) {
  heading(main, 'Quotas');
  if (!session.isAdmin) {
    main.append(h('p', {}, 'Quotas are managed by administrators.'));
    return;
  }
  const project = qs.get('project') || session.project;
  const pick = h('form', {class: 'filters', onsubmit: (e) => { e.preventDefault(); location.hash = `#/quotas?project=${enc(input.value)}`; }});
  const input = h('input', {name: 'project', value: project});
  pick.append(field('Project id', input), h('button', {type: 'submit', class: 'secondary'}, 'Show'));
  main.append(pick);
  const {quota} = await api('GET', `quotas/${enc(project)}/detail`);
  const form = h('form', {class: 'card', novalidate: true, 'aria-label': 'Quota limits'});
  const inputs = {};
  const rows = Object.entries(quota).filter(([k]) => k !== 'id');
  for (const [key, value] of rows) {
    const limit = value && typeof value === 'object' ? value.limit : value;
    inputs[key] = h('input', {type: 'number', name: key, min: '-1', value: String(limit)});
    form.append(field(`${key}${value && typeof value === 'object' ? ` (in use ${value.in_use}, reserved ${value.reserved || 0})` : ''}`, inputs[key]));
  }
  const save = h('button', {type: 'submit'}, 'Save limits');
  const done = h('p', {'aria-live': 'polite', class: 'ok-note'});
  form.append(save, done);
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    clearErrors(form);
    const body = {quota: Object.fromEntries(Object.entries(inputs).map(([k, el]) => [k, Number(el.value)]))};
    busy(save, async () => {
      try { await api('PUT', `quotas/${enc(project)}`, body); done.textContent = 'Saved.'; } catch (err) { showError(form, err); }
    });
  });
  main.append(form);
}
