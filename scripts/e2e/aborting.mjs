// Abort and resume as a user's app does with tus-js-client: stop an upload part-way, then find it
// again in its URL storage from a new Upload object.

/** Starts `upload` and aborts it once `bytes` are sent; fails if it finishes first. */
export function abortAfter(upload, bytes) {
  return new Promise((resolve, reject) => {
    upload.options.onProgress = (sent) => {
      if (sent >= bytes) {
        upload.abort().then(resolve, reject);
      }
    };
    upload.options.onError = reject;
    upload.options.onSuccess = () => reject(new Error('finished before it was aborted'));
    upload.start();
  });
}

/** Points `upload` at the upload its URL storage remembers for the same file. */
export async function resumeFromStorage(upload) {
  const previous = await upload.findPreviousUploads();
  if (previous.length === 0) throw new Error('the aborted upload was not found in the URL storage');
  upload.resumeFromPreviousUpload(previous[0]);
}
