#!/usr/bin/env python3
"""Generates the ingest benchmark's site: N distinct news pages built from the eval articles.

Each page is 4-6 paragraphs taken from different source articles (seeded RNG; no two pages
share more than one paragraph, so none is a near-copy of another), wrapped in outlet-shaped
HTML (head metadata, nav, share bar, related box, comments, footer, inline state blob) of
roughly 20-60 KB. Writes OUT/news/<slug>.html, OUT/sitemap.xml and OUT/manifest.json.
Usage: make_pages.py --seeds-dir seeds/eval --out DIR --base-url http://127.0.0.1:PORT [--pages 2000]
"""

import argparse
import glob
import html
import itertools
import json
import os
import random
import re
import sys
from datetime import date, timedelta

OUTLETS = [
    ("Pharma Manufacturing Daily", "pmd"),
    ("BioProcess Wire", "bpw"),
    ("Asia CDMO Review", "acr"),
]
SECTIONS = ["News", "Deals", "Manufacturing", "Regulatory", "Cell & Gene", "Biologics",
            "Small Molecules", "Supply Chain", "Policy", "Korea", "China", "Europe",
            "Opinion", "Events", "Podcasts", "Jobs", "Webinars", "Whitepapers"]
COMMENT_WORDS = ("capacity utilisation margin pipeline biosimilar inspection warning letter "
                 "plant expansion investors customers pricing quarter backlog contract "
                 "mammalian microbial fill-finish vector plasmid antibody conjugate "
                 "guidance outlook shares analysts regulators delay approval lawmakers "
                 "workforce hiring automation single-use stainless bioreactor litres").split()
NAMES = ["J. Park", "M. Chen", "A. Kumar", "S. Lee", "R. Novak", "L. Schmidt", "K. Tanaka",
         "D. Rossi", "E. Moreau", "T. Nguyen", "H. Kim", "Y. Wang", "P. Silva", "O. Berg"]


def load_articles(seeds_dir):
    arts = []
    files = sorted(glob.glob(os.path.join(seeds_dir, "dev", "*.txt"))
                   + glob.glob(os.path.join(seeds_dir, "fresh", "*.txt")))
    for f in files:
        text = open(f, encoding="utf-8").read()
        head, sep, body = text.partition("\n---\n")
        if not sep:
            continue
        title = next((l[6:].strip() for l in head.splitlines() if l.startswith("Title:")),
                     os.path.basename(f))
        # Some bodies break paragraphs with one newline, some with two: every line is one.
        paras = [p.strip() for p in body.splitlines()]
        paras = [p for p in paras
                 if len(p) >= 100 and not p.startswith(("-", "Related", "Contact"))]
        if paras:
            arts.append({"title": title, "paras": paras})
    return arts


def pick_pages(arts, n, rng):
    """Lists of (article, paragraph) pairs: 4-6 articles each, pairs of paragraphs unique.

    The store calls two texts one story when the shorter shares half its word triples with
    the other; pages share at most one paragraph and no paragraph is over 35% of its page,
    so no page can pass for another."""
    used_pairs = set()
    used_sets = []
    pages = []
    tries = 0
    while len(pages) < n:
        tries += 1
        if tries > n * 200:
            sys.exit("make_pages: cannot find enough distinct paragraph combinations")
        k = rng.randint(4, 6)
        chosen = rng.sample(range(len(arts)), k)
        paras = [(a, rng.randrange(len(arts[a]["paras"]))) for a in chosen]
        lens = [len(arts[a]["paras"][p]) for a, p in paras]
        if max(lens) > 0.35 * sum(lens):
            continue
        pairs = {frozenset(p) for p in itertools.combinations(paras, 2)}
        if pairs & used_pairs:
            continue
        used_pairs |= pairs
        pages.append(paras)
    return pages


def slugify(s):
    return re.sub(r"[^a-z0-9]+", "-", s.lower()).strip("-")[:70]


def words(rng, lo, hi):
    return " ".join(rng.choice(COMMENT_WORDS) for _ in range(rng.randint(lo, hi)))


def comment(rng):
    sentences = []
    for _ in range(rng.randint(1, 3)):
        s = words(rng, 6, 16)
        sentences.append(s[0].upper() + s[1:] + rng.choice([".", "?", "!", "."]))
    return " ".join(sentences)


def css_block(rng, skin):
    rules = []
    for i in range(rng.randint(60, 140)):
        rules.append(f".{skin}-c{i}{{margin:{rng.randint(0, 24)}px {rng.randint(0, 24)}px;"
                     f"padding:{rng.randint(0, 16)}px;color:#{rng.randrange(16**6):06x};"
                     f"font-size:{rng.randint(11, 22)}px;line-height:1.{rng.randint(2, 8)}}}")
    return "\n".join(rules)


