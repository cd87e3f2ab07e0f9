// Checkpoints with live progress, each one's resource graph, restore with
// its preview and confirm step, and restores.

import {api, page, optional, has} from '../api.js';
import {h, clear, table, pager, badge, field, showError, clearErrors, busy, errorBox, progressBar,
  fmtTime, RUNNING, poller, announce} from '../dom.js';
import {schemaForm} from '../schema.js';
import {drawGraph, parseGraph} from '../graph.js';
import {heading, providersAll, providerSelect} from './resources.js';

const enc = encodeURIComponent;
const cpPath = (provider, id) => `providers/${enc(provider)}/checkpoints/${enc(id)}`;
const LIST_POLL_MS = 1500;
const DETAIL_POLL_MS = 1000;

function planOf(cp) { return cp.protection_plan || {}; }

// The progress summary of a checkpoint: the cheap endpoint when the
// server has it, else the show view (its "progress" when it has one).
async function checkpointProgress(provider, id) {
  const got = await optional('progress', 'GET', `${cpPath(provider, id)}/progress`);
  if (got) return {progress: got.progress};
  const {checkpoint} = await api('GET', cpPath(provider, id));
  return {progress: checkpoint.progress || {status: checkpoint.status, percent: null}, checkpoint};
}

function statusCell(cp) {
  const cell = h('div', {class: 'live', 'data-status': cp.status}, badge(cp.status));
  if (RUNNING.has(cp.status)) cell.append(progressBar(cp.progress, `Progress of checkpoint ${cp.id}`));
  return cell;
}

async function cancelCheckpoint(provider, id) {
  return optional('cancel', 'POST', `${cpPath(provider, id)}/cancel`, {});
}

export async function list(main, _params, qs) {
  const providersList = await providersAll();
  const provider = qs.get('provider') || (providersList[0] || {}).id;
  const planId = qs.get('plan') || '';
  heading(main, 'Checkpoints');
  const select = providerSelect(providersList, provider);
  const planInput = h('input', {name: 'plan_id', value: planId, placeholder: 'any plan'});
  const filters = h('form', {class: 'filters', onsubmit: (e) => {
    e.preventDefault();
    location.hash = `#/checkpoints?provider=${select.value}${planInput.value ? `&plan=${planInput.value}` : ''}`;
  }}, field('Provider', select), field('Plan id', planInput), h('button', {type: 'submit', class: 'secondary'}, 'Show'));
  main.append(filters);
  if (!provider) { main.append(h('p', {}, 'No provider.')); return; }
  let watch = null;
  const render = (items) => {
    if (watch) watch.stop();
    const node = table([
      {label: 'Checkpoint', render: (cp) => h('a', {href: `#/checkpoints/${provider}/${cp.id}`}, h('code', {}, cp.id.slice(0, 8)))},
      {label: 'Plan', render: (cp) => planOf(cp).name || planOf(cp).id || ''},
      {label: 'Status', render: statusCell},
      {label: 'Created', render: (cp) => fmtTime(cp.created_at)},
      {label: '', render: (cp) => RUNNING.has(cp.status) && has('cancel')
        ? h('button', {type: 'button', class: 'secondary small', 'data-cancel': cp.id,
          onclick: (e) => busy(e.currentTarget, async () => { await cancelCheckpoint(provider, cp.id).catch((err) => alert(err.message)); })}, 'Cancel')
        : ''},
    ], items, 'Checkpoints');
    const running = items.filter((cp) => RUNNING.has(cp.status));
    if (running.length) {
      // Live rows only: the rest of the page stays as it is.
      watch = poller(async () => {
        let still = 0;
        await Promise.all(running.map(async (cp) => {
          const row = node.querySelector(`tr[data-id="${cp.id}"]`);
          if (!row || !RUNNING.has(cp.status)) return;
          try {
            const {progress} = await checkpointProgress(provider, cp.id);
            cp.status = progress.status || cp.status;
            cp.progress = progress;
            row.children[2].replaceChildren(statusCell(cp));
            if (RUNNING.has(cp.status)) still++;
            else row.querySelector('[data-cancel]')?.remove();
          } catch (err) { still++; }
        }));
        return still > 0;
      }, LIST_POLL_MS);
    }
    return node;
  };
  main.append(pager((marker) => page(`providers/${enc(provider)}/checkpoints`, 'checkpoints',
    {marker, params: {plan_id: planId || undefined}}), render, 'Checkpoints'));
}

