//! One pass over a parsed page that flattens it into a compact arena of elements with text
//! statistics, plus the event stream (open, close, text, line break) the text is rendered from.
//!
//! Everything the main-text step decides is computed here or from these arrays, so the
//! scraper tree is walked exactly once and without recursion (a page of 100 000 unclosed
//! `<div>`s must not overflow the stack).

use std::sync::LazyLock;

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};
use scraper::{Html, Node};

/// What an element is for the purposes of the main-text step.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tag {
    Html,
    Body,
    Article,
    Main,
    Section,
    Div,
    P,
    Pre,
    Blockquote,
    Heading(u8),
    List,
    Li,
    Table,
    Row,
    Cell,
    Dt,
    Dd,
    Figure,
    Form,
    /// Inherently outside the main text (`nav`, `aside`, `footer`, `figcaption`…).
    Chrome,
    /// A `<header>`: a title block inside an article, page chrome outside it.
    Header,
    OtherBlock,
    A,
    Inline,
}

impl Tag {
    pub(crate) fn is_block(self) -> bool {
        !matches!(self, Tag::A | Tag::Inline)
    }

    /// Elements whose own text is one paragraph (readability's "elements to score").
    pub(crate) fn is_paragraph(self) -> bool {
        matches!(
            self,
            Tag::P
                | Tag::Pre
                | Tag::Blockquote
                | Tag::Li
                | Tag::Cell
                | Tag::Dd
                | Tag::Dt
                | Tag::Heading(_)
        )
    }
}

/// What the walker does with an element name.
enum Kind {
    Keep(Tag),
    /// Dropped with its whole subtree: scripts, styles, forms' widgets, media.
    Skip,
    /// A line break inside running text.
    Br,
}

fn classify(name: &str) -> Kind {
    let tag = match name {
        "p" => Tag::P,
        "div" => Tag::Div,
        "a" => Tag::A,
        "span" | "em" | "strong" | "b" | "i" | "u" | "font" | "small" | "sup" | "sub" | "time"
        | "abbr" | "cite" | "code" | "mark" | "q" | "s" | "label" | "big" | "tt" | "var"
        | "kbd" | "samp" | "ins" | "del" | "bdi" | "bdo" | "dfn" | "data" | "strike" | "wbr"
        | "nobr" | "acronym" => Tag::Inline,
        "br" => return Kind::Br,
        "script" | "style" | "noscript" | "template" | "svg" | "math" | "iframe" | "object"
        | "embed" | "head" | "select" | "option" | "button" | "input" | "textarea" | "canvas"
        | "video" | "audio" | "img" | "picture" | "source" | "link" | "meta" | "title" | "map"
        | "area" | "track" | "param" | "frame" | "frameset" | "dialog" => {
            return Kind::Skip;
        }
        "html" => Tag::Html,
        "body" => Tag::Body,
        "article" => Tag::Article,
        "main" => Tag::Main,
        "section" => Tag::Section,
        "pre" => Tag::Pre,
        "blockquote" => Tag::Blockquote,
        "h1" => Tag::Heading(1),
        "h2" => Tag::Heading(2),
        "h3" => Tag::Heading(3),
        "h4" => Tag::Heading(4),
        "h5" => Tag::Heading(5),
        "h6" => Tag::Heading(6),
        "ul" | "ol" | "dl" | "menu" => Tag::List,
        "li" => Tag::Li,
        "table" | "thead" | "tbody" | "tfoot" => Tag::Table,
        "tr" => Tag::Row,
        "td" | "th" => Tag::Cell,
        "dt" => Tag::Dt,
        "dd" => Tag::Dd,
        "figure" => Tag::Figure,
        "form" | "fieldset" => Tag::Form,
        "nav" | "aside" | "footer" | "figcaption" | "address" => Tag::Chrome,
        "header" => Tag::Header,
        "hr" | "center" | "details" | "summary" | "caption" | "hgroup" | "legend" | "output" => {
            Tag::OtherBlock
        }
        // Unknown and custom elements (`<story-body>`, `<amp-…>`) behave like divs when they
        // hold blocks and like spans otherwise; treating them as blocks is the safer split.
        other if other.contains('-') => Tag::Div,
        _ => Tag::Inline,
    };
    Kind::Keep(tag)
}