def render(i, spec, arts, pages_titles, base_url, rng):
    outlet, skin = OUTLETS[i % len(OUTLETS)]
    lead = arts[spec[0][0]]
    second = arts[spec[1][0]]
    title = f"{lead['title']}; {second['title'][0].lower()}{second['title'][1:]}"
    day = date(2023, 1, 1) + timedelta(days=rng.randrange(1000))
    slug = f"{day:%Y/%m/%d}/{slugify(lead['title'])}-{i:05d}"
    url = f"{base_url}/news/{slug}.html"
    published = f"{day.isoformat()}T{rng.randrange(24):02d}:{rng.randrange(60):02d}:00+09:00"
    author = rng.choice(NAMES)
    body_paras = [arts[a]["paras"][p] for a, p in spec]
    e = html.escape

    nav = "\n".join(f'<li class="menu-item"><a href="/section/{slugify(s)}/">{e(s)}</a>'
                    f'<ul class="sub">' +
                    "".join(f'<li><a href="/section/{slugify(s)}/{j}">{e(s)} {j}</a></li>'
                            for j in range(rng.randint(2, 6))) + "</ul></li>"
                    for s in SECTIONS)
    share = "".join(f'<a class="share share-{n}" href="https://share.example/{n}?u={e(url)}" '
                    f'rel="nofollow"><svg width="16" height="16"><use href="#i-{n}"/></svg>'
                    f'<span>{n.title()}</span></a>'
                    for n in ("facebook", "x", "linkedin", "email", "print"))
    rel_idx = rng.sample(range(len(pages_titles)), 6)
    related = "\n".join(
        f'<li class="related-item"><a href="/news/related-{j}.html">'
        f'<img src="/img/thumb-{j}.jpg" alt="" loading="lazy" width="120" height="80">'
        f'<span class="related-title">{e(pages_titles[j])}</span></a></li>' for j in rel_idx)
    most_read = "\n".join(
        f'<li><span class="rank">{r + 1}</span><a href="/news/popular-{j}.html">'
        f'{e(pages_titles[j])}</a></li>'
        for r, j in enumerate(rng.sample(range(len(pages_titles)), 10)))
    comments = "\n".join(
        f'<li class="comment" id="c{i}-{c}"><div class="comment-meta"><b>{e(rng.choice(NAMES))}'
        f'</b> <time>{rng.randint(1, 23)} hours ago</time></div>'
        f'<div class="comment-body">{e(comment(rng))}</div>'
        f'<button class="reply">Reply</button> <button class="like">Like '
        f'{rng.randint(0, 40)}</button></li>'
        for c in range(rng.randint(3, 12)))
    footer = "\n".join(
        f'<div class="footer-col"><h4>{e(s)}</h4><ul>' +
        "".join(f'<li><a href="/about/{slugify(s)}/{j}">{e(s)} link {j}</a></li>'
                for j in range(8)) + "</ul></div>"
        for s in ("About us", "Advertise", "Contact", "Subscriptions", "Events", "Legal"))
    body_html = "\n".join(f"<p>{e(p)}</p>" for p in body_paras)
    ld = json.dumps({
        "@context": "https://schema.org", "@type": "NewsArticle", "headline": title,
        "datePublished": published, "author": {"@type": "Person", "name": author},
        "publisher": {"@type": "Organization", "name": outlet}, "mainEntityOfPage": url,
    })

    head_and_top = f"""<!DOCTYPE html>
<html lang="en"><head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{e(title)} | {e(outlet)}</title>
<meta name="description" content="{e(body_paras[0][:160])}">
<meta property="og:type" content="article">
<meta property="og:title" content="{e(title)}">
<meta property="og:site_name" content="{e(outlet)}">
<meta property="og:url" content="{e(url)}">
<meta property="article:published_time" content="{published}">
<meta property="article:author" content="{e(author)}">
<meta name="twitter:card" content="summary_large_image">
<link rel="canonical" href="{e(url)}">
<link rel="stylesheet" href="/static/{skin}/main.css">
<style>{css_block(rng, skin)}</style>
<script type="application/ld+json">{ld}</script>
<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments)}}gtag('js',new Date());gtag('config','G-{rng.randrange(10**8)}');</script>
</head>
<body class="{skin} article-page">
<div class="topbar"><a href="/subscribe">Subscribe</a> <a href="/login">Sign in</a> <a href="/newsletter">Newsletters</a></div>
<header class="site-header"><a class="logo" href="/"><img src="/static/{skin}/logo.svg" alt="{e(outlet)}"></a>
<nav class="main-nav"><ul>{nav}</ul></nav>
<form class="search" action="/search"><input name="q" placeholder="Search"><button>Go</button></form></header>
<div class="breadcrumbs"><a href="/">Home</a> &rsaquo; <a href="/section/news/">News</a></div>
<main class="layout">
<article class="story">
<header class="story-header"><span class="kicker">{e(rng.choice(SECTIONS))}</span>
<h1 class="headline">{e(title)}</h1>
<div class="byline">By <a rel="author" href="/author/{slugify(author)}">{e(author)}</a> &middot; <time datetime="{published}">{day:%B %d, %Y}</time></div>
<div class="share-bar">{share}</div></header>
<figure class="lead-image"><img src="/img/{i}.jpg" alt="" width="800" height="450"><figcaption>Photo: {e(outlet)}</figcaption></figure>
<div class="story-body">
{body_html}
</div>
<div class="tags">Tags: """ + " ".join(f'<a href="/tag/{t}">{t}</a>' for t in rng.sample(COMMENT_WORDS, 5)) + f"""</div>
<div class="share-bar bottom">{share}</div>
</article>
<aside class="sidebar"><section class="most-read"><h3>Most read</h3><ol>{most_read}</ol></section>
<div class="ad ad-mpu" data-slot="mpu-{i}">Advertisement</div>
<section class="newsletter-box"><h3>Get the daily briefing</h3><form><input type="email" placeholder="Email"><button>Sign up</button></form></section></aside>
</main>
<section class="related"><h3>Related articles</h3><ul>{related}</ul></section>
<section class="comments"><h3>Comments</h3><ol>{comments}</ol>
<form class="comment-form"><textarea placeholder="Join the discussion"></textarea><button>Post</button></form></section>
<footer class="site-footer">{footer}<p class="copy">&copy; {day.year} {e(outlet)}. All rights reserved.</p></footer>
"""
    # Real pages carry a framework state blob; it sets the page to a size in 20-60 KB.
    target = rng.randint(20_000, 60_000)
    size = len(head_and_top.encode()) + 200
    recs = []
    while size < target and len(recs) < 2000:
        j = rng.randrange(len(pages_titles))
        rec = {"id": j, "title": pages_titles[j], "score": round(rng.random(), 6),
               "img": f"/img/thumb-{j}.jpg", "kw": words(rng, 3, 8)}
        size += len(json.dumps(rec)) + 2
        recs.append(rec)
    blob = {"page": {"id": i, "section": "news"}, "ads": [], "recs": recs}
    page = (head_and_top + '<script id="__STATE__" type="application/json">'
            + json.dumps(blob).replace("</", "<\\/") + "</script>\n</body></html>\n")
    return slug, url, day, page


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds-dir", required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--base-url", required=True)
    ap.add_argument("--pages", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=5)
    a = ap.parse_args()
    rng = random.Random(a.seed)
    arts = load_articles(a.seeds_dir)
    if len(arts) < 10:
        sys.exit(f"make_pages: only {len(arts)} articles under {a.seeds_dir}")
    specs = pick_pages(arts, a.pages, rng)
    all_titles = [x["title"] for x in arts]
    sitemap = ['<?xml version="1.0" encoding="UTF-8"?>',
               '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">']
    sizes = []
    base = a.base_url.rstrip("/")
    for i, spec in enumerate(specs):
        slug, url, day, page = render(i, spec, arts, all_titles, base, rng)
        path = os.path.join(a.out, "news", slug + ".html")
        os.makedirs(os.path.dirname(path), exist_ok=True)
        data = page.encode("utf-8")
        with open(path, "wb") as f:
            f.write(data)
        sizes.append(len(data))
        sitemap.append(f"<url><loc>{html.escape(url)}</loc><lastmod>{day.isoformat()}</lastmod></url>")
    sitemap.append("</urlset>\n")
    with open(os.path.join(a.out, "sitemap.xml"), "w", encoding="utf-8") as f:
        f.write("\n".join(sitemap))
    with open(os.path.join(a.out, "manifest.json"), "w") as f:
        json.dump({"pages": len(specs), "articles": len(arts), "bytes": sum(sizes),
                   "min_bytes": min(sizes), "max_bytes": max(sizes)}, f)
    print(f"generated {len(specs)} pages from {len(arts)} articles: "
          f"{sum(sizes) / 1e6:.1f} MB, {min(sizes) // 1000}-{max(sizes) // 1000} KB each "
          f"(mean {sum(sizes) / len(sizes) / 1000:.0f} KB)")


if __name__ == "__main__":
    main()