function resourceTable(progress) {
  return table([
    {label: 'Resource', render: (r) => `${r.type} ${r.name || r.id}`},
    {label: 'Status', render: (r) => badge(r.status)},
    {label: 'Done', render: (r) => (r.total ? `${r.done ?? 0} / ${r.total} ${r.unit || ''}` : '')},
  ], (progress && progress.resources) || [], 'Resources of the operation');
}

export async function detail(main, [provider, id]) {
  const {checkpoint: cp} = await api('GET', cpPath(provider, id));
  const cancel = h('button', {type: 'button', class: 'danger'}, 'Cancel');
  const restore = h('a', {class: 'button', href: `#/restore/${provider}/${id}`}, 'Restore…');
  const remove = h('button', {type: 'button', class: 'secondary'}, 'Delete');
  heading(main, `Checkpoint ${id.slice(0, 8)}`, cancel, restore, remove);
  const notes = h('div');
  const state = h('div', {class: 'card live-state', 'aria-live': 'polite'});
  const resources = h('div');
  const graphBox = h('figure', {class: 'graph-box'});
  main.append(notes, state, h('h2', {}, 'Resource graph'), graphBox, h('h2', {}, 'Resources'), resources,
    h('h2', {}, 'Details'), h('dl', {class: 'facts'},
      h('dt', {}, 'Id'), h('dd', {}, h('code', {}, cp.id)),
      h('dt', {}, 'Plan'), h('dd', {}, planOf(cp).id ? h('a', {href: `#/plans/${planOf(cp).id}`}, planOf(cp).name || planOf(cp).id) : '—'),
      h('dt', {}, 'Created'), h('dd', {}, fmtTime(cp.created_at)),
      h('dt', {}, 'Extra info'), h('dd', {}, h('code', {}, cp.extra_info || '{}'))));
  let graphDrawn = null;
  const show = (status, progress, graph, errorInfo) => {
    const statuses = {};
    for (const r of (progress && progress.resources) || []) statuses[r.id] = r.status;
    clear(state, h('p', {}, 'Status: ', badge(status)),
      RUNNING.has(status) || (progress && progress.percent !== null && progress.percent !== undefined)
        ? progressBar(progress, 'Checkpoint progress') : null,
      errorInfo ? h('p', {class: 'error'}, typeof errorInfo === 'string' ? errorInfo : JSON.stringify(errorInfo)) : null);
    cancel.hidden = !(RUNNING.has(status) && has('cancel'));
    restore.hidden = status !== 'available';
    remove.hidden = RUNNING.has(status) || status === 'deleted';
    const perResource = progress && progress.resources && progress.resources.length;
    resources.previousElementSibling.hidden = resources.hidden = !perResource;
    if (perResource) clear(resources, resourceTable(progress));
    const key = JSON.stringify([graph, statuses]);
    if (graph && key !== graphDrawn) {
      graphDrawn = key;
      const count = parseGraph(graph).nodes.length;
      clear(graphBox, drawGraph(graph, statuses), h('figcaption', {}, `${count} resources; arrows point to what a resource depends on.`));
    } else if (!graph) {
      clear(graphBox, h('p', {class: 'muted'}, 'No resource graph yet.'));
    }
  };
  show(cp.status, cp.progress, cp.resource_graph, cp.error_info);
  let last = cp.status;
  if (RUNNING.has(cp.status)) {
    poller(async () => {
      const got = await checkpointProgress(provider, id);
      let current = got.checkpoint;
      const status = (got.progress && got.progress.status) || (current && current.status);
      if (!RUNNING.has(status) && !current) current = (await api('GET', cpPath(provider, id))).checkpoint;
      show(status, got.progress, (current || cp).resource_graph, current && current.error_info);
      if (status !== last) announce(`Checkpoint ${status}`);
      last = status;
      return RUNNING.has(status);
    }, DETAIL_POLL_MS);
  }
  cancel.addEventListener('click', () => busy(cancel, async () => {
    try {
      const got = await cancelCheckpoint(provider, id);
      if (got) announce('Cancel requested');
    } catch (err) { clear(notes, errorBox(err)); }
  }));
  remove.addEventListener('click', () => busy(remove, async () => {
    if (!confirm('Delete this checkpoint and its backups?')) return;
    try {
      await api('DELETE', cpPath(provider, id));
      location.hash = `#/checkpoints?provider=${provider}`;
    } catch (err) { clear(notes, errorBox(err)); }
  }));
}