/// An element of the flattened page.
#[derive(Debug, Clone)]
pub(crate) struct El<'a> {
    pub tag: Tag,
    pub parent: u32,
    pub first_child: u32,
    pub next_sibling: u32,
    /// The class/id weight: positive for article/content/story hints, negative for
    /// comment/related/share/… hints (readability's ±25 per attribute).
    pub weight: i16,
    /// Page chrome by tag, role, hint or hidden state: left out of the text.
    pub boiler: bool,
    /// Chrome by class/id hint only (0 none, 1 weak, 2 strong); overruled when the element
    /// holds much of the page's paragraph text (a layout class such as "grid--adrail" on a
    /// wrapper of the article).
    pub hint_boiler: u8,
    /// Weakly hinted as chrome (menu, meta, author, tags…): skipped on output when small
    /// beside the text being rendered, but its paragraphs still count.
    pub weak: bool,
    /// An ancestor (or the element itself) is page chrome.
    pub in_boiler: bool,
    pub class: &'a str,
    pub ev_start: u32,
    pub ev_end: u32,
    /// Text characters in the subtree (whitespace runs count as one).
    pub chars: u32,
    /// Of which inside links.
    pub link_chars: u32,
    /// Text that belongs to this block itself (not to a block descendant): a paragraph's text,
    /// or loose text between a container's blocks.
    pub own_chars: u32,
    pub own_link_chars: u32,
    pub own_commas: u32,
    /// Characters of paragraphs (own text of 25+ characters, mostly not links) in the subtree.
    pub pchars: u32,
    /// The same, leaving out paragraphs under chrome.
    pub clean_pchars: u32,
    pub element_children: u32,
}

pub(crate) const NONE: u32 = u32::MAX;

#[derive(Debug, Clone, Copy)]
pub(crate) enum Ev<'a> {
    Open(u32),
    Close(u32),
    Text(&'a str),
    Br,
}

/// The flattened page.
#[derive(Debug, Default)]
pub(crate) struct Page<'a> {
    pub els: Vec<El<'a>>,
    pub events: Vec<Ev<'a>>,
    /// The `<title>` text, kept because a heading that repeats it is not body text.
    pub title: Option<&'a str>,
}

/// Class/id fragments that mark page chrome whatever else the attribute says.
const STRONG_NEGATIVE: &[&str] = &[
    "comment",
    "related",
    "share",
    "sharing",
    "social",
    "cookie",
    "consent",
    "gdpr",
    "newsletter",
    "subscribe",
    "subscription",
    "signup",
    "sign-up",
    "promo",
    "advert",
    "sponsor",
    "outbrain",
    "taboola",
    "recommend",
    "breadcrumb",
    "byline",
    "caption",
    "disqus",
    "popup",
    "modal",
    "most-read",
    "mostread",
    "most-popular",
    "trending",
    "read-more",
    "readmore",
    "more-stories",
    "sidebar",
    "masthead",
    "navbar",
    "navigation",
    "footer",
    "skip-link",
    "sr-only",
    "visually-hidden",
    "screen-reader",
    "author-bio",
    "inline-ad",
    "ad-container",
    "ad-slot",
    "adslot",
    "dfp",
    "toolbar",
    "widget",
    "print-only",
];

/// Fragments that mark page chrome unless a positive hint is also present.
const WEAK_NEGATIVE: &[&str] = &[
    "menu",
    "banner",
    "meta",
    "tags",
    "author",
    "credit",
    "popular",
    "pagination",
    "pager",
    "rating",
    "login",
    "extra",
    "rail",
    "tool",
    "email",
    "print",
    "utility",
];

