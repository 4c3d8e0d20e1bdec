// What the e2e client checks share: random files in the work directory, and the sha256 of what
// the server stores for an upload.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';

export function makeFile(workdir, name, size) {
  const file = path.join(workdir, name);
  fs.writeFileSync(file, crypto.randomBytes(size));
  return file;
}

export function sha256(buffer) {
  return crypto.createHash('sha256').update(buffer).digest('hex');
}

/** The sha256 of what GET `url` answers; throws unless it is 200. */
export async function stored(url, init) {
  const response = await fetch(url, init);
  if (response.status !== 200) throw new Error(`GET ${url} answered ${response.status}`);
  return sha256(Buffer.from(await response.arrayBuffer()));
}
