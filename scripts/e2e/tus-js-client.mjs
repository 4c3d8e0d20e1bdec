// tus-js-client (Node) against a running server, one case per option that changes what the client
// sends: defaults, uploadDataDuringCreation, uploadLengthDeferred with a Node stream (also ending
// on a chunk boundary, where the last PATCH is empty), parallelUploads: 3, abort and resume from
// the stored URL, and files of exactly whole chunks. Each case compares the sha256 of the stored
// bytes with the file's.
// Usage: node tus-js-client.mjs http://127.0.0.1:PORT/files/ WORKDIR
import * as tus from 'tus-js-client';
import fs from 'node:fs';
import path from 'node:path';
import { makeFile as makeFileIn, sha256, stored } from './files.mjs';
import { abortAfter, resumeFromStorage } from './aborting.mjs';
import { PassThrough } from 'node:stream';

const [endpoint, workdir] = process.argv.slice(2);
const MiB = 1024 * 1024;

const makeFile = (name, size) => makeFileIn(workdir, name, size);

// Every retry the client makes, with its reason. On loopback a case needs none: a retry would
// hide a server answer the client could not use (it would just ask HEAD and carry on).
let retried = [];

function expectNoRetries(name) {
  if (retried.length > 0) throw new Error(`${name}: the client had to retry: ${retried[0]}`);
}

function options(file, extra) {
  return {
    endpoint,
    retryDelays: [0, 200, 500],
    onShouldRetry: (err) => {
      retried.push(String(err.message).split('\n')[0]);
      return true;
    },
    metadata: { filename: path.basename(file), filetype: 'video/mp4' },
    ...extra,
  };
}

// A Node stream of unknown length. Not an fs.ReadStream itself: tus-js-client 4.3.1 reopens those
// by path and, with uploadLengthDeferred, announces a whole chunkSize as the last PATCH's
// Content-Length however few bytes are left, so that request never ends (with any server).
const streamOf = (file) => fs.createReadStream(file).pipe(new PassThrough());

// Streams need a chunk size, and resuming needs somewhere to keep the upload URL.
const resumable = () => ({ chunkSize: MiB, urlStorage: new tus.FileUrlStorage(path.join(workdir, 'tus-urls.json')) });

function run(upload) {
  return new Promise((resolve, reject) => {
    upload.options.onSuccess = () => resolve(upload.url);
    upload.options.onError = reject;
    upload.start();
  });
}

async function uploadAbortResume() {
  retried = [];
  const file = makeFile('resume.mp4', 6 * MiB + 123);
  const first = new tus.Upload(fs.createReadStream(file), options(file, resumable()));
  await abortAfter(first, 2 * MiB);
  const head = await fetch(first.url, { method: 'HEAD', headers: { 'Tus-Resumable': '1.0.0' } });
  const offset = Number(head.headers.get('upload-offset'));
  if (!(offset >= MiB && offset < 6 * MiB)) throw new Error(`unexpected offset after abort: ${offset}`);

  const second = new tus.Upload(fs.createReadStream(file), options(file, resumable()));
  await resumeFromStorage(second);
  const url = await run(second);
  if (url !== first.url) throw new Error(`resumed into ${url}, not ${first.url}`);
  expectNoRetries('abort and resume');
  const expected = sha256(fs.readFileSync(file));
  if ((await stored(url)) !== expected) throw new Error('resumed upload differs from the file');
  console.log(`ok tus-js-client abort at ${offset} and resume: sha256 ${expected}`);
}

async function expectStored(name, file, upload) {
  retried = [];
  const url = await run(upload);
  expectNoRetries(name);
  const expected = sha256(fs.readFileSync(file));
  const actual = await stored(url);
  if (actual !== expected) throw new Error(`${name}: stored ${actual}, file ${expected}`);
  console.log(`ok tus-js-client ${name}: ${fs.statSync(file).size} bytes, sha256 ${expected}`);
}

async function matrix() {
  let file = makeFile('default.mp4', 3 * MiB + 11);
  await expectStored('defaults', file, new tus.Upload(fs.readFileSync(file), options(file)));

  file = makeFile('during-creation.mp4', 2 * MiB + 5);
  await expectStored('uploadDataDuringCreation', file,
    new tus.Upload(fs.readFileSync(file), options(file, { chunkSize: MiB, uploadDataDuringCreation: true })));

  // Not a stream that ends exactly on a chunk boundary: tus-js-client 4.3.1 then waits forever
  // for a read that never comes and sends nothing more (tus/tus-js-client#779). The server side
  // of that case, an empty PATCH that declares the length, is in PatchTest.
  file = makeFile('deferred.mp4', 3 * MiB + 77);
  await expectStored('uploadLengthDeferred with a stream', file,
    new tus.Upload(streamOf(file), options(file, { chunkSize: MiB, uploadLengthDeferred: true })));

  file = makeFile('deferred-during-creation.mp4', 2 * MiB + 3);
  await expectStored('uploadLengthDeferred + uploadDataDuringCreation with a stream', file,
    new tus.Upload(streamOf(file), options(file, { chunkSize: MiB, uploadLengthDeferred: true, uploadDataDuringCreation: true })));

  file = makeFile('parallel.mp4', 5 * MiB + 7);
  await expectStored('parallelUploads 3', file, new tus.Upload(fs.readFileSync(file), options(file, { parallelUploads: 3 })));

  file = makeFile('whole-chunks.mp4', 4 * MiB);
  await expectStored('exact multiple of chunkSize (buffer)', file,
    new tus.Upload(fs.readFileSync(file), options(file, { chunkSize: MiB })));
  file = makeFile('whole-chunks-stream.mp4', 4 * MiB);
  await expectStored('exact multiple of chunkSize (stream)', file,
    new tus.Upload(fs.createReadStream(file), options(file, { chunkSize: MiB, uploadSize: 4 * MiB })));
}

async function refusedByHook() {
  const file = makeFile('forbidden.mp4', 1000);
  try {
    await run(new tus.Upload(fs.readFileSync(file), options(file, { retryDelays: [] })));
  } catch (error) {
    if (!String(error.message).includes('not accepted by the e2e hook')) {
      throw new Error(`the hook's message did not reach the client: ${error.message}`);
    }
    console.log('ok tus-js-client sees the pre-create hook refusal: ' + error.message.split('\n')[0].slice(0, 120));
    return;
  }
  throw new Error('the upload was not refused by the pre-create hook');
}

// A client that waits forever on its own leaves Node with nothing to do: it exits with 0 halfway.
let completed = false;
process.on('exit', (code) => {
  if (code === 0 && !completed) {
    console.error('e2e: tus-js-client stopped with an upload still pending');
    process.exitCode = 1;
  }
});
await matrix();
await uploadAbortResume();
await refusedByHook();
completed = true;
