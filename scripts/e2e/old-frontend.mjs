// The old Xeadline front end, as a Node client: it cuts a real file into fixed 5 MiB chunks (the
// last one a remainder), sends them out of order, 4 at a time, one of them twice, signed in only by
// a next-auth v4 session cookie minted the way next-auth mints it from NEXTAUTH_SECRET. It reads
// the responses exactly as the old UI did (receivedChunks.includes(i), data.received, data.error),
// completes, then fetches `url` with no credentials and compares sha256. Then the direct-upload PUT
// and error paths that show `error`.
//
// Usage: node old-frontend.mjs <server base URL> <NEXTAUTH_SECRET> <work dir>
import { EncryptJWT } from 'jose';
import { hkdfSync, randomBytes, randomUUID } from 'node:crypto';
import { sha256 } from './files.mjs';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';

const [server, secret, workdir] = process.argv.slice(2);
const MiB = 1024 * 1024;
const CHUNK_SIZE = 5 * MiB; // the old client's own fixed size
const api = `${server}/api/storage`;
const origin = new URL(server).origin; // the app and this server behind one origin

/** As next-auth v4's jwt.encode: JWE dir/A256GCM under HKDF-SHA256(secret, "", info, 32). */
async function nextAuthV4Cookie(sub, expiresInSeconds) {
  const key = new Uint8Array(hkdfSync('sha256', secret, '', 'NextAuth.js Generated Encryption Key', 32));
  const now = Math.floor(Date.now() / 1000);
  const token = await new EncryptJWT({ name: 'Old UI', email: `${sub}@example.com`, sub })
    .setProtectedHeader({ alg: 'dir', enc: 'A256GCM' })
    .setIssuedAt(now)
    .setExpirationTime(now + expiresInSeconds)
    .setJti(randomUUID())
    .encrypt(key);
  return `next-auth.session-token=${token}`;
}

/** A real MP4 when ffmpeg is there (noise, so it does not compress), else ftyp + random bytes. */
function makeClip() {
  const file = path.join(workdir, 'old-frontend.mp4');
  const ffmpeg = spawnSync('ffmpeg', ['-v', 'error', '-f', 'lavfi', '-i', 'testsrc2=size=1280x720:rate=30:duration=4',
    '-vf', 'noise=alls=100:allf=t', '-c:v', 'mpeg4', '-q:v', '2', '-y', file]);
  if (!ffmpeg.error && ffmpeg.status === 0 && fs.statSync(file).size > CHUNK_SIZE && fs.statSync(file).size % CHUNK_SIZE !== 0) {
    console.log(`old front end: a real MP4 from ffmpeg, ${fs.statSync(file).size} bytes`);
    return file;
  }
  if (process.env.CI === 'true') throw new Error(`ffmpeg could not make the clip: ${ffmpeg.error || ffmpeg.stderr}`);
  const head = Buffer.from([0, 0, 0, 0x18, 0x66, 0x74, 0x79, 0x70, 0x69, 0x73, 0x6f, 0x6d, 0, 0, 2, 0, 0x69, 0x73, 0x6f, 0x6d, 0x6d, 0x70, 0x34, 0x31]);
  fs.writeFileSync(file, Buffer.concat([head, randomBytes(3 * CHUNK_SIZE + 1_234_567 - head.length)]));
  console.log('old front end: no ffmpeg on the PATH; an ftyp head and random bytes instead of a real MP4');
  return file;
}


/** As the old UI: a response that is not ok throws data.error. */
async function call(url, options) {
  const response = await fetch(url, options);
  const data = await response.json();
  if (!response.ok) {
    if (typeof data.error !== 'string') throw new Error(`${url}: ${response.status} without an error string: ${JSON.stringify(data)}`);
    const error = new Error(data.error);
    error.status = response.status;
    throw error;
  }
  return data;
}