/// Whole class tokens (split on non-alphanumerics) that mark chrome: too short for substrings.
const NEGATIVE_TOKENS: &[&str] = &["ad", "ads", "nav", "hide", "aside", "links", "tag", "share"];

const POSITIVE: &[&str] = &[
    "article", "content", "entry", "main", "post", "story", "body", "text", "blog", "prose",
    "hentry",
];

struct Hints {
    ac: AhoCorasick,
    strong: usize,
    weak: usize,
}

static HINTS: LazyLock<Option<Hints>> = LazyLock::new(|| {
    let patterns: Vec<&str> = STRONG_NEGATIVE
        .iter()
        .chain(WEAK_NEGATIVE)
        .chain(POSITIVE)
        .copied()
        .collect();
    AhoCorasickBuilder::new()
        .ascii_case_insensitive(true)
        .match_kind(MatchKind::Standard)
        .build(patterns)
        .ok()
        .map(|ac| Hints {
            ac,
            strong: STRONG_NEGATIVE.len(),
            weak: STRONG_NEGATIVE.len() + WEAK_NEGATIVE.len(),
        })
});

/// (weight, chrome: 0 no, 1 weak, 2 strong) of one class or id attribute value.
fn hint(value: &str) -> (i16, u8) {
    if value.is_empty() {
        return (0, 0);
    }
    let Some(h) = HINTS.as_ref() else {
        return (0, 0);
    };
    let (mut strong, mut weak, mut positive) = (false, false, false);
    for m in h.ac.find_overlapping_iter(value) {
        let p = m.pattern().as_usize();
        if p < h.strong {
            strong = true;
        } else if p < h.weak {
            weak = true;
        } else {
            positive = true;
        }
    }
    if !weak && !strong {
        weak = value
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|t| NEGATIVE_TOKENS.iter().any(|n| t.eq_ignore_ascii_case(n)));
    }
    let negative = strong || weak;
    let weight = match (negative, positive) {
        (true, false) => -25,
        (false, true) => 25,
        _ => 0,
    };
    let chrome = if strong {
        2
    } else if weak && !positive {
        1
    } else {
        0
    };
    (weight, chrome)
}

fn counts(text: &str, chars: &mut u32, commas: &mut u32) {
    let mut in_space = true;
    for c in text.chars() {
        if c.is_whitespace() {
            if !in_space {
                *chars += 1;
                in_space = true;
            }
        } else {
            in_space = false;
            *chars += 1;
            if matches!(c, ',' | '，' | '、' | '،') {
                *commas += 1;
            }
        }
    }
}

