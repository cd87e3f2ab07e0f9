// Providers, protectables (the tenant's resources as a dependency tree),
// the plan builder and plans.

import {api, page, all} from '../api.js';
import {h, clear, table, pager, badge, field, showError, clearErrors, busy, errorBox} from '../dom.js';
import {schemaForm} from '../schema.js';

const enc = encodeURIComponent;
const SCHEMA_KINDS = [['options_schema', 'Plan options'], ['restore_schema', 'Restore parameters'],
  ['verify_schema', 'Verify parameters'], ['saved_info_schema', 'Saved information']];

export function heading(main, title, ...actions) {
  clear(main, h('div', {class: 'page-head'}, h('h1', {}, title), h('div', {class: 'actions'}, actions)));
}

let providerCache = null;
export async function providersAll() {
  if (!providerCache) providerCache = all('providers', 'providers');
  try { return await providerCache; } catch (err) { providerCache = null; throw err; }
}

export function providerSelect(providers, selected, name = 'provider_id') {
  return h('select', {name}, providers.map((p) =>
    h('option', {value: p.id, selected: p.id === selected}, p.name || p.id)));
}

export async function providers(main) {
  heading(main, 'Providers');
  main.append(pager((marker) => page('providers', 'providers', {marker}), (items) => table([
    {label: 'Name', render: (p) => h('a', {href: `#/providers/${p.id}`}, p.name || p.id)},
    {label: 'Description', render: (p) => p.description || ''},
    {label: 'Resource types', render: (p) => Object.keys((p.extended_info_schema || {}).options_schema || {}).length},
  ], items, 'Providers'), 'Providers'));
}

export async function provider(main, [id]) {
  const {provider: p} = await api('GET', `providers/${enc(id)}`);
  heading(main, p.name || p.id, h('a', {class: 'button', href: `#/plans/new?provider=${p.id}`}, 'New plan'));
  main.append(h('p', {class: 'muted'}, p.description || '', ' · ', h('code', {}, p.id)));
  const schemas = p.extended_info_schema || {};
  const types = [...new Set(SCHEMA_KINDS.flatMap(([kind]) => Object.keys(schemas[kind] || {})))].sort();
  for (const type of types) {
    const section = h('section', {class: 'card'}, h('h2', {}, type));
    const grid = h('div', {class: 'schema-grid'});
    for (const [kind, label] of SCHEMA_KINDS) {
      if (!(schemas[kind] || {})[type]) continue;
      grid.append(h('form', {class: 'schema', onsubmit: (e) => e.preventDefault()},
        schemaForm(schemas[kind][type], {}, {legend: label, prefix: `${kind}.${type}.`,
          disabled: kind === 'saved_info_schema'})));
    }
    section.append(grid);
    main.append(section);
  }
}

