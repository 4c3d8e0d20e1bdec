// The upload page: Uppy's Dashboard with the Tus plugin against this server's /files/, a token
// prompt when the server needs one, and the caller's finished uploads from /api/uploads.
import Uppy from '@uppy/core';
import Dashboard from '@uppy/dashboard';
import Tus from '@uppy/tus';
import '@uppy/core/css/style.min.css';
import '@uppy/dashboard/css/style.min.css';
import './style.css';

const TOKEN_KEY = 'xeadline-uploads.token';
const MiB = 1024 * 1024;

// A page served from another origin names the server in page-config.json beside it; served by
// the server itself, there is no such file and the page talks to its own origin.
async function pageConfig() {
  try {
    const response = await fetch('page-config.json', { cache: 'no-store' });
    if (response.ok) return await response.json();
  } catch {
    // no config file: same origin
  }
  return {};
}

const config = await pageConfig();
const server = (config.server || location.origin).replace(/\/+$/, '');
const chunkSize = Number(config.chunkSizeBytes) > 0 ? Number(config.chunkSizeBytes) : 16 * MiB;
let token = localStorage.getItem(TOKEN_KEY) || '';
let nextCursor = null;
// A finished video is probed in the background; the list is read again until its summary is in.
let probeRefresh = null;
let probeRefreshesLeft = 0;

const $ = (id) => document.getElementById(id);

function authHeaders() {
  return token ? { Authorization: `Bearer ${token}` } : {};
}

function say(text) {
  $('message').textContent = text || '';
}

function showAuth(reason) {
  $('auth').hidden = false;
  $('sign-out').hidden = true;
  say(reason);
}

function humanSize(bytes) {
  if (bytes == null) return '';
  const units = ['B', 'KiB', 'MiB', 'GiB', 'TiB'];
  let value = bytes;
  let unit = 0;
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024;
    unit += 1;
  }
  return `${value.toFixed(unit === 0 ? 0 : 1)} ${units[unit]}`;
}

function videoSummary(video) {
  if (!video) return '';
  const parts = [];
  if (video.width && video.height) parts.push(`${video.width}×${video.height}`);
  if (video.durationSeconds != null) parts.push(`${Number(video.durationSeconds).toFixed(1)} s`);
  if (video.codec) parts.push(video.codec);
  return parts.join(', ');
}

function cell(text, className) {
  const td = document.createElement('td');
  td.textContent = text ?? '';
  if (className) td.className = className;
  return td;
}

// Downloads need the bearer token, which a plain link cannot carry.
async function download(item) {
  const response = await fetch(item.url, { headers: authHeaders() });
  if (!response.ok) {
    say(`Download of ${item.fileName} failed: HTTP ${response.status}`);
    return;
  }
  const link = document.createElement('a');
  link.href = URL.createObjectURL(await response.blob());
  link.download = item.fileName || item.uploadId;
  link.click();
  setTimeout(() => URL.revokeObjectURL(link.href), 60_000);
}

function row(item) {
  const tr = document.createElement('tr');
  tr.dataset.uploadId = item.uploadId;
  tr.dataset.url = item.url || '';
  tr.append(
    cell(item.title || item.fileName),
    cell(humanSize(item.fileSize), 'num'),
    cell(item.contentType),
    cell(videoSummary(item.video)),
    cell(new Date(item.completedAt).toLocaleString()),
  );
  const actions = document.createElement('td');
  if (item.url) {
    const button = document.createElement('button');
    button.type = 'button';
    button.textContent = 'Download';
    button.addEventListener('click', () => download(item));
    actions.append(button);
  }
  tr.append(actions);
  return tr;
}

async function loadUploads(append) {
  const url = new URL(`${server}/api/uploads`);
  url.searchParams.set('limit', '20');
  if (append && nextCursor) url.searchParams.set('cursor', nextCursor);
  let response;
  try {
    response = await fetch(url, { headers: authHeaders(), cache: 'no-store' });
  } catch (e) {
    say(`The server at ${server} cannot be reached: ${e.message}`);
    return;
  }
  if (response.status === 401) {
    if (token) localStorage.removeItem(TOKEN_KEY);
    token = '';
    showAuth(response.headers.get('WWW-Authenticate')?.includes('invalid_token') ? 'That token was refused; paste a valid one.' : '');
    return;
  }
  if (!response.ok) {
    const problem = await response.json().catch(() => ({}));
    say(`Listing uploads failed: ${problem.detail || response.status}`);
    return;
  }
  const page = await response.json();
  $('auth').hidden = true;
  $('sign-out').hidden = !token;
  const list = $('upload-list');
  if (!append) list.replaceChildren();
  for (const item of page.items) list.append(row(item));
  nextCursor = page.nextCursor;
  $('more').hidden = !nextCursor;
  $('no-uploads').hidden = list.children.length > 0;
  if (!append) refreshWhileProbing(page.items);
}

function refreshWhileProbing(items) {
  clearTimeout(probeRefresh);
  const waiting = items.some((item) => item.contentType?.startsWith('video/') && !item.video);
  if (waiting && probeRefreshesLeft > 0) {
    probeRefreshesLeft -= 1;
    probeRefresh = setTimeout(() => loadUploads(false), 2000);
  }
}

const uppy = new Uppy({ autoProceed: false })
  .use(Dashboard, {
    inline: true,
    target: '#dashboard',
    width: '100%',
    height: 420,
    showProgressDetails: true,
    // Keeps the status bar after a batch, with its Done button that clears the list for the next.
    hideProgressAfterFinish: false,
    proudlyDisplayPoweredByUppy: false,
    metaFields: [
      { id: 'name', name: 'File name' },
      { id: 'title', name: 'Title' },
      { id: 'description', name: 'Description' },
    ],
  })
  .use(Tus, {
    endpoint: `${server}/files/`,
    chunkSize,
    limit: 3,
    // A finished file added again is a new upload, not a resume of the finished one.
    removeFingerprintOnSuccess: true,
    // Keeps retrying through a dropped network; tus resumes from the server's offset.
    retryDelays: [0, 1000, 3000, 5000, 10000, 20000, 30000],
    headers: () => authHeaders(),
    onShouldRetry(error, attempt, options, next) {
      const status = error?.originalResponse?.getStatus();
      if (status === 401) {
        showAuth('The server refused the token; paste a valid one and retry.');
        return false;
      }
      return next(error);
    },
  });

uppy.on('upload-error', (file, error) => {
  const body = error?.originalResponse?.getBody?.();
  say(`${file.name}: ${body || error.message}`);
});
uppy.on('complete', () => {
  probeRefreshesLeft = 15;
  loadUploads(false);
});

$('auth').addEventListener('submit', (event) => {
  event.preventDefault();
  token = $('token').value.trim();
  localStorage.setItem(TOKEN_KEY, token);
  $('token').value = '';
  say('');
  loadUploads(false);
});
$('sign-out').addEventListener('click', () => {
  localStorage.removeItem(TOKEN_KEY);
  token = '';
  $('upload-list').replaceChildren();
  showAuth('');
});
$('more').addEventListener('click', () => loadUploads(true));

loadUploads(false);
