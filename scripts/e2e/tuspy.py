#!/usr/bin/python3
"""tuspy (Debian's python3-tuspy) against a running server: a chunked upload with a per-chunk
Upload-Checksum, and an upload stopped by one process and resumed by another from the URL it
stored. Each case compares the sha256 of the stored bytes with the file's.

Usage: /usr/bin/python3 scripts/e2e/tuspy.py http://127.0.0.1:PORT/files/ WORKDIR
(internally also: tuspy.py --first-part ENDPOINT FILE URL_DB STOP_AT)
"""
import hashlib
import os
import subprocess
import sys
import urllib.request

import requests
from tusclient import client
from tusclient.storage.filestorage import FileStorage

MiB = 1024 * 1024
CHUNK = MiB


def record_patches():
    """Every PATCH the client sends (its headers and the status it got), observed, not changed."""
    recorded = []
    original = requests.patch

    def patch(url, data=None, headers=None, **kwargs):
        response = original(url, data=data, headers=headers, **kwargs)
        recorded.append((dict(headers or {}), response.status_code, len(data or b"")))
        return response

    requests.patch = patch
    return recorded


def uploader(endpoint, path, url_db):
    return client.TusClient(endpoint).uploader(
        file_path=path,
        chunk_size=CHUNK,
        metadata={"filename": os.path.basename(path), "filetype": "video/mp4"},
        store_url=True,
        url_storage=FileStorage(url_db),
        upload_checksum=True,
    )


def make_file(workdir, name, size):
    path = os.path.join(workdir, name)
    with open(path, "wb") as out:
        out.write(os.urandom(size))
    return path


def sha256_file(path):
    with open(path, "rb") as f:
        return hashlib.sha256(f.read()).hexdigest()


def stored_sha256(url):
    with urllib.request.urlopen(url) as response:
        if response.status != 200:
            raise SystemExit(f"GET {url} answered {response.status}")
        return hashlib.sha256(response.read()).hexdigest()


def head_offset(url):
    response = requests.head(url, headers={"Tus-Resumable": "1.0.0"})
    if response.status_code != 200:
        raise SystemExit(f"HEAD {url} answered {response.status_code}")
    return int(response.headers["Upload-Offset"])


def expect_checksummed(name, patches, count):
    if len(patches) != count:
        raise SystemExit(f"{name}: {len(patches)} PATCH requests, expected {count}")
    for headers, status, length in patches:
        if status != 204:
            raise SystemExit(f"{name}: a PATCH of {length} bytes answered {status}")
        if not headers.get("upload-checksum", "").startswith("sha1 "):
            raise SystemExit(f"{name}: a PATCH went without Upload-Checksum: {headers}")


def expect_stored(name, url, path):
    expected, actual = sha256_file(path), stored_sha256(url)
    if expected != actual:
        raise SystemExit(f"{name}: stored {actual}, file {expected}")
    print(f"ok tuspy {name}: {os.path.getsize(path)} bytes, sha256 {expected}")


def chunked(endpoint, workdir):
    path = make_file(workdir, "tuspy-chunked.mp4", 3 * MiB + 1234)
    patches = record_patches()
    upload = uploader(endpoint, path, os.path.join(workdir, "tuspy-chunked.json"))
    upload.upload()
    expect_checksummed("chunked", patches, 4)
    expect_stored("chunked with per-chunk Upload-Checksum (sha1)", upload.url, path)


def stop_and_resume(endpoint, workdir):
    path = make_file(workdir, "tuspy-resume.mp4", 4 * MiB)  # whole chunks, too
    url_db = os.path.join(workdir, "tuspy-resume.json")
    stop_at = 2 * MiB
    first = subprocess.run(
        [sys.executable, os.path.abspath(__file__), "--first-part", endpoint, path, url_db, str(stop_at)],
        check=True, capture_output=True, text=True)
    url = first.stdout.strip()
    if head_offset(url) != stop_at:
        raise SystemExit(f"after the first process the offset is {head_offset(url)}, not {stop_at}")

    patches = record_patches()
    upload = uploader(endpoint, path, url_db)  # a new process, a new uploader: finds the stored URL
    if upload.url != url or upload.offset != stop_at:
        raise SystemExit(f"resumed at {upload.url} offset {upload.offset}, expected {url} offset {stop_at}")
    upload.upload()
    expect_checksummed("resume", patches, 2)
    expect_stored(f"stopped at {stop_at} by one process, resumed by another", url, path)


def first_part(endpoint, path, url_db, stop_at):
    patches = record_patches()
    upload = uploader(endpoint, path, url_db)
    upload.upload(stop_at=int(stop_at))
    expect_checksummed("first part", patches, int(stop_at) // CHUNK)
    print(upload.url)


if __name__ == "__main__":
    if sys.argv[1] == "--first-part":
        first_part(*sys.argv[2:6])
    else:
        chunked(sys.argv[1], sys.argv[2])
        stop_and_resume(sys.argv[1], sys.argv[2])