// The dependency tree of the tenant's resources. onToggle(resource, on)
// makes nodes selectable.
export async function resourceTree(onToggle, selected = new Set()) {
  const {protectable_type: types} = await api('GET', 'protectables');
  const root = h('ul', {class: 'tree', role: 'tree', 'aria-label': 'Resources'});
  const node = (res, depth) => {
    const li = h('li', {role: 'treeitem', 'aria-expanded': 'false', 'data-type': res.type, 'data-id': res.id});
    const kids = h('ul', {role: 'group', hidden: true});
    let loaded = false;
    const toggle = h('button', {type: 'button', class: 'twisty', 'aria-label': `Show what ${res.name || res.id} depends on`},
      '▸');
    toggle.addEventListener('click', async () => {
      const open = li.getAttribute('aria-expanded') === 'true';
      li.setAttribute('aria-expanded', String(!open));
      toggle.textContent = open ? '▸' : '▾';
      kids.hidden = open;
      if (open || loaded) return;
      loaded = true;
      kids.append(h('li', {class: 'muted'}, 'Loading…'));
      try {
        const deps = res.dependent_resources || (await api('GET',
          `protectables/${enc(res.type)}/instances/${enc(res.id)}`)).instance.dependent_resources || [];
        clear(kids, deps.length ? deps.map((d) => node(d, depth + 1)) : h('li', {class: 'muted'}, 'No dependents.'));
      } catch (err) {
        clear(kids, h('li', {}, errorBox(err)));
      }
    });
    const label = h('span', {class: 'res'}, h('span', {class: 'type'}, res.type), ' ', res.name || res.id);
    let box = null;
    if (onToggle && res.type !== 'OS::Keystone::Project') {
      box = h('input', {type: 'checkbox', 'aria-label': `Protect ${res.type} ${res.name || res.id}`,
        checked: selected.has(`${res.type}#${res.id}`), 'data-key': `${res.type}#${res.id}`});
      box.addEventListener('change', () => onToggle(res, box.checked));
    }
    li.append(h('div', {class: 'row'}, toggle, box ? h('label', {}, box, label) : label), kids);
    return li;
  };
  if (types.includes('OS::Keystone::Project')) {
    const {items} = await page('protectables/OS::Keystone::Project/instances', 'instances', {limit: 50});
    for (const res of items) root.append(node(res, 0));
  }
  // Resources no project lists (or every type when there is no project).
  const others = h('details', {class: 'by-type'}, h('summary', {}, 'Browse by type'));
  for (const type of types.filter((t) => t !== 'OS::Keystone::Project')) {
    const group = h('details', {}, h('summary', {}, type));
    group.addEventListener('toggle', () => {
      if (!group.open || group.dataset.loaded) return;
      group.dataset.loaded = '1';
      group.append(pager((marker) => page(`protectables/${enc(type)}/instances`, 'instances', {marker}),
        (items) => h('ul', {class: 'tree'}, items.map((r) => node(r, 0))), type));
    }, {once: false});
    others.append(group);
  }
  const box = h('div', {class: 'tree-box'}, root, others);
  // Open the project root at once: the tenant's resources are its dependents.
  const first = root.querySelector('.twisty');
  if (first) first.click();
  return box;
}

export async function protectables(main) {
  heading(main, 'Resources', h('a', {class: 'button', href: '#/plans/new'}, 'New plan'));
  main.append(h('p', {class: 'muted'}, 'The project\'s resources and what each depends on: protecting one protects its dependents.'));
  main.append(await resourceTree(null));
}

export async function plans(main) {
  heading(main, 'Plans', h('a', {class: 'button', href: '#/plans/new'}, 'New plan'));
  const list = await providersAll().catch(() => []);
  const names = Object.fromEntries(list.map((p) => [p.id, p.name]));
  main.append(pager((marker) => page('plans', 'plans', {marker}), (items) => table([
    {label: 'Name', render: (p) => h('a', {href: `#/plans/${p.id}`}, p.name || p.id)},
    {label: 'Provider', render: (p) => names[p.provider_id] || p.provider_id},
    {label: 'Status', render: (p) => badge(p.status)},
    {label: 'Resources', render: (p) => (p.resources || []).map((r) => `${r.name || r.id}`).join(', ')},
    {label: '', render: (p) => h('a', {href: `#/checkpoints?provider=${p.provider_id}&plan=${p.id}`}, 'Checkpoints')},
  ], items, 'Plans'), 'Plans'));
}

export async function startCheckpoint(providerId, planId) {
  const {checkpoint} = await api('POST', `providers/${enc(providerId)}/checkpoints`,
    {checkpoint: {plan_id: planId}});
  return checkpoint;
}

export async function plan(main, [id]) {
  const {plan: p} = await api('GET', `plans/${enc(id)}`);
  const protect = h('button', {type: 'button'}, 'Protect now');
  const remove = h('button', {type: 'button', class: 'danger'}, 'Delete plan');
  heading(main, p.name || p.id, protect,
    h('a', {class: 'button secondary', href: `#/checkpoints?provider=${p.provider_id}&plan=${p.id}`}, 'Checkpoints'),
    h('a', {class: 'button secondary', href: `#/schedules?plan=${p.id}`}, 'Schedule'), remove);
  const notes = h('div');
  main.append(notes, h('dl', {class: 'facts'},
    h('dt', {}, 'Id'), h('dd', {}, h('code', {}, p.id)),
    h('dt', {}, 'Status'), h('dd', {}, badge(p.status)),
    h('dt', {}, 'Provider'), h('dd', {}, h('a', {href: `#/providers/${p.provider_id}`}, p.provider_id)),
    h('dt', {}, 'Description'), h('dd', {}, p.description || '—')));
  main.append(h('h2', {}, 'Resources'), table([
    {label: 'Type', render: (r) => r.type}, {label: 'Name', render: (r) => r.name || ''},
    {label: 'Id', render: (r) => h('code', {}, r.id)}], p.resources || [], 'Resources'));
  main.append(h('h2', {}, 'Parameters'), h('pre', {class: 'json'}, JSON.stringify(p.parameters || {}, null, 2)));
  protect.addEventListener('click', () => busy(protect, async () => {
    try {
      const cp = await startCheckpoint(p.provider_id, p.id);
      location.hash = `#/checkpoints/${p.provider_id}/${cp.id}`;
    } catch (err) { clear(notes, errorBox(err)); }
  }));
  remove.addEventListener('click', () => busy(remove, async () => {
    if (!confirm(`Delete plan ${p.name}?`)) return;
    try { await api('DELETE', `plans/${enc(p.id)}`); location.hash = '#/plans'; } catch (err) { clear(notes, errorBox(err)); }
  }));
}

