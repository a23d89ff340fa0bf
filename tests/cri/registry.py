#!/usr/bin/env python3
"""A tiny read-only OCI registry for the CRI tests (tests/bats/cri.bats, make critest).

  registry.py image ROOTFS_TAR DIR   make one image in DIR: the tar as its only layer,
                                     `sleep` as its entrypoint (also the pod sandbox)
  registry.py serve DIR PORT_FILE    serve it on 127.0.0.1 (a free port, written to
                                     PORT_FILE) under every repository name and tag

containerd's registry mirrors point at it, so images are pulled by name with no
network beyond loopback.  Only the pull side of the distribution API is served:
GET/HEAD /v2/, /v2/NAME/manifests/REF (a tag or the manifest's digest) and
/v2/NAME/blobs/DIGEST.  Everything else is 404 (or 405 for writes).
"""

import hashlib
import http.server
import json
import os
import re
import sys

MANIFEST_TYPE = "application/vnd.oci.image.manifest.v1+json"
CONFIG_TYPE = "application/vnd.oci.image.config.v1+json"
LAYER_TYPE = "application/vnd.oci.image.layer.v1.tar"


def put_blob(directory, data):
    digest = "sha256:" + hashlib.sha256(data).hexdigest()
    with open(os.path.join(directory, digest.replace(":", "-")), "wb") as f:
        f.write(data)
    return digest


def make_image(rootfs_tar, directory):
    os.makedirs(directory, exist_ok=True)
    with open(rootfs_tar, "rb") as f:
        layer = f.read()
    layer_digest = put_blob(directory, layer)
    config = {
        "architecture": "amd64",
        "os": "linux",
        "config": {
            "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            # Busybox's sleep as PID 1: it stays until the pod is stopped (SIGKILL).
            "Entrypoint": ["/bin/sleep"],
            "Cmd": ["2147483647"],
            "WorkingDir": "/",
        },
        "rootfs": {"type": "layers", "diff_ids": [layer_digest]},
    }
    config_data = json.dumps(config, sort_keys=True).encode()
    config_digest = put_blob(directory, config_data)
    manifest = {
        "schemaVersion": 2,
        "mediaType": MANIFEST_TYPE,
        "config": {"mediaType": CONFIG_TYPE, "digest": config_digest, "size": len(config_data)},
        "layers": [{"mediaType": LAYER_TYPE, "digest": layer_digest, "size": len(layer)}],
    }
    manifest_data = json.dumps(manifest, sort_keys=True).encode()
    manifest_digest = put_blob(directory, manifest_data)
    with open(os.path.join(directory, "manifest"), "w") as f:
        f.write(manifest_digest)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    directory = "."
    manifest = ""

    def log_message(self, fmt, *args):
        sys.stderr.write("registry: " + (fmt % args) + "\n")

    def reply(self, code, body=b"", ctype="application/json", digest=None):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Docker-Distribution-API-Version", "registry/2.0")
        if digest:
            self.send_header("Docker-Content-Digest", digest)
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)

    def blob(self, digest):
        if not re.fullmatch(r"sha256:[0-9a-f]{64}", digest):
            return None
        try:
            with open(os.path.join(self.directory, digest.replace(":", "-")), "rb") as f:
                return f.read()
        except FileNotFoundError:
            return None

    def do_GET(self):
        path = self.path.split("?", 1)[0]
        if path in ("/v2", "/v2/"):
            return self.reply(200, b"{}")
        m = re.fullmatch(r"/v2/(.+)/(manifests|blobs)/([^/]+)", path)
        if not m:
            return self.reply(404, b'{"errors":[{"code":"NOT_FOUND"}]}')
        kind, ref = m.group(2), m.group(3)
        if kind == "manifests":
            # Every tag names the one image; a digest must be the manifest's own.
            if ref.startswith("sha256:") and ref != self.manifest:
                return self.reply(404, b'{"errors":[{"code":"MANIFEST_UNKNOWN"}]}')
            return self.reply(200, self.blob(self.manifest), MANIFEST_TYPE, self.manifest)
        data = self.blob(ref)
        if data is None:
            return self.reply(404, b'{"errors":[{"code":"BLOB_UNKNOWN"}]}')
        return self.reply(200, data, "application/octet-stream", ref)

    do_HEAD = do_GET

    def refuse(self):
        self.reply(405, b'{"errors":[{"code":"UNSUPPORTED"}]}')

    do_POST = do_PUT = do_PATCH = do_DELETE = refuse


def serve(directory, port_file):
    with open(os.path.join(directory, "manifest")) as f:
        Handler.manifest = f.read().strip()
    Handler.directory = directory
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    tmp = port_file + ".tmp"
    with open(tmp, "w") as f:
        f.write("%d\n" % server.server_address[1])
    os.rename(tmp, port_file)
    server.serve_forever()


def main(argv):
    if len(argv) == 4 and argv[1] == "image":
        make_image(argv[2], argv[3])
    elif len(argv) == 4 and argv[1] == "serve":
        serve(argv[2], argv[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
