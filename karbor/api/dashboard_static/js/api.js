// The public Karbor v1 REST API, with the session's token.

const STORE = 'karbor-console-session';

export class ApiError extends Error {
  constructor(status, message, body) {
    super(message || `HTTP ${status}`);
    this.status = status;
    this.body = body;
  }
}

export const session = {
  token: null, project: null, user: null, roles: [], apiBase: '/v1',
  load() {
    const saved = sessionStorage.getItem(STORE);
    if (saved) Object.assign(this, JSON.parse(saved));
    return Boolean(this.token && this.project);
  },
  save(values) {
    Object.assign(this, values);
    sessionStorage.setItem(STORE, JSON.stringify({
      token: this.token, project: this.project, user: this.user,
      roles: this.roles, apiBase: this.apiBase}));
  },
  clear() {
    sessionStorage.removeItem(STORE);
    Object.assign(this, {token: null, project: null, user: null, roles: []});
  },
  get isAdmin() { return (this.roles || []).includes('admin'); },
};

function faultMessage(body, status) {
  if (body && typeof body === 'object') {
    const fault = Object.values(body)[0];
    if (fault && typeof fault === 'object' && fault.message) return fault.message;
    if (typeof fault === 'string') return fault;
  }
  return `HTTP ${status}`;
}

export async function request(method, url, body, headers = {}, signal) {
  const init = {method, signal, headers: {Accept: 'application/json', ...headers}};
  if (body !== undefined) {
    init.body = JSON.stringify(body);
    init.headers['Content-Type'] = 'application/json';
  }
  const response = await fetch(url, init);
  const text = await response.text();
  let data = null;
  if (text) {
    try { data = JSON.parse(text); } catch (e) { data = text; }
  }
  if (!response.ok) throw new ApiError(response.status, faultMessage(data, response.status), data);
  return {data, response};
}

// Call /v1/<project>/<path> with the session's token.
export async function api(method, path, body, signal) {
  const url = `${session.apiBase}/${encodeURIComponent(session.project)}/${path}`;
  try {
    const {data} = await request(method, url, body, {'X-Auth-Token': session.token}, signal);
    return data;
  } catch (err) {
    if (err.status === 401 && !path.endsWith('/progress')) {
      session.clear();
      location.hash = '#/login';
    }
    throw err;
  }
}

export function query(params) {
  const parts = [];
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue;
    parts.push(`${encodeURIComponent(key)}=${encodeURIComponent(value)}`);
  }
  return parts.length ? `?${parts.join('&')}` : '';
}

// One page of a collection: {items, next} where next is the marker of the
// following page (from the "<collection>_links" next link) or null.
export async function page(path, collection, {limit = 20, marker, params, signal} = {}) {
  const data = await api('GET', path + query({limit, marker, ...params}), undefined, signal);
  const items = data[collection] || [];
  let next = null;
  for (const link of data[`${collection}_links`] || []) {
    if (link.rel === 'next') {
      next = new URL(link.href, location.href).searchParams.get('marker');
    }
  }
  if (!next && items.length >= limit && items.length) next = items[items.length - 1].id;
  return {items, next};
}

// Every item of a (small) collection, page after page.
export async function all(path, collection, params, max = 1000) {
  const items = [];
  let marker;
  do {
    const got = await page(path, collection, {limit: 100, marker, params});
    items.push(...got.items);
    marker = got.next;
  } while (marker && items.length < max);
  return items;
}

// Optional API additions (progress, cancel, restore preview): known from
// the API description when the server publishes one, else learnt from a
// 404/405 answer to the first call.
const features = {};
const FEATURE_PATHS = {
  progress: '/v1/{project_id}/providers/{provider_id}/checkpoints/{checkpoint_id}/progress',
  restoreProgress: '/v1/{project_id}/restores/{restore_id}/progress',
  cancel: '/v1/{project_id}/providers/{provider_id}/checkpoints/{checkpoint_id}/cancel',
  restoreCancel: '/v1/{project_id}/restores/{restore_id}/cancel',
  preview: '/v1/{project_id}/restores/preview',
};
let described = null;

export async function loadFeatures() {
  try {
    const {data} = await request('GET', `${session.apiBase}/openapi.json`);
    described = new Set(Object.keys(data.paths || {}).map(
      (p) => p.replace(/\{[^}]+\}/g, '{}')));
  } catch (e) {
    described = null;
  }
  for (const [name, path] of Object.entries(FEATURE_PATHS)) {
    features[name] = described ? described.has(path.replace(/\{[^}]+\}/g, '{}')) : undefined;
  }
  return features;
}

export function has(name) { return features[name] !== false; }

// Call an optional endpoint; null when the server does not have it.
export async function optional(name, method, path, body, signal) {
  if (features[name] === false) return null;
  try {
    return await api(method, path, body, signal);
  } catch (err) {
    if ((err.status === 404 || err.status === 405) && features[name] !== true &&
        /resource could not be found|not allowed|badMethod/i.test(err.message + JSON.stringify(err.body))) {
      features[name] = false;
      return null;
    }
    throw err;
  }
}