export async function planBuilder(main, _params, qs) {
  const providersList = await providersAll();
  heading(main, 'New plan');
  const form = h('form', {class: 'card builder', novalidate: true});
  const name = h('input', {name: 'name', required: true, maxlength: '255'});
  const desc = h('input', {name: 'description'});
  const select = providerSelect(providersList, qs.get('provider') || (providersList[0] || {}).id);
  const chosen = new Map();
  const chosenList = h('ul', {class: 'chosen', 'aria-live': 'polite'});
  const paramBox = h('div', {class: 'params'});
  const forms = {};
  const current = () => providersList.find((p) => p.id === select.value) || {};
  const otherBox = h('details', {class: 'other-types'}, h('summary', {}, 'Options of the dependents\' types'));
  const formOf = (type, schemas) => {
    const key = `${select.value}|${type}`;
    if (!forms[key]) {
      forms[key] = schemas[type]
        ? schemaForm(schemas[type], {}, {legend: type, prefix: `parameters.${type}.`})
        : h('p', {class: 'warn-note'}, `${type}: this provider has no protection plugin for it.`);
    }
    return forms[key];
  };
  const renderParams = () => {
    const schemas = ((current().extended_info_schema || {}).options_schema) || {};
    const types = [...new Set([...chosen.values()].map((r) => r.type))].sort();
    clear(chosenList, chosen.size ? [...chosen.values()].map((r) => h('li', {}, `${r.type} `, h('strong', {}, r.name || r.id)))
      : h('li', {class: 'muted'}, 'Pick resources from the tree.'));
    clear(paramBox, types.map((type) => formOf(type, schemas)));
    // A plan protects the chosen resources' dependents too, with the
    // options of their types.
    const others = Object.keys(schemas).filter((type) => !types.includes(type)).sort();
    otherBox.hidden = !others.length;
    otherBox.replaceChildren(otherBox.firstChild, ...others.map((type) => formOf(type, schemas)));
    paramBox.append(otherBox);
  };
  const tree = await resourceTree((res, on) => {
    const key = `${res.type}#${res.id}`;
    if (on) chosen.set(key, res); else chosen.delete(key);
    renderParams();
  });
  select.addEventListener('change', renderParams);
  const submit = h('button', {type: 'submit'}, 'Create plan');
  form.append(field('Name', name), field('Description', desc), field('Provider', select),
    h('h2', {}, 'Resources'), h('div', {class: 'two'}, tree, h('div', {}, h('h3', {}, 'Chosen'), chosenList)),
    h('h2', {}, 'Parameters'), paramBox, h('div', {class: 'actions'}, submit));
  renderParams();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    clearErrors(form);
    const parameters = {};
    try {
      for (const [key, f] of Object.entries(forms)) {
        const [providerId, type] = key.split('|');
        if (providerId !== select.value || !f.value || !paramBox.contains(f)) continue;
        const values = f.value();
        if (Object.keys(values).length) parameters[type] = values;
      }
    } catch (err) { showError(form, err); return; }
    const body = {plan: {name: name.value, provider_id: select.value, parameters,
      resources: [...chosen.values()].map((r) => {
        const res = {id: r.id, type: r.type, name: r.name || r.id};
        if (r.extra_info) res.extra_info = r.extra_info;
        return res;
      })}};
    if (desc.value) body.plan.description = desc.value;
    await busy(submit, async () => {
      try {
        const {plan: made} = await api('POST', 'plans', body);
        location.hash = `#/plans/${made.id}`;
      } catch (err) { showError(form, err); }
    });
  });
  main.append(form);
  name.focus();
}
