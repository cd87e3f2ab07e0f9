// Forms rendered from JSON schemas (the providers' options, restore and
// verify schemas). form.value() gives back what the user set.

import {h, field} from './dom.js';

function control(name, schema, value) {
  const type = Array.isArray(schema.type) ? schema.type.find((t) => t !== 'null') : schema.type;
  const initial = value !== undefined ? value : schema.default;
  if (schema.enum) {
    const select = h('select', {name},
      h('option', {value: ''}, '(default)'),
      schema.enum.map((choice) => h('option', {value: JSON.stringify(choice),
        selected: initial === choice}, String(choice))));
    // The schema's default, left as it was, is not sent.
    select.read = () => {
      if (select.value === '') return undefined;
      const chosen = JSON.parse(select.value);
      return value === undefined && chosen === schema.default ? undefined : chosen;
    };
    return select;
  }
  if (type === 'boolean') {
    const box = h('input', {type: 'checkbox', name, checked: Boolean(initial)});
    box.read = () => (box.checked === Boolean(schema.default) && value === undefined ? undefined : box.checked);
    return box;
  }
  if (type === 'integer' || type === 'number') {
    const input = h('input', {type: 'number', name, step: type === 'integer' ? '1' : 'any',
      min: schema.minimum, max: schema.maximum,
      value: initial === undefined || initial === null ? '' : String(initial)});
    input.read = () => (input.value === '' ? undefined : Number(input.value));
    return input;
  }
  if (type === 'string' || type === undefined && !schema.properties) {
    const input = h('input', {type: schema.format === 'password' ? 'password' : 'text', name,
      value: initial === undefined || initial === null ? '' : String(initial),
      maxlength: schema.maxLength, placeholder: schema.default ? String(schema.default) : ''});
    input.read = () => (input.value === '' ? undefined : input.value);
    return input;
  }
  // Arrays and free objects: JSON text.
  const area = h('textarea', {name, rows: '2'}, initial === undefined ? '' : JSON.stringify(initial));
  area.read = () => {
    if (area.value.trim() === '') return undefined;
    try { return JSON.parse(area.value); } catch (e) {
      throw new Error(`${name}: not valid JSON`);
    }
  };
  return area;
}

// A fieldset of the schema's properties; values pre-fills them.
export function schemaForm(schema, values = {}, {prefix = '', legend, disabled = false} = {}) {
  const box = h('fieldset', {class: 'schema-form'});
  if (legend) box.append(h('legend', {}, legend));
  const props = (schema && schema.properties) || {};
  const required = new Set((schema && schema.required) || []);
  const readers = {};
  const names = Object.keys(props);
  if (!names.length) box.append(h('p', {class: 'muted'}, 'No parameters.'));
  for (const name of names) {
    const sub = props[name] || {};
    const label = (sub.title || name) + (required.has(name) ? ' *' : '');
    if (sub.type === 'object' && sub.properties) {
      const inner = schemaForm(sub, values[name] || {}, {prefix: `${prefix}${name}.`, legend: label, disabled});
      readers[name] = inner.value;
      box.append(inner);
      continue;
    }
    const input = control(prefix + name, sub, values[name]);
    if (required.has(name)) input.setAttribute('aria-required', 'true');
    if (disabled) input.disabled = true;
    readers[name] = input.read;
    box.append(field(label, input, sub.description));
  }
  box.value = () => {
    const out = {};
    for (const [name, read] of Object.entries(readers)) {
      const value = read();
      if (value !== undefined && !(typeof value === 'object' && value && !Array.isArray(value) && !Object.keys(value).length)) out[name] = value;
    }
    return out;
  };
  return box;
}