/// Flattens a parsed page. The walk is iterative; skipped subtrees are not entered.
pub(crate) fn flatten(doc: &Html) -> Page<'_> {
    let mut page = Page {
        els: Vec::with_capacity(1024),
        events: Vec::with_capacity(4096),
        title: None,
    };
    // Kept elements that are open, the innermost block among them, the link depth.
    let mut open: Vec<u32> = Vec::with_capacity(64);
    // The tree nodes of `open`, to recognise them on leaving without classifying again.
    let mut open_nodes = Vec::with_capacity(64);
    let mut blocks: Vec<u32> = Vec::with_capacity(64);
    let mut link_depth = 0u32;

    let root = doc.tree.root();
    let mut node = root;
    let mut entering = true;
    loop {
        if entering {
            let mut descend = true;
            match node.value() {
                Node::Element(e) => {
                    let name = e.name();
                    match classify(name) {
                        Kind::Skip => {
                            if name == "title" && page.title.is_none() {
                                page.title = node
                                    .first_child()
                                    .and_then(|c| c.value().as_text().map(|t| &*t.text));
                            }
                            descend = false;
                        }
                        Kind::Br => page.events.push(Ev::Br),
                        Kind::Keep(tag) => {
                            let idx = page.els.len() as u32;
                            let parent = open.last().copied().unwrap_or(NONE);
                            let el = new_el(e, tag, parent, &page);
                            if parent != NONE {
                                page.els[parent as usize].element_children += 1;
                            }
                            page.els.push(el);
                            page.events.push(Ev::Open(idx));
                            open.push(idx);
                            open_nodes.push(node.id());
                            if tag.is_block() {
                                blocks.push(idx);
                            }
                            if tag == Tag::A {
                                link_depth += 1;
                            }
                        }
                    }
                }
                Node::Text(t) => {
                    if let Some(&inner) = open.last() {
                        text(
                            &mut page,
                            &t.text,
                            inner,
                            blocks.last().copied(),
                            link_depth > 0,
                        );
                    }
                }
                Node::Document => {}
                _ => descend = false,
            }
            if descend && let Some(c) = node.first_child() {
                node = c;
                continue;
            }
            // A leaf (or a skipped subtree) is left at once.
            entering = false;
            if !descend {
                // Nothing was opened for it.
                match node.next_sibling() {
                    Some(s) => {
                        node = s;
                        entering = true;
                        continue;
                    }
                    None => match node.parent() {
                        Some(p) => {
                            node = p;
                            continue;
                        }
                        None => break,
                    },
                }
            }
        }
        // Leaving `node`.
        if open_nodes.last() == Some(&node.id())
            && let Some(idx) = open.pop()
        {
            open_nodes.pop();
            close(&mut page, idx);
            let tag = page.els[idx as usize].tag;
            if tag.is_block() {
                blocks.pop();
            }
            if tag == Tag::A {
                link_depth = link_depth.saturating_sub(1);
            }
        }
        if node == root {
            break;
        }
        match node.next_sibling() {
            Some(s) => {
                node = s;
                entering = true;
            }
            None => match node.parent() {
                Some(p) => node = p,
                None => break,
            },
        }
    }
    link_children(&mut page.els);
    settle_chrome(&mut page.els);
    page
}

