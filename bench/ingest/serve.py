#!/usr/bin/env python3
"""Serves the benchmark site from memory: a minimal asyncio HTTP/1.1 keep-alive server.

Every file under ROOT is loaded, with its response headers prebuilt, before the port opens,
so a request costs one dict lookup and one write. Prints "listening PORT" once ready.
Usage: serve.py ROOT [--port 0]
"""

import argparse
import asyncio
import os
import sys

TYPES = {".html": "text/html; charset=utf-8", ".xml": "application/xml",
         ".json": "application/json"}


def response(status, ctype, body):
    head = (f"HTTP/1.1 {status}\r\nContent-Type: {ctype}\r\n"
            f"Content-Length: {len(body)}\r\n\r\n").encode()
    return head + body


def load(root):
    files = {}
    for dirpath, _, names in os.walk(root):
        for n in names:
            p = os.path.join(dirpath, n)
            rel = "/" + os.path.relpath(p, root).replace(os.sep, "/")
            with open(p, "rb") as f:
                ctype = TYPES.get(os.path.splitext(n)[1], "application/octet-stream")
                files[rel.encode()] = response("200 OK", ctype, f.read())
    return files


class Http(asyncio.Protocol):
    files = {}
    not_found = response("404 Not Found", "text/plain", b"not found\n")

    def connection_made(self, transport):
        self.transport = transport
        self.buf = b""

    def data_received(self, data):
        self.buf += data
        # Requests carry no body (GET/HEAD only); pipelined ones are answered in order.
        while True:
            end = self.buf.find(b"\r\n\r\n")
            if end < 0:
                if len(self.buf) > 65536:
                    self.transport.close()
                return
            head, self.buf = self.buf[:end], self.buf[end + 4:]
            line = head.split(b"\r\n", 1)[0].split(b" ")
            path = line[1].split(b"?", 1)[0] if len(line) >= 2 else b""
            self.transport.write(self.files.get(path, self.not_found))
            if b"\r\nconnection: close" in head.lower():
                self.transport.close()
                return


async def serve(port):
    loop = asyncio.get_running_loop()
    srv = await loop.create_server(Http, "127.0.0.1", port, backlog=256)
    print(f"listening {srv.sockets[0].getsockname()[1]}", flush=True)
    await srv.serve_forever()


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("root")
    ap.add_argument("--port", type=int, default=0)
    a = ap.parse_args()
    Http.files = load(a.root)
    try:
        asyncio.run(serve(a.port))
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()