function previewView(preview) {
  const conflicts = preview.conflicts || [];
  const names = Object.fromEntries((preview.resources || []).map((r) =>
    [`${r.type}#${r.original_id}`, `${r.type.replace(/^OS::/, '')} ${r.original_name || r.original_id}`]));
  return h('section', {class: 'card preview', 'aria-label': 'Restore preview'},
    h('h2', {}, 'What the restore will do'),
    conflicts.length ? h('div', {class: 'error', role: 'alert'}, h('strong', {}, `${conflicts.length} conflict(s)`),
      h('ul', {}, conflicts.map((c) => h('li', {}, `${c.type} ${c.original_id}: ${c.kind} — ${c.message}`)))) : h('p', {class: 'ok-note'}, 'No conflicts.'),
    table([
      {label: '#', render: (r) => String(r.order)},
      {label: 'Creates', render: (r) => `${r.type} ${r.name || ''}`},
      {label: 'From', render: (r) => r.original_name || r.original_id},
      {label: 'Target', render: (r) => r.target || ''},
      {label: 'Parameters', render: (r) => h('code', {}, JSON.stringify(r.parameters || {}))},
      {label: 'After', render: (r) => (r.depends_on || []).map((d) => names[d] || d).join(', ')},
    ], [...(preview.resources || [])].sort((a, b) => a.order - b.order), 'Resources the restore creates'));
}

export async function restoreForm(main, [provider, id]) {
  const [{checkpoint: cp}, {provider: prov}] = await Promise.all([
    api('GET', cpPath(provider, id)), api('GET', `providers/${enc(provider)}`)]);
  heading(main, `Restore checkpoint ${id.slice(0, 8)}`);
  const types = [...new Set(parseGraph(cp.resource_graph).nodes.map((n) => n.type))].sort();
  const schemas = ((prov.extended_info_schema || {}).restore_schema) || {};
  const form = h('form', {class: 'card', novalidate: true});
  const forms = {};
  for (const type of types) {
    if (schemas[type]) forms[type] = schemaForm(schemas[type], {}, {legend: type, prefix: `parameters.${type}.`});
  }
  const target = h('input', {name: 'restore_target', placeholder: 'this cloud'});
  const user = h('input', {name: 'username', autocomplete: 'off'});
  const pass = h('input', {name: 'password', type: 'password', autocomplete: 'off'});
  const previewBtn = h('button', {type: 'button', class: 'secondary'}, 'Preview');
  const next = h('button', {type: 'submit'}, 'Restore…');
  const out = h('div');
  form.append(h('p', {class: 'muted'}, `Provider ${prov.name}; ${types.length} resource types in the checkpoint.`),
    ...Object.values(forms),
    h('details', {}, h('summary', {}, 'Another target (optional)'), field('Restore target (Keystone URL)', target),
      field('User name', user), field('Password', pass)),
    h('div', {class: 'actions'}, has('preview') ? previewBtn : null, next));
  main.append(form, out);
  const body = () => {
    const restore = {provider_id: provider, checkpoint_id: id, parameters: {}};
    for (const [type, f] of Object.entries(forms)) {
      const values = f.value();
      if (Object.keys(values).length) restore.parameters[type] = values;
    }
    if (target.value) {
      restore.restore_target = target.value;
      restore.restore_auth = {type: 'password', username: user.value, password: pass.value};
    }
    return {restore};
  };
  let previewed = null;
  const preview = async () => {
    clearErrors(form);
    const got = await optional('preview', 'POST', 'restores/preview', body());
    if (!got) { previewBtn.remove(); return null; }
    previewed = got.restore_preview;
    clear(out, previewView(previewed));
    return previewed;
  };
  previewBtn.addEventListener('click', () => busy(previewBtn, async () => {
    try { await preview(); } catch (err) { showError(form, err); }
  }));
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    busy(next, async () => {
      try {
        if (has('preview')) await preview();
      } catch (err) { showError(form, err); return; }
      const confirmBtn = h('button', {type: 'button'}, 'Confirm restore');
      const back = h('button', {type: 'button', class: 'secondary'}, 'Back');
      const step = h('section', {class: 'card confirm', role: 'dialog', 'aria-label': 'Confirm the restore'},
        h('h2', {}, 'Confirm'),
        h('p', {}, previewed ? `The restore will create ${(previewed.resources || []).length} resources${(previewed.conflicts || []).length ? ` despite ${(previewed.conflicts || []).length} conflict(s)` : ''}.`
          : `The restore will create the ${types.length} resource types of this checkpoint again.`),
        h('div', {class: 'actions'}, confirmBtn, back));
      clear(out, previewed ? previewView(previewed) : null, step);
      back.addEventListener('click', () => { step.remove(); next.focus(); });
      confirmBtn.addEventListener('click', () => busy(confirmBtn, async () => {
        try {
          const {restore} = await api('POST', 'restores', body());
          location.hash = `#/restores/${restore.id}`;
        } catch (err) { step.remove(); showError(form, err); }
      }));
      confirmBtn.focus();
    });
  });
}

