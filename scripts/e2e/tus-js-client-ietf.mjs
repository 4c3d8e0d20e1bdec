// tus-js-client (Node) speaking the IETF resumable-upload draft against a running server:
// protocol 'ietf-draft-03' (interop version 5) and 'ietf-draft-05' (interop version 6).
// For each: a whole upload, a creation that carries data, and upload / abort / resume from the
// stored URL. Each check compares the sha256 of the stored bytes with the file's.
// Usage: node tus-js-client-ietf.mjs http://127.0.0.1:PORT/files/ WORKDIR
import * as tus from 'tus-js-client';
import fs from 'node:fs';
import path from 'node:path';
import { makeFile as makeFileIn, sha256, stored } from './files.mjs';
import { abortAfter, resumeFromStorage } from './aborting.mjs';

const [endpoint, workdir] = process.argv.slice(2);
const MiB = 1024 * 1024;
const INTEROP = { 'ietf-draft-03': '5', 'ietf-draft-05': '6' };

const makeFile = (name, size) => makeFileIn(workdir, name, size);

function options(protocol, file, extra) {
  return {
    endpoint,
    protocol,
    retryDelays: [0, 200, 500],
    metadata: { filename: path.basename(file), filetype: 'video/mp4' },
    ...extra,
  };
}

function run(upload) {
  return new Promise((resolve, reject) => {
    upload.options.onSuccess = () => resolve(upload.url);
    upload.options.onError = reject;
    upload.start();
  });
}

async function expectStored(url, file, what) {
  const expected = sha256(fs.readFileSync(file));
  if ((await stored(url)) !== expected) throw new Error(`${what}: the stored bytes differ from the file`);
  return expected;
}

async function whole(protocol) {
  const file = makeFile(`whole-${protocol}.mp4`, 3 * MiB + 5);
  const url = await run(new tus.Upload(fs.readFileSync(file), options(protocol, file, {})));
  console.log(`ok tus-js-client ${protocol} upload: sha256 ${await expectStored(url, file, protocol)}`);
}

async function dataDuringCreation(protocol) {
  const file = makeFile(`creation-${protocol}.mp4`, 2 * MiB + 11);
  const upload = new tus.Upload(fs.readFileSync(file), options(protocol, file, { uploadDataDuringCreation: true, chunkSize: MiB }));
  const url = await run(upload);
  console.log(`ok tus-js-client ${protocol} data during creation: sha256 ${await expectStored(url, file, protocol)}`);
}

async function abortAndResume(protocol) {
  const file = makeFile(`resume-${protocol}.mp4`, 6 * MiB + 123);
  const resumable = () => ({ chunkSize: MiB, urlStorage: new tus.FileUrlStorage(path.join(workdir, `urls-${protocol}.json`)) });
  const first = new tus.Upload(fs.createReadStream(file), options(protocol, file, resumable()));
  await abortAfter(first, 2 * MiB);
  const head = await fetch(first.url, { method: 'HEAD', headers: { 'Upload-Draft-Interop-Version': INTEROP[protocol] } });
  const offset = Number(head.headers.get('upload-offset'));
  if (head.status !== 204 || head.headers.get('upload-complete') !== '?0') {
    throw new Error(`HEAD after abort answered ${head.status}, Upload-Complete ${head.headers.get('upload-complete')}`);
  }
  if (!(offset >= MiB && offset < 6 * MiB)) throw new Error(`unexpected offset after abort: ${offset}`);

  const second = new tus.Upload(fs.createReadStream(file), options(protocol, file, resumable()));
  await resumeFromStorage(second);
  const url = await run(second);
  if (url !== first.url) throw new Error(`resumed into ${url}, not ${first.url}`);
  console.log(`ok tus-js-client ${protocol} abort at ${offset} and resume: sha256 ${await expectStored(url, file, protocol)}`);
}

for (const protocol of Object.keys(INTEROP)) {
  await whole(protocol);
  await dataDuringCreation(protocol);
  await abortAndResume(protocol);
}
