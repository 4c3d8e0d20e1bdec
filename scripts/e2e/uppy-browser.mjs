// Uppy (Dashboard + Tus) in headless Chromium, driven by playwright-core, against a running
// server that requires a bearer token. Two pages: the server's own / (same origin), and the same
// built page served by a static server on another origin (so CORS is really exercised).
// Checks: the token prompt, an upload, pause/resume, a network drop mid-upload, a page reload
// mid-upload that resumes the same tus upload, and for each the sha256 of the stored bytes; then a
// real clip (made with ffmpeg) whose probed summary (size, duration, codec) appears in the list.
// Usage: node uppy-browser.mjs SERVER_BASE_URL TOKEN PAGE_DIR WORKDIR
import { chromium } from 'playwright-core';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { makeFile as makeFileIn, sha256, stored } from './files.mjs';

const [serverBase, token, pageDir, workdir] = process.argv.slice(2);
const MiB = 1024 * 1024;
const server = serverBase.replace(/\/+$/, '');
const auth = { Authorization: `Bearer ${token}` };

// Names unique to this run, so a row in the list is this run's upload and no earlier one.
const run = crypto.randomBytes(3).toString('hex');

const makeFile = (name, size) => makeFileIn(workdir, `${run}-${name}`, size);


const storedSha256 = (url) => stored(url, { headers: auth });

async function offsetOf(uploadUrl) {
  const response = await fetch(uploadUrl, { method: 'HEAD', headers: { ...auth, 'Tus-Resumable': '1.0.0' } });
  return Number(response.headers.get('Upload-Offset') || 0);
}

async function until(what, check, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

// The built page on another origin, with page-config.json naming the server.
function crossOriginPageServer(chunkSizeBytes) {
  const types = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.json': 'application/json' };
  const pageServer = http.createServer((request, response) => {
    const name = new URL(request.url, 'http://x').pathname.replace(/^\/+/, '') || 'index.html';
    if (name === 'page-config.json') {
      response.writeHead(200, { 'Content-Type': 'application/json' });
      response.end(JSON.stringify({ server, chunkSizeBytes }));
      return;
    }
    const file = path.join(pageDir, path.basename(name));
    if (!fs.existsSync(file)) {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'Content-Type': types[path.extname(file)] || 'application/octet-stream' });
    fs.createReadStream(file).pipe(response);
  });
  return new Promise((resolve) => pageServer.listen(0, 'localhost', () => resolve(pageServer)));
}

// The tus upload URL tus-js-client keeps for a file under its fingerprint (Uppy's file id, which
// holds the size: every file here has a size of its own), once it has one.
async function storedUploadUrl(page, file) {
  return page.evaluate((size) => {
    for (let i = 0; i < localStorage.length; i++) {
      const key = localStorage.key(i);
      if (key.startsWith('tus::') && key.includes(`-${size}-`)) return JSON.parse(localStorage.getItem(key)).uploadUrl;
    }
    return null;
  }, fs.statSync(file).size);
}

async function signIn(page, url) {
  await page.goto(url);
  await page.waitForSelector('#auth', { state: 'visible' });
  await page.fill('#token', token);
  await page.click('#auth button[type=submit]');
  await page.waitForSelector('#auth', { state: 'hidden' });
}

async function addAndStart(page, file) {
  // After a finished batch the Dashboard shows "Done", which clears it for the next files.
  await page.waitForFunction(
    () => document.querySelector('.uppy-StatusBar-actionBtn--done') || document.querySelector('.uppy-Dashboard-input'),
  );
  const done = page.locator('.uppy-StatusBar-actionBtn--done');
  if (await done.count()) await done.click();
  await page.setInputFiles('.uppy-Dashboard-input >> nth=0', file);
  await page.click('.uppy-StatusBar-actionBtn--upload');
}

// Waits for the file's row in the list of finished uploads; returns its upload id and URL.
async function listed(page, file) {
  const row = page.locator('#upload-list tr', { hasText: path.basename(file) });
  await row.first().waitFor({ timeout: 120_000 });
  return { id: await row.first().getAttribute('data-upload-id'), url: await row.first().getAttribute('data-url') };
}

async function expectStored(page, file, what) {
  const { id, url } = await listed(page, file);
  const expected = sha256(fs.readFileSync(file));
  const actual = await storedSha256(url);
  if (actual !== expected) throw new Error(`${what}: stored sha256 ${actual} != ${expected}`);
  console.log(`ok ${what} (${id})`);
  return id;
}

// Slow uploads down so that there is time to pause, drop the network or reload mid-upload.
async function throttle(page, bytesPerSecond) {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Network.enable');
  await cdp.send('Network.emulateNetworkConditions', {
    offline: false,
    latency: 0,
    downloadThroughput: -1,
    uploadThroughput: bytesPerSecond,
  });
}

async function uploadUrlPastOffset(page, file, minimum) {
  return until(`an upload past ${minimum} bytes`, async () => {
    const url = await storedUploadUrl(page, file);
    return url && (await offsetOf(url)) >= minimum ? url : null;
  });
}