export async function restores(main) {
  heading(main, 'Restores');
  main.append(pager((marker) => page('restores', 'restores', {marker, params: {sort: 'created_at:desc'}}), (items) => table([
    {label: 'Restore', render: (r) => h('a', {href: `#/restores/${r.id}`}, h('code', {}, r.id.slice(0, 8)))},
    {label: 'Checkpoint', render: (r) => h('a', {href: `#/checkpoints/${r.provider_id}/${r.checkpoint_id}`}, h('code', {}, (r.checkpoint_id || '').slice(0, 8)))},
    {label: 'Status', render: (r) => badge(r.status)},
    {label: 'Created', render: (r) => fmtTime(r.created_at)},
  ], items, 'Restores'), 'Restores'));
}

export async function restore(main, [id]) {
  const cancel = h('button', {type: 'button', class: 'danger', hidden: true}, 'Cancel');
  heading(main, `Restore ${id.slice(0, 8)}`, cancel);
  const state = h('div', {class: 'card live-state', 'aria-live': 'polite'});
  const resources = h('div');
  main.append(state, h('h2', {}, 'Restored resources'), resources);
  const show = (r, progress) => {
    clear(state, h('p', {}, 'Status: ', badge(r.status)),
      RUNNING.has(r.status) || progress ? progressBar(progress || null, 'Restore progress') : null,
      r.error_info || r.reason ? h('p', {class: 'error'}, JSON.stringify(r.error_info || r.reason)) : null);
    cancel.hidden = !(RUNNING.has(r.status) && has('restoreCancel'));
    clear(resources, table([
      {label: 'Resource', render: (x) => x[0]}, {label: 'Status', render: (x) => badge(x[1])},
      {label: 'Reason', render: (x) => (r.resources_reason || {})[x[0]] || ''}],
    Object.entries(r.resources_status || {}), 'Restored resources'));
  };
  poller(async () => {
    const got = await optional('restoreProgress', 'GET', `restores/${enc(id)}/progress`);
    const {restore: r} = await api('GET', `restores/${enc(id)}`);
    show(r, got ? got.progress : r.progress);
    return RUNNING.has(r.status);
  }, DETAIL_POLL_MS);
  cancel.addEventListener('click', () => busy(cancel, async () => {
    try { await optional('restoreCancel', 'POST', `restores/${enc(id)}/cancel`, {}); } catch (err) { alert(err.message); }
  }));
}