/// Decides which hinted elements are chrome, now that their text is known, and marks
/// everything under chrome.
fn settle_chrome(els: &mut [El<'_>]) {
    let total = els.first().map_or(0, |e| e.pchars);
    for i in 0..els.len() {
        let el = &els[i];
        // Strong hints yield to half the page's paragraph text (tuned on AEB).
        let boiler = el.boiler || (el.hint_boiler == 2 && el.pchars * 2 < total.max(1));
        let parent_in = el.parent != NONE && els[el.parent as usize].in_boiler;
        let el = &mut els[i];
        el.weak = el.hint_boiler == 1;
        el.boiler = boiler;
        el.in_boiler = boiler || parent_in;
    }
    // Children come after their parents, so a backward sweep sums bottom-up.
    for i in (0..els.len()).rev() {
        let el = &els[i];
        let own = if !el.in_boiler && el.own_chars >= 25 && el.own_link_chars * 2 <= el.own_chars {
            el.own_chars
        } else {
            0
        };
        let sum = els[i].clean_pchars + own;
        els[i].clean_pchars = sum;
        let p = els[i].parent;
        if p != NONE {
            els[p as usize].clean_pchars += sum;
        }
    }
}

fn new_el<'a>(e: &'a scraper::node::Element, tag: Tag, parent: u32, page: &Page<'a>) -> El<'a> {
    let (mut class, mut weight, mut boiler, mut hint_boiler) = ("", 0i16, false, 0u8);
    for (k, v) in e.attrs() {
        match k {
            "class" | "id" => {
                let (w, b) = hint(v);
                weight += w;
                hint_boiler = hint_boiler.max(b);
                if k == "class" {
                    class = v;
                }
            }
            "role" => {
                boiler |= matches!(
                    v,
                    "navigation"
                        | "complementary"
                        | "contentinfo"
                        | "banner"
                        | "dialog"
                        | "alert"
                        | "menu"
                        | "menubar"
                        | "toolbar"
                        | "search"
                );
                if matches!(v, "main" | "article") {
                    weight += 25;
                }
            }
            "hidden" => boiler = true,
            "aria-hidden" => boiler |= v == "true",
            "style" => {
                boiler |= v.contains("display:none")
                    || v.contains("display: none")
                    || v.contains("visibility:hidden")
                    || v.contains("visibility: hidden");
            }
            _ => {}
        }
    }
    if matches!(tag, Tag::Html | Tag::Body | Tag::Main | Tag::Article) {
        // Whole-page wrappers often carry layout classes such as "has-sidebar"; they are
        // never chrome themselves.
        hint_boiler = 0;
    }
    boiler |= tag == Tag::Chrome;
    El {
        tag,
        parent,
        first_child: NONE,
        next_sibling: NONE,
        weight,
        boiler,
        hint_boiler,
        weak: false,
        in_boiler: false,
        class,
        ev_start: page.events.len() as u32,
        ev_end: 0,
        chars: 0,
        link_chars: 0,
        own_chars: 0,
        own_link_chars: 0,
        own_commas: 0,
        pchars: 0,
        clean_pchars: 0,
        element_children: 0,
    }
}

fn text<'a>(page: &mut Page<'a>, t: &'a str, inner: u32, block: Option<u32>, in_link: bool) {
    let mut chars = 0u32;
    let mut commas = 0u32;
    counts(t, &mut chars, &mut commas);
    if chars == 0 {
        // Whitespace only: still a separator between words.
        page.events.push(Ev::Text(" "));
        return;
    }
    page.events.push(Ev::Text(t));
    let el = &mut page.els[inner as usize];
    el.chars += chars;
    if in_link {
        el.link_chars += chars;
    }
    if let Some(b) = block {
        let b = &mut page.els[b as usize];
        b.own_chars += chars;
        b.own_commas += commas;
        if in_link {
            b.own_link_chars += chars;
        }
    }
}

fn close(page: &mut Page<'_>, idx: u32) {
    page.events.push(Ev::Close(idx));
    let ev_end = page.events.len() as u32;
    let el = &mut page.els[idx as usize];
    el.ev_end = ev_end;
    if el.own_chars >= 25 && el.own_link_chars * 2 <= el.own_chars {
        el.pchars += el.own_chars;
    }
    let (parent, chars, link_chars, pchars) = (el.parent, el.chars, el.link_chars, el.pchars);
    if parent != NONE {
        let p = &mut page.els[parent as usize];
        p.chars += chars;
        p.link_chars += link_chars;
        p.pchars += pchars;
    }
}

/// Fills first_child / next_sibling from the parent links (elements are in document order).
fn link_children(els: &mut [El<'_>]) {
    let mut last_child = vec![NONE; els.len()];
    for i in 0..els.len() {
        let p = els[i].parent;
        if p == NONE {
            continue;
        }
        let p = p as usize;
        let prev = last_child[p];
        if prev == NONE {
            els[p].first_child = i as u32;
        } else {
            els[prev as usize].next_sibling = i as u32;
        }
        last_child[p] = i as u32;
    }
}

#[cfg(test)]
#[allow(clippy::unwrap_used, clippy::expect_used)]
mod tests {
    use super::*;

    #[test]
    fn class_hints_weigh_content_up_and_chrome_down() {
        assert_eq!(hint("article-body"), (25, 0));
        assert_eq!(hint("related-articles"), (0, 2));
        assert_eq!(hint("comments"), (-25, 2));
        assert_eq!(hint("top-ad"), (-25, 1));
        assert_eq!(hint("headline"), (0, 0));
        assert_eq!(hint("post-meta"), (0, 0));
        assert_eq!(hint("meta"), (-25, 1));
    }
}
