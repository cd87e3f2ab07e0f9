// The console's shell: login, navigation, and the hash router.

import {session, request, loadFeatures, ApiError} from './api.js';
import {h, clear, field, showError, errorBox, announce} from './dom.js';
import * as resources from './pages/resources.js';
import * as checkpoints from './pages/checkpoints.js';
import * as schedules from './pages/schedules.js';

const NAV = [
  ['#/providers', 'Providers'],
  ['#/protectables', 'Resources'],
  ['#/plans', 'Plans'],
  ['#/checkpoints', 'Checkpoints'],
  ['#/restores', 'Restores'],
  ['#/schedules', 'Schedules'],
  ['#/logs', 'Operation logs'],
  ['#/quotas', 'Quotas', () => session.isAdmin],
];

// [pattern, page]: a page is (main, params, query) -> void.
const ROUTES = [
  [/^#\/providers$/, resources.providers],
  [/^#\/providers\/([^/]+)$/, resources.provider],
  [/^#\/protectables$/, resources.protectables],
  [/^#\/plans$/, resources.plans],
  [/^#\/plans\/new$/, resources.planBuilder],
  [/^#\/plans\/([^/]+)$/, resources.plan],
  [/^#\/checkpoints$/, checkpoints.list],
  [/^#\/checkpoints\/([^/]+)\/([^/]+)$/, checkpoints.detail],
  [/^#\/restore\/([^/]+)\/([^/]+)$/, checkpoints.restoreForm],
  [/^#\/restores$/, checkpoints.restores],
  [/^#\/restores\/([^/]+)$/, checkpoints.restore],
  [/^#\/schedules$/, schedules.schedules],
  [/^#\/logs$/, schedules.logs],
  [/^#\/quotas$/, schedules.quotas],
];

let config = {auth_strategy: 'keystone', keystone: true, api_path: '/v1'};

function renderNav() {
  const nav = document.getElementById('nav');
  const who = document.getElementById('who');
  if (!session.token) {
    nav.hidden = true;
    clear(who);
    return;
  }
  nav.hidden = false;
  const current = location.hash.split('?')[0];
  clear(nav, h('ul', {}, NAV.filter(([, , show]) => !show || show()).map(([href, label]) =>
    h('li', {}, h('a', {href, 'aria-current': current.startsWith(href) ? 'page' : undefined}, label)))));
  clear(who, h('span', {}, `${session.user || 'user'} · project ${session.project.slice(0, 8)}`),
    h('button', {type: 'button', class: 'link', onclick: logout}, 'Log out'));
}

function logout() {
  session.clear();
  location.hash = '#/login';
}

async function keystoneLogin(values) {
  const scope = values.project_id
    ? {project: {id: values.project_id}}
    : {project: {name: values.project_name, domain: {id: values.domain}}};
  const body = {auth: {identity: {methods: ['password'], password: {user: {
    name: values.username, password: values.password, domain: {id: values.domain}}}}, scope}};
  const {data, response} = await request('POST', 'keystone/auth/tokens', body);
  const token = data.token;
  session.save({token: response.headers.get('X-Subject-Token'), project: token.project.id,
    user: token.user.name, roles: (token.roles || []).map((r) => r.name), apiBase: config.api_path});
}

async function checkToken() {
  // A cheap authenticated call: a wrong token or project fails here.
  const url = `${session.apiBase}/${encodeURIComponent(session.project)}/providers?limit=1`;
  await request('GET', url, undefined, {'X-Auth-Token': session.token});
}

function loginPage(main) {
  const keystone = config.auth_strategy !== 'noauth';
  const input = (name, attrs = {}) => h('input', {name, autocomplete: 'on', ...attrs});
  const form = h('form', {class: 'card login', novalidate: true});
  const mode = h('select', {name: 'mode'},
    keystone && config.keystone ? h('option', {value: 'password'}, 'User name and password') : null,
    keystone ? h('option', {value: 'token'}, 'Paste a token') : null,
    keystone ? null : h('option', {value: 'noauth'}, 'User and project (noauth)'));
  const parts = {
    password: [field('User name', input('username', {value: 'demo', autocomplete: 'username'})),
      field('Password', input('password', {type: 'password', autocomplete: 'current-password'})),
      field('Project name', input('project_name', {value: 'demo'})),
      field('Domain id', input('domain', {value: 'default'}))],
    token: [field('Token', input('token', {autocomplete: 'off'})),
      field('Project id', input('project_id'))],
    noauth: [field('User', input('user', {value: 'demo'})),
      field('Project id', input('project'))],
  };
  const fields = h('div');
  const showMode = () => clear(fields, parts[mode.value]);
  mode.addEventListener('change', showMode);
  const submit = h('button', {type: 'submit'}, 'Log in');
  append(form, [h('h1', {}, 'Log in to Karbor'), field('How', mode), fields, submit]);
  showMode();
  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const values = Object.fromEntries(new FormData(form));
    submit.disabled = true;
    try {
      if (mode.value === 'password') {
        await keystoneLogin(values);
      } else if (mode.value === 'token') {
        session.save({token: values.token.trim(), project: values.project_id.trim(), user: null,
          roles: [], apiBase: config.api_path});
        await checkToken();
      } else {
        const user = values.user.trim() || 'demo';
        session.save({token: `${user}:${values.project.trim()}`, project: values.project.trim(), user,
          roles: user === 'admin' ? ['admin'] : ['member'], apiBase: config.api_path});
        await checkToken();
      }
      await loadFeatures();
      location.hash = '#/plans';
    } catch (err) {
      if (mode.value !== 'password') session.clear();
      showError(form, err instanceof ApiError && err.status === 401
        ? new Error('The user name, password or token was not accepted (password).') : err);
    } finally {
      submit.disabled = false;
    }
  });
  clear(main, form);
  form.querySelector('input').focus();
}

function append(el, kids) { for (const k of kids) el.append(k); }

async function route() {
  const main = document.getElementById('main');
  const [path, qs] = location.hash.split('?');
  renderNav();
  if (!session.token) {
    loginPage(main);
    return;
  }
  if (path === '' || path === '#/' || path === '#/login') {
    location.hash = '#/plans';
    return;
  }
  for (const [pattern, page] of ROUTES) {
    const match = pattern.exec(path);
    if (!match) continue;
    clear(main, h('p', {class: 'muted'}, 'Loading…'));
    try {
      await page(main, match.slice(1).map(decodeURIComponent), new URLSearchParams(qs || ''));
    } catch (err) {
      clear(main, errorBox(err));
    }
    announce(document.title = `${main.querySelector('h1') ? main.querySelector('h1').textContent : 'Karbor'} · Karbor`);
    return;
  }
  clear(main, h('h1', {}, 'Not found'), h('p', {}, 'No such page.'));
}

async function start() {
  try {
    const {data} = await request('GET', 'config.json');
    config = {...config, ...data};
  } catch (e) { /* served elsewhere: defaults */ }
  session.apiBase = config.api_path;
  if (session.load()) await loadFeatures();
  window.addEventListener('hashchange', route);
  route();
}

start();
