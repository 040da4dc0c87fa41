#!/usr/bin/env python3
"""Server-only throughput: fetches every <loc> of a sitemap with keep-alive connections.

Shows the local server is not what limits the ingest benchmark. Prints "PAGES SECONDS BYTES".
Usage: load.py SITEMAP_URL [--connections 8]
"""

import argparse
import http.client
import re
import sys
import threading
import time
import urllib.request
from urllib.parse import urlsplit


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("sitemap")
    ap.add_argument("--connections", type=int, default=8)
    a = ap.parse_args()
    xml = urllib.request.urlopen(a.sitemap).read().decode()
    urls = re.findall(r"<loc>([^<]+)</loc>", xml)
    # The sitemap's own host and port: the same server, whatever the pages were built for.
    parts = urlsplit(a.sitemap)
    paths = [urlsplit(u).path for u in urls]
    total = [0]
    errors = []
    lock = threading.Lock()

    def worker(chunk):
        got = 0
        try:
            conn = http.client.HTTPConnection(parts.hostname, parts.port, timeout=30)
            for p in chunk:
                conn.request("GET", p)
                r = conn.getresponse()
                body = r.read()
                if r.status != 200:
                    errors.append(f"{p}: {r.status}")
                got += len(body)
            conn.close()
        except OSError as e:
            errors.append(f"{parts.netloc}: {e}")
        with lock:
            total[0] += got

    chunks = [paths[i::a.connections] for i in range(a.connections)]
    start = time.perf_counter()
    threads = [threading.Thread(target=worker, args=(c,)) for c in chunks]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    secs = time.perf_counter() - start
    if errors:
        sys.exit(f"load: {len(errors)} errors, first: {errors[0]}")
    print(f"{len(paths)} {secs:.3f} {total[0]}")


if __name__ == "__main__":
    main()