async function uploadLikeTheOldUi(cookie) {
  const file = makeClip();
  const bytes = fs.readFileSync(file);
  const fileName = path.basename(file);
  const totalChunks = Math.ceil(bytes.length / CHUNK_SIZE);
  const json = { 'Content-Type': 'application/json', Cookie: cookie, Origin: origin };
  const { uploadId } = await call(`${api}/init-chunked-upload`, {
    method: 'POST', headers: json, body: JSON.stringify({ fileName, fileSize: bytes.length, contentType: 'video/mp4', totalChunks }),
  });

  // Out of order, one sent twice, 4 at a time.
  const order = [...Array(totalChunks).keys()].reverse();
  order.splice(1, 0, order[order.length - 1]);
  const sendChunk = async (i) => {
    const form = new FormData();
    form.append('uploadId', uploadId);
    form.append('chunkIndex', String(i));
    form.append('chunk', new Blob([bytes.subarray(i * CHUNK_SIZE, Math.min(bytes.length, (i + 1) * CHUNK_SIZE))]), fileName);
    const data = await call(`${api}/upload-chunk`, { method: 'POST', headers: { Cookie: cookie, Origin: origin }, body: form });
    if (data.received !== true) throw new Error(`chunk ${i}: received is ${JSON.stringify(data.received)}, not true`);
  };
  const queue = [...order];
  await Promise.all([1, 2, 3, 4].map(async () => {
    while (queue.length > 0) await sendChunk(queue.shift());
  }));

  // The old resume logic: which chunks does the server have?
  const status = await call(`${api}/upload-status?uploadId=${uploadId}`, { headers: { Cookie: cookie } });
  for (let i = 0; i < totalChunks; i++) {
    if (!status.receivedChunks.includes(i)) throw new Error(`receivedChunks lacks ${i}: ${JSON.stringify(status.receivedChunks)}`);
  }
  const done = await call(`${api}/complete-chunked-upload`, {
    method: 'POST', headers: json, body: JSON.stringify({ uploadId, fileName, contentType: 'video/mp4' }),
  });
  const served = Buffer.from(await (await fetch(done.url)).arrayBuffer()); // no credentials at all
  if (sha256(served) !== sha256(bytes)) throw new Error(`${done.url} is not the file (${served.length} of ${bytes.length} bytes)`);
  console.log(`ok old front end: ${totalChunks} chunks of 5 MiB (last ${bytes.length - (totalChunks - 1) * CHUNK_SIZE} bytes), out of order, 4 at a time, one twice; sha256 matches at ${done.url}`);
}

async function directPut(cookie) {
  const direct = await call(`${api}/get-direct-upload-url?fileName=direct.mp4&contentType=video/mp4`, { headers: { Cookie: cookie } });
  const bytes = Buffer.concat([Buffer.from([0, 0, 0, 0x14, 0x66, 0x74, 0x79, 0x70]), randomBytes(2 * MiB)]);
  const put = await fetch(direct.uploadUrl, { method: 'PUT', headers: { 'Content-Type': 'video/mp4' }, body: bytes });
  if (!put.ok) throw new Error(`PUT ${direct.uploadUrl}: ${put.status} ${await put.text()}`);
  const served = Buffer.from(await (await fetch(direct.url)).arrayBuffer());
  if (sha256(served) !== sha256(bytes)) throw new Error('the PUT file is not served byte-exact');
  console.log('ok direct upload: one PUT of the whole file, served byte-exact');
}

async function errorsShowError(cookie) {
  const expect = async (what, promise, status, text) => {
    try {
      await promise;
    } catch (error) {
      if (error.status === status && error.message.includes(text)) {
        console.log(`ok ${what}: ${status} "${error.message}"`);
        return;
      }
      throw new Error(`${what}: got ${error.status} "${error.message}"`);
    }
    throw new Error(`${what}: succeeded`);
  };
  await expect('upload-status without uploadId', call(`${api}/upload-status`, { headers: { Cookie: cookie } }), 400, 'Missing upload ID');
  const expired = await nextAuthV4Cookie('old-frontend-user', -3600);
  await expect('an expired session', call(`${api}/upload-status?uploadId=x`, { headers: { Cookie: expired } }), 401, 'expired');
  await expect('a fractional totalChunks', call(`${api}/init-chunked-upload`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: origin },
    body: JSON.stringify({ fileName: 'a.mp4', fileSize: 100, contentType: 'video/mp4', totalChunks: 1.5 }),
  }), 400, 'totalChunks');
  await expect('another site posting with the cookie', call(`${api}/init-chunked-upload`, {
    method: 'POST', headers: { 'Content-Type': 'application/json', Cookie: cookie, Origin: 'https://evil.example' },
    body: JSON.stringify({ fileName: 'a.mp4', fileSize: 100, contentType: 'video/mp4', totalChunks: 1 }),
  }), 403, 'evil.example');
}

const cookie = await nextAuthV4Cookie('old-frontend-user', 3600);
await uploadLikeTheOldUi(cookie);
await directPut(cookie);
await errorsShowError(cookie);
console.log('ok the old front end: every check passed');