const userDataDir = fs.mkdtempSync(path.join(workdir, 'chromium-'));
const context = await chromium.launchPersistentContext(userDataDir, {
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  headless: true,
  args: [
    '--headless',
    '--no-sandbox',
    '--disable-gpu',
    '--disable-quic',
    '--no-first-run',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
  ],
});
const pageServer = await crossOriginPageServer(MiB);
const errors = [];
try {
  const crossOrigin = `http://localhost:${pageServer.address().port}/`;
  const page = context.pages()[0] || (await context.newPage());
  page.on('pageerror', (error) => errors.push(error.message));
  page.on('console', (message) => {
    // Expected: no page-config.json on the server's own origin (404) and the token probe before
    // signing in (401). Anything else (a script error, a CSP violation) is not.
    const expected = /status of (401|404)/.test(message.text());
    if (message.type() === 'error' && !expected) errors.push(message.text());
  });

  // 1. Cross-origin page: token prompt, upload, sha256.
  await signIn(page, crossOrigin);
  const small = makeFile('cross-origin-small.bin', 3 * MiB + 17);
  await addAndStart(page, small);
  await expectStored(page, small, 'cross-origin upload');

  // 2. Pause, then resume, mid-upload.
  await throttle(page, 4 * MiB);
  const paused = makeFile('paused.bin', 12 * MiB + 5);
  await addAndStart(page, paused);
  const pausedUrl = await uploadUrlPastOffset(page, paused, 2 * MiB);
  await page.click('[data-cy=togglePauseResume]');
  const offsetWhenPaused = await offsetOf(pausedUrl);
  await new Promise((resolve) => setTimeout(resolve, 1500));
  if ((await offsetOf(pausedUrl)) > offsetWhenPaused + MiB) throw new Error('upload went on while paused');
  await page.click('[data-cy=togglePauseResume]');
  const pausedId = await expectStored(page, paused, 'pause and resume');
  if (!pausedUrl.endsWith(pausedId)) throw new Error('pause/resume started a new upload');

  // 3. The network drops mid-upload; Uppy retries and tus resumes from the server's offset.
  const dropped = makeFile('network-drop.bin', 12 * MiB + 3);
  await addAndStart(page, dropped);
  const droppedUrl = await uploadUrlPastOffset(page, dropped, 2 * MiB);
  await context.setOffline(true);
  await new Promise((resolve) => setTimeout(resolve, 2500));
  await context.setOffline(false);
  const droppedId = await expectStored(page, dropped, 'network drop and retry');
  if (!droppedUrl.endsWith(droppedId)) throw new Error('the retry after a network drop started a new upload');

  // 4. Reload mid-upload; the same file added again resumes the same tus upload (fingerprint).
  const reloaded = makeFile('page-reload.bin', 12 * MiB + 1);
  await addAndStart(page, reloaded);
  const reloadedUrl = await uploadUrlPastOffset(page, reloaded, 2 * MiB);
  await page.reload();
  await page.waitForSelector('#auth', { state: 'hidden' });
  const offsetAfterReload = await offsetOf(reloadedUrl);
  await throttle(page, 4 * MiB);
  await addAndStart(page, reloaded);
  const reloadedId = await expectStored(page, reloaded, `reload mid-upload, resumed from byte ${offsetAfterReload}`);
  if (!reloadedUrl.endsWith(reloadedId)) throw new Error('the reload started a new upload instead of resuming');

  // 5. The page the server serves itself, at /.
  await context.clearCookies();
  await page.evaluate(() => localStorage.clear());
  await signIn(page, `${server}/`);
  const sameOrigin = makeFile('same-origin.bin', 2 * MiB + 9);
  await addAndStart(page, sameOrigin);
  await expectStored(page, sameOrigin, 'same-origin upload from the server\'s own page');

  // 6. A real video: once the server has probed it, the list shows its summary.
  const clip = path.join(workdir, `${run}-clip.mp4`);
  const ffmpeg = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=320x240:rate=25:duration=2',
    '-f', 'lavfi', '-i', 'sine=frequency=440:duration=2', '-c:v', 'libx264', '-pix_fmt', 'yuv420p', '-c:a', 'aac',
    '-shortest', '-y', clip]);
  if (ffmpeg.error || ffmpeg.status !== 0) {
    if (process.env.CI === 'true') throw new Error(`ffmpeg could not make the test clip: ${ffmpeg.error || ffmpeg.stderr}`);
    console.log('skipped the probed-video check: no ffmpeg on the PATH to make a clip');
  } else {
    await addAndStart(page, clip);
    await expectStored(page, clip, 'a real video clip');
    const summary = page.locator('#upload-list tr', { hasText: path.basename(clip) }).first().locator('td').nth(3);
    await until('the probed summary in the list', async () => /320×240, 2\.0 s, h264/.test(await summary.textContent()));
    console.log(`ok the list shows the probed video: ${await summary.textContent()}`);
  }

  if (errors.length > 0) throw new Error(`the page reported errors: ${errors.join(' | ')}`);
  console.log('ok Uppy in Chromium: every check passed');
} catch (error) {
  const page = context.pages()[0];
  if (page) await page.screenshot({ path: path.join(workdir, 'uppy-failure.png'), fullPage: true });
  console.error(`screenshot of the failure: ${path.join(workdir, 'uppy-failure.png')}`);
  throw error;
} finally {
  await context.close();
  pageServer.close();
}
