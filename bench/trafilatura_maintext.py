#!/usr/bin/env python3
"""Runs trafilatura over a folder of saved pages and writes {id: text} JSON; prints docs/s.

Usage: trafilatura_maintext.py DIR OUT.json
Bytes are decoded by trafilatura itself (as benchmarks usually call it); only extract() is timed.
"""

import gzip
import json
import os
import sys
import time

import trafilatura


def main():
    folder, out = sys.argv[1], sys.argv[2]
    pages = []
    for name in sorted(os.listdir(folder)):
        path = os.path.join(folder, name)
        if name.endswith(".html.gz"):
            with gzip.open(path, "rb") as f:
                pages.append((name[: -len(".html.gz")], f.read()))
        elif name.endswith(".html"):
            with open(path, "rb") as f:
                pages.append((name[: -len(".html")], f.read()))
    texts = {}
    start = time.perf_counter()
    for key, html in pages:
        texts[key] = (
            trafilatura.extract(
                html, favor_precision=False, include_comments=False, include_tables=True
            )
            or ""
        )
    secs = time.perf_counter() - start
    with open(out, "w", encoding="utf-8") as f:
        json.dump(texts, f, ensure_ascii=False, indent=1)
    print(f"{len(pages)} pages in {secs:.3f} s: {len(pages) / secs:.0f} docs/s")


if __name__ == "__main__":
    main()
