//! Agreements, read three ways: an agreement noun with a signing verb ("signed an MOU with
//! Y"), a deal verb ("X acquired Y", "X agreed to sell its plant to Y") and a deal noun
//! ("X's 2022 purchase of Y's plant"). Parties are the subject side and the organizations
//! of the "with …"/"between … and …" phrase; planned, rumoured and denied deals are not facts.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use cdmo_store::PartialDate;
use cdmo_store::vocab::{AgreementType, OrganizationKind};
use regex::Regex;

use super::lexicon::{Hit, Lex};
use super::mentions::{Analysis, OrgMention};
use super::quantities::MoneyMention;
use super::text::{Fit, ceil_char, ends_with_word, find_all, floor_char, slice, static_regex};

#[derive(Debug, Clone)]
pub struct AgreementDraft {
    pub parties: Vec<usize>,
    pub agreement_type: AgreementType,
    pub scope: Option<String>,
    pub date: Option<PartialDate>,
    pub value_usd: Option<f64>,
    pub date_stated: bool,
    pub sentence: usize,
    /// Where its agreement noun stands, for agreements read from one: two nouns of one
    /// sentence are two agreements even among the same parties.
    pub noun_at: Option<usize>,
}

/// Words joining coordinated names: "X and Y", "X, Y and Z".
const COORDINATORS: &[&str] = &[
    "and",
    ",",
    ", and",
    "&",
    "as well as",
    "and the",
    ", and the",
    ", the",
    "along with",
    "together with",
    "and its partner",
    "and partner",
    "and its subsidiary",
    "and its affiliate",
    "and its parent",
    "as well as the",
    "와",
    "과",
    "및",
    "与",
    "和",
    "、",
];

/// True when `gap` (lower case, between two names) coordinates them; a parenthesised
/// abbreviation of the first name is skipped ("the Ministry … (MOTIE) and the Health Ministry").
fn coordinates(gap: &str) -> bool {
    let mut g = gap.trim().trim_start_matches(')').trim_start();
    if g.starts_with('(')
        && let Some(close) = g.find(')')
    {
        g = g[close + 1..].trim();
    }
    // "…, Singapore's CBC Group and Abu Dhabi's Mubadala": a possessive place before a name.
    if g.ends_with("'s") || g.ends_with("’s") {
        let mut rest = g;
        for _ in 0..3 {
            let Some((r, _)) = rest.rsplit_once(' ') else {
                break;
            };
            rest = r.trim_end();
            if COORDINATORS.contains(&rest) {
                return true;
            }
        }
    }
    COORDINATORS.contains(&g)
}

/// The head of an appositive holding the mention at `idx` ("KNIH, a body under the KDCA,
/// signed"), when that head may be a party.
fn appositive_head(
    a: &Analysis<'_>,
    si: usize,
    ms: &[OrgMention],
    idx: usize,
    pos: usize,
) -> Option<usize> {
    a.appositive_head(si, idx, pos)
        .filter(|&h| eligible(a, si, &ms[h]))
}

/// The first agreement type (in rule order) with a phrase inside `[from, to)`.
fn classify(a: &Analysis<'_>, si: usize, from: usize, to: usize) -> AgreementType {
    let r = &a.rules.agreements;
    (0..r.types.len())
        .find(|&i| {
            a.hits[si]
                .within(Lex::AgreementType(i as u16), from, to)
                .next()
                .is_some()
        })
        .map(|i| r.types[i].0)
        .unwrap_or(r.default)
}

/// The short phrase after the agreement that says what it covers.
fn scope_after(text: &str, lower: &str, from: usize, to: usize) -> Option<String> {
    let rest = slice(lower, from, to);
    let rest = &rest[..floor_char(rest, 160)];
    let mut best: Option<usize> = None;
    for intro in [" focusing on ", " focused on ", " on ", " for ", " to "] {
        if let Some(i) = rest.find(intro)
            && best.is_none_or(|b| i < b)
        {
            best = Some(i + intro.len());
        }
    }
    let start = from + best?;
    let tail = &text[start..];
    let end = tail
        .find([',', '.', ';', '(', '’', '”'])
        .unwrap_or(tail.len());
    let s = tail[..end]
        .trim()
        .trim_matches(|c: char| matches!(c, '‘' | '“' | '"' | '\''))
        .trim();
    let words = s.split_whitespace().count();
    (2..=16).contains(&words).then(|| s.to_string())
}

/// True when a cue such as "attended by" or "held at" stands right before `pos`.
fn non_party(a: &Analysis<'_>, si: usize, pos: usize) -> bool {
    let lower = &a.lower[si];
    a.hits[si].of(Lex::NonPartyCue).iter().any(|c| {
        c.end <= pos && {
            let gap = slice(lower, c.end, pos).trim();
            gap.is_empty() || gap == "the"
        }
    })
}

fn hedged(a: &Analysis<'_>, si: usize, at: usize) -> bool {
    let from = floor_char(&a.lower[si], at.saturating_sub(60));
    a.hits[si]
        .within(Lex::NonAgreementCue, from, at)
        .next()
        .is_some()
}

fn eligible(a: &Analysis<'_>, si: usize, m: &OrgMention) -> bool {
    a.org(m.org).kind != Some(OrganizationKind::Regulator)
        && !non_party(a, si, m.start)
        && !a.is_affiliation(si, m.start)
}

/// Names coordinated with the mention at `idx` going backwards ("X and Y signed").
fn coordinated_before(a: &Analysis<'_>, si: usize, ms: &[OrgMention], idx: usize) -> Vec<usize> {
    let lower = &a.lower[si];
    let mut out = vec![ms[idx].org];
    let mut i = idx;
    while i > 0 {
        let gap = slice(lower, ms[i - 1].end, ms[i].start);
        // "the Ministry of Trade, Industry and Energy (MOTIE)": one name, written twice.
        if ms[i - 1].org == ms[i].org && gap.trim() == "(" {
            i -= 1;
            continue;
        }
        if coordinates(gap) && eligible(a, si, &ms[i - 1]) {
            out.push(ms[i - 1].org);
            i -= 1;
        } else {
            break;
        }
    }
    out
}

/// The subject side of a deal reported at `pos`: a group reference ("the two companies")
/// or the nearest eligible organization before it with the names coordinated to it.
fn subject_before(a: &Analysis<'_>, si: usize, pos: usize) -> Vec<usize> {
    let ms = a.orgs_in(si);
    // "buy Pfizer's biologics plant … under an agreement": a possessive names an owner, not
    // the subject.
    let lower = &a.lower[si];
    let org = ms.iter().enumerate().rev().find(|(_, m)| {
        m.end <= pos
            && eligible(a, si, m)
            && !(lower[m.end..].starts_with("'s") || lower[m.end..].starts_with("’s"))
    });
    let group = a.groups[si].iter().rev().find(|g| g.end <= pos);
    match (org, group) {
        (Some((_, m)), Some(g)) if g.end > m.end => g.orgs.clone(),
        (Some((mut i, _)), _) => {
            while let Some(h) = appositive_head(a, si, ms, i, pos) {
                i = h;
            }
            coordinated_before(a, si, ms, i)
        }
        (None, Some(g)) => g.orgs.clone(),
        // "Under an agreement signed with Bayer last December, WuXi Biologics took over …":
        // an opening phrase's agreement belongs to the subject of the main clause.
        (None, None) => {
            let lower = &a.lower[si];
            let opening = ["under ", "through ", "via ", "as part of ", "in ", "with "]
                .iter()
                .any(|w| lower.starts_with(w));
            let Some(comma) = opening.then(|| lower[pos..].find(", ")).flatten() else {
                return Vec::new();
            };
            let at = pos + comma + 2;
            party_at(a, si, ms, at, 4)
                .map(|m| vec![m.org])
                .unwrap_or_default()
        }
    }
}

/// The organizations of the first "with …" or "between … and …" phrase in `[from, to)`,
/// with the names coordinated to them.
fn counterparts(a: &Analysis<'_>, si: usize, from: usize, to: usize) -> Vec<usize> {
    let lower = &a.lower[si];
    let window = slice(lower, from, to);
    // "won an order worth $362 million from Vir", "landed a contract from Pfizer": what is
    // won comes from the client; "was awarded a contract by Pfizer" likewise.
    let order = window.contains("order") && !window.contains("in order to");
    let won = [
        "won ", "wins ", "win ", "landed ", "lands ", "secured ", "secures ", "received ",
        "receives ", "bagged ", "clinched ", "booked ",
    ]
    .iter()
    .any(|w| window.starts_with(w))
        // … and it is the deal that is won: "won approval from the ministry; under the
        // deal …" names no client.
        && window.find(" from ").is_some_and(|i| {
            ["contract", "deal", "order", "agreement"]
                .iter()
                .any(|n| window[..i].contains(n))
        });
    let awarded = window.starts_with("awarded ");
    let Some(at) = [
        " with ",
        " between ",
        if order || won { " from " } else { " with " },
        if awarded { " by " } else { " with " },
    ]
    .iter()
    .filter_map(|w| window.find(w).map(|i| from + i + w.len()))
    .min() else {
        return Vec::new();
    };
    if let Some(g) = a.groups[si]
        .iter()
        .find(|g| g.start >= at && g.start <= at + 8)
    {
        return g.orgs.clone();
    }
    let ms = a.orgs_in(si);
    let Some(first) = ms
        .iter()
        .position(|m| m.start >= at && m.start <= at + 60 && m.start < to && eligible(a, si, m))
    else {
        return Vec::new();
    };
    coordinated_after(a, si, ms, first, to)
}

/// The organization at `first` with the names coordinated after it, up to `to`.
fn coordinated_after(
    a: &Analysis<'_>,
    si: usize,
    ms: &[OrgMention],
    first: usize,
    to: usize,
) -> Vec<usize> {
    let lower = &a.lower[si];
    let mut out = vec![ms[first].org];
    let mut i = first;
    while i + 1 < ms.len() && ms[i + 1].start < to {
        let gap = slice(lower, ms[i].end, ms[i + 1].start);
        if ms[i + 1].org == ms[i].org && gap.trim() == "(" {
            i += 1;
            continue;
        }
        if coordinates(gap) && eligible(a, si, &ms[i + 1]) {
            out.push(ms[i + 1].org);
            i += 1;
        } else {
            break;
        }
    }
    out
}

/// The organization opening each "with …" phrase in `[from, to)`, with its position.
fn with_phrases(a: &Analysis<'_>, si: usize, from: usize, to: usize) -> Vec<(usize, usize)> {
    let lower = &a.lower[si];
    let ms = a.orgs_in(si);
    let window = slice(lower, from, to);
    let mut out: Vec<(usize, usize)> = Vec::new();
    for (i, _) in window.match_indices(" with ") {
        let at = from + i + 6;
        if let Some(m) = party_at(a, si, ms, at, 40)
            && !out.iter().any(|(o, _)| *o == m.org)
        {
            out.push((m.org, m.end));
        }
    }
    out
}

/// "Korean and US companies signed four agreements … on May 22": when the lead reports a
/// dated signing, the undated signings the article then details are that event's.
fn signing_event_date(a: &Analysis<'_>, si: usize) -> Option<PartialDate> {
    let lead = (0..a.sentences.len().min(2))
        .find(|&l| a.hits[l].has(Lex::SignTrigger) && a.hits[l].has(Lex::AgreementNoun))?;
    if lead == si {
        return None;
    }
    a.dates[lead]
        .iter()
        .find(|d| !d.relative || d.date.get_day().is_some())
        .map(|d| d.date)
}

/// Objects coordinated after the first one of a deal verb ("… and U.S. maker Y in 2018"):
/// names after an " and " with no verb of their own.
fn later_objects(
    a: &Analysis<'_>,
    si: usize,
    first: usize,
    from: usize,
    to: usize,
) -> Vec<(usize, usize)> {
    let lower = &a.lower[si];
    let ms = a.orgs_in(si);
    let Some(first_end) = ms
        .iter()
        .find(|m| m.org == first && m.start >= from)
        .map(|m| m.end)
    else {
        return Vec::new();
    };
    let window = slice(lower, first_end, to);
    let to = [", and ", ", but ", ", while ", ", whereas "]
        .iter()
        .filter_map(|w| window.find(w).map(|i| first_end + i))
        .min()
        .unwrap_or(to);
    let mut out = Vec::new();
    let mut pos = first_end;
    while let Some(i) = slice(lower, pos, to).find(" and ") {
        let and_at = pos + i + 5;
        let Some(m) = ms.iter().find(|m| {
            m.start >= and_at && m.start <= and_at + 50 && !m.anaphor && eligible(a, si, m)
        }) else {
            break;
        };
        // "… and Y signed …": Y opens a clause of its own.
        let next_word = lower[m.end..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        if a.rules.orgs.actor_verbs.contains(&next_word) || m.org == first {
            break;
        }
        out.push((m.org, m.end));
        pos = m.end;
    }
    out
}

/// True when a possessive follows a name ending at `end`, past a legal form the name left
/// out: "Lilly's", "Pfizer Inc.'s".
fn possessive_after(lower: &str, end: usize) -> bool {
    let mut rest = &lower[end..];
    for form in [
        " inc.",
        " inc",
        " co., ltd.",
        " co.",
        " ltd.",
        " corp.",
        " plc",
        " ag",
    ] {
        if let Some(r) = rest.strip_prefix(form) {
            rest = r;
            break;
        }
    }
    rest.starts_with("'s") || rest.starts_with("’s")
}

/// Where the clause running from `from` ends: a semicolon, or a full stop that is not part of
/// an abbreviation ("Merck & Co. for $500 million", "U.S.").
fn clause_end(lower: &str, from: usize) -> usize {
    let b = lower.as_bytes();
    let mut i = from;
    while i < b.len() {
        match b[i] {
            b';' => return i,
            b'.' => {
                let word_start = lower[..i]
                    .char_indices()
                    .rev()
                    .find(|(_, c)| !(c.is_ascii_alphanumeric() || *c == '.'))
                    .map_or(0, |(p, c)| p + c.len_utf8());
                let word = &lower[word_start..i];
                let abbreviation =
                    matches!(word, "co" | "inc" | "ltd" | "corp" | "no" | "st" | "dr")
                        || word.contains('.')
                        || word.len() == 1;
                let digit_after = b.get(i + 1).is_some_and(u8::is_ascii_digit);
                if !abbreviation && !digit_after {
                    return i;
                }
            }
            _ => {}
        }
        i += 1;
    }
    lower.len()
}

fn dedup(mut v: Vec<usize>) -> Vec<usize> {
    let mut seen = BTreeSet::new();
    v.retain(|p| seen.insert(*p));
    v
}

/// The value of the deal: the largest amount stated in `[from, to)`.
fn value_in(money: &[MoneyMention], from: usize, to: usize) -> Option<f64> {
    money
        .iter()
        .filter(|m| m.start >= from && m.end <= to)
        .map(|m| m.usd)
        .fold(None, |acc: Option<f64>, v| {
            Some(acc.map_or(v, |x| x.max(v)))
        })
}

/// Finds the agreements made in the document.
pub fn extract_agreements(a: &Analysis<'_>) -> Vec<AgreementDraft> {
    let mut out: Vec<AgreementDraft> = Vec::new();
    for si in 0..a.sentences.len() {
        if a.hits[si].has(Lex::AgreementDenial) {
            continue;
        }
        let money = &a.money[si];
        let mut here: Vec<AgreementDraft> = Vec::new();
        from_agreement_nouns(a, si, money, &mut here);
        from_deal_verbs(a, si, money, &mut here);
        from_deal_nouns(a, si, money, &mut here);
        from_service_verbs(a, si, money, &mut here);
        from_licence_grants(a, si, money, &mut here);
        from_agreed_with(a, si, money, &mut here);
        from_selection(a, si, money, &mut here);
        from_joint_founding(a, si, money, &mut here);
        from_joint_work(a, si, money, &mut here);
        for mut d in here {
            // "signed an agreement with the zone's administrative committee to build a plant":
            // a company's pact with a local government about a site is an investment.
            if d.agreement_type == a.rules.agreements.default
                && d.parties
                    .iter()
                    .any(|&o| a.org(o).kind == Some(OrganizationKind::Government))
                && d.parties.iter().any(|&o| !a.org(o).is_authority())
                && [
                    "to build",
                    "to construct",
                    "to set up",
                    "to invest",
                    "will invest",
                    "to establish",
                ]
                .iter()
                .any(|w| a.lower[si].contains(w))
            {
                d.agreement_type = AgreementType::Investment;
            }
            // "a contract under which WuXi XDC will … produce cGMP material", "the contract to
            // make Avtozma": a contract to make something is a manufacturing contract.
            if d.agreement_type == a.rules.agreements.default
                && let Some(at) = d.noun_at
            {
                let lower = &a.lower[si];
                let noun = slice(lower, at, at + 9);
                let after = slice(lower, at, at + 160);
                let purpose = slice(lower, at, at + 80);
                if noun.starts_with("contract")
                    && [" manufactur", " produce", " to make", " supply", " fill"]
                        .iter()
                        .any(|w| after.contains(w))
                    // "signed a deal with X last June to produce its antibody"
                    || [" to produce", " to manufacture", " to make", " to supply", " to fill"]
                        .iter()
                        .any(|w| purpose.contains(w))
                {
                    d.agreement_type = AgreementType::ManufacturingContract;
                }
            }
            merge_into(&mut out, d);
        }
    }
    out
}

/// An agreement read from a verb at `at` (no agreement noun): dated and valued from that
/// verb's clause.
fn verb_draft(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    parties: Vec<usize>,
    agreement_type: AgreementType,
    at: usize,
) -> AgreementDraft {
    let (date, date_stated) = a.fact_date(si, at);
    AgreementDraft {
        parties: dedup(parties),
        agreement_type,
        scope: None,
        date,
        value_usd: value_in(money, at, clause_end(&a.lower[si], at)),
        date_stated,
        sentence: si,
        noun_at: None,
    }
}

/// "Teva agreed in 2016 with Celltrion Healthcare to commercialise …": an agreement stated
/// by its verb alone; "agreed to transfer manufacturing technology … to Binex": a
/// technology transfer. The verb after "to" decides the type.
fn from_agreed_with(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    let lower = &a.lower[si];
    if !["agree", "transfer", "partnered", "teamed", "joined"]
        .iter()
        .any(|w| lower.contains(w))
    {
        return;
    }
    let ms = a.orgs_in(si);
    let type_of = |rest: &str| {
        if [
            "co-develop",
            "jointly develop",
            "joint research",
            "co-research",
        ]
        .iter()
        .any(|w| rest.contains(w))
        {
            AgreementType::ResearchCooperation
        } else if ["commerciali", "market", "sell", "distribut", "licen"]
            .iter()
            .any(|w| rest.contains(w))
        {
            AgreementType::Licensing
        } else if ["manufactur", "produc", "supply", "make ", "technolog"]
            .iter()
            .any(|w| rest.contains(w))
        {
            AgreementType::ManufacturingContract
        } else {
            a.rules.agreements.default
        }
    };
    // "X partnered with Y to …", "X and Y teamed up": partnering verbs read the same way.
    let verbs = [
        "agreed",
        "agrees",
        "partnered",
        "teamed up",
        "joined hands",
        "joined forces",
    ]
    .iter()
    .flat_map(|v| find_all(lower, v, Fit::Word))
    .collect::<Vec<_>>();
    for at in verbs {
        if hedged(a, si, at) {
            continue;
        }
        let end = clause_end(lower, at);
        let tail = slice(lower, at, end);
        let counterpart = if let Some(i) = tail.find(" with ").filter(|i| *i <= 40) {
            // "agreed in 2016 with Celltrion Healthcare"
            party_at(a, si, ms, at + i + 6, 12).map(|m| m.org)
        } else if tail.starts_with("agreed to transfer") || tail.starts_with("agrees to transfer") {
            // "agreed to transfer manufacturing technology for two biosimilars to Binex"
            tail.find(" to ").and_then(|_| {
                let t = tail[18..].find(" to ")? + at + 18 + 4;
                party_at(a, si, ms, t, 12).map(|m| m.org)
            })
        } else {
            None
        };
        let mut parties = subject_before(a, si, at);
        match counterpart {
            Some(other) if !parties.is_empty() && !parties.contains(&other) => parties.push(other),
            // "Hanmi Pharmaceutical and MSD agreed to co-develop the drug": the parties are
            // the subject's names.
            None if parties.len() >= 2
                && (tail.starts_with("agreed to")
                    || ["partnered", "teamed up", "joined"]
                        .iter()
                        .any(|w| tail.starts_with(w))) => {}
            _ => continue,
        }
        push_new(here, verb_draft(a, si, money, parties, type_of(tail), at));
    }
}

/// The first organization that may be a party starting within `slack` bytes of `at`.
fn party_at<'m>(
    a: &Analysis<'_>,
    si: usize,
    ms: &'m [OrgMention],
    at: usize,
    slack: usize,
) -> Option<&'m OrgMention> {
    ms.iter()
        .find(|m| m.start >= at && m.start <= at + slack && eligible(a, si, m))
}

/// Adds the agreement between the subject of the clause at `at` and `other` (a verb's object
/// or counterpart), unless there is no subject or it already holds `other` or `exclude`.
#[allow(clippy::too_many_arguments)]
fn with_subject(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
    at: usize,
    other: usize,
    exclude: Option<usize>,
    agreement_type: AgreementType,
) {
    let mut parties = subject_before(a, si, at);
    if parties.is_empty()
        || parties.contains(&other)
        || exclude.is_some_and(|x| parties.contains(&x))
    {
        return;
    }
    parties.push(other);
    push_new(here, verb_draft(a, si, money, parties, agreement_type, at));
}

/// "Aprogen has been developing biosimilars together with Nichi-Iko since 2010": work
/// done jointly with a named partner is a collaboration.
fn from_joint_work(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    static JOINT: LazyLock<Regex> = LazyLock::new(|| {
        static_regex(
            r"(?-u:\b)(?:(?:developing|developed|working|worked|researching|producing)\s+(?:[a-z-]+\s+){0,4}?together\s+with|jointly\s+(?:develop|developing|developed|work|working)\s+(?:[a-z-]+\s+){0,4}?with|co-develop(?:s|ed|ing)?\s+(?:[a-z-]+\s+){0,4}?with)\s+",
        )
    });
    let lower = &a.lower[si];
    if !lower.contains(" with ") {
        return;
    }
    let ms = a.orgs_in(si);
    for j in JOINT.find_iter(lower) {
        let Some(partner) = party_at(a, si, ms, j.end(), 16) else {
            continue;
        };
        if hedged(a, si, j.start()) {
            continue;
        }
        with_subject(
            a,
            si,
            money,
            here,
            j.start(),
            partner.org,
            None,
            AgreementType::Collaboration,
        );
    }
}

/// "In 2016 it set up ImmuneOncia Therapeutics with Sorrento Therapeutics": a company
/// founded by two is their joint venture.
fn from_joint_founding(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    static FOUNDED: LazyLock<Regex> = LazyLock::new(|| {
        static_regex(
            r"(?-u:\b)(?:set up|sets up|established|establishes|formed|forms|founded|co-founded|created|launched)\s+",
        )
    });
    let lower = &a.lower[si];
    if !lower.contains(" with ") {
        return;
    }
    let ms = a.orgs_in(si);
    for v in FOUNDED.find_iter(lower) {
        let Some(venture) = ms.iter().find(|m| m.start == v.end() && !m.anaphor) else {
            continue;
        };
        let after = slice(lower, venture.end, venture.end + 40);
        let Some(w) = after.find(" with ") else {
            continue;
        };
        // Only a short gap: "ImmuneOncia Therapeutics with", "X, a Seoul company, with".
        if after[..w].contains(['.', ';']) {
            continue;
        }
        let at = venture.end + w + " with ".len();
        let Some(partner) = party_at(a, si, ms, at, 4) else {
            continue;
        };
        if hedged(a, si, v.start()) {
            continue;
        }
        with_subject(
            a,
            si,
            money,
            here,
            v.start(),
            partner.org,
            Some(venture.org),
            AgreementType::JointVenture,
        );
    }
}

/// "Celltrion Pharm was chosen by Pfizer as a contract manufacturer", "ABL Bio was tapped by
/// Eli Lilly for a research agreement": a company selected by another for a role or a deal
/// has an agreement with it.
fn from_selection(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    static SELECTED: LazyLock<Regex> = LazyLock::new(|| {
        static_regex(
            r"(?:was|were|has been|have been|had been|is|been)\s+(?:chosen|selected|picked|tapped|appointed|named)\s+by\s+",
        )
    });
    let lower = &a.lower[si];
    let ms = a.orgs_in(si);
    // Active: "AstraZeneca tapped SK bioscience to contract-manufacture its vaccine".
    static CHOSE: LazyLock<Regex> = LazyLock::new(|| {
        static_regex(
            r"(?-u:\b)(?:tapped|taps|picked|picks|selected|selects|chose|chooses|hired|hires|appointed|appoints|enlisted|enlists|engaged|engages|commissioned|commissions)\s+",
        )
    });
    for v in CHOSE.find_iter(lower) {
        let Some(chosen) = party_at(a, si, ms, v.end(), 4) else {
            continue;
        };
        let role = slice(lower, chosen.end, chosen.end + 50).trim_start();
        let manufacturing = (role.starts_with("to ") || role.starts_with("as "))
            && [
                "manufactur",
                "produc",
                "supply",
                "cmo",
                "cdmo",
                "contract",
                "make ",
            ]
            .iter()
            .any(|w| role.contains(w));
        if !manufacturing || hedged(a, si, v.start()) {
            continue;
        }
        with_subject(
            a,
            si,
            money,
            here,
            v.start(),
            chosen.org,
            None,
            AgreementType::ManufacturingContract,
        );
    }
    if !lower.contains(" by ") {
        return;
    }
    for m in SELECTED.find_iter(lower) {
        let Some(chooser) = party_at(a, si, ms, m.end(), 4) else {
            continue;
        };
        let role = slice(lower, chooser.end, chooser.end + 60);
        // The role follows the chooser, perhaps after a date: "tapped by Eli Lilly on
        // Nov. 12 for a technology transfer agreement".
        let dated = a.dates[si]
            .iter()
            .find(|d| d.start >= chooser.end && d.start <= chooser.end + 4)
            .map_or(chooser.end, |d| d.end);
        let role_start = slice(lower, dated, dated + 8).trim_start();
        let for_deal = role_start.starts_with("for ")
            && a.hits[si]
                .of(Lex::AgreementNoun)
                .iter()
                .any(|h| h.start >= dated && h.start <= dated + 70);
        if !(role.trim_start().starts_with("as ") || for_deal) || hedged(a, si, m.start()) {
            continue;
        }
        let agreement_type = if for_deal {
            classify(
                a,
                si,
                dated,
                ceil_char(lower, (dated + 80).min(lower.len())),
            )
        } else if ["manufactur", "cmo", "cdmo", "supplier", "producer"]
            .iter()
            .any(|w| role.contains(w))
        {
            AgreementType::ManufacturingContract
        } else {
            a.rules.agreements.default
        };
        with_subject(
            a,
            si,
            money,
            here,
            m.start(),
            chooser.org,
            None,
            agreement_type,
        );
    }
}

/// "Henlius granted Intas Pharmaceuticals an exclusive licence to sell serplulimab": one
/// company licensing another (a regulator granting a licence is a licence, not a deal).
fn from_licence_grants(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    let lower = &a.lower[si];
    if !lower.contains("grant") {
        return;
    }
    let ms = a.orgs_in(si);
    for at in find_all(lower, "granted", Fit::Word)
        .into_iter()
        .chain(find_all(lower, "grants", Fit::Word))
    {
        let verb_end = lower[at..].find(' ').map_or(lower.len(), |i| at + i);
        let Some(licensee) = ms
            .iter()
            .find(|m| m.start > verb_end && m.start <= verb_end + 6 && !m.anaphor)
        else {
            continue;
        };
        let rest = slice(lower, licensee.end, licensee.end + 40);
        let licence = ["licen", "rights", "right to"]
            .iter()
            .any(|w| rest.contains(w));
        if !licence || hedged(a, si, at) || a.org(licensee.org).is_authority() {
            continue;
        }
        let licensor = subject_before(a, si, at);
        if licensor.iter().any(|&o| a.org(o).is_authority()) {
            continue;
        }
        let mut parties = licensor;
        parties.push(licensee.org);
        push_new(
            here,
            verb_draft(a, si, money, parties, AgreementType::Licensing, at),
        );
    }
}

/// Adds `d` unless this sentence already gave an agreement among mostly the same parties.
fn push_new(here: &mut Vec<AgreementDraft>, d: AgreementDraft) {
    if d.parties.len() < 2 {
        return;
    }
    let set: BTreeSet<usize> = d.parties.iter().copied().collect();
    let overlaps = here.iter().any(|e| {
        let other: BTreeSet<usize> = e.parties.iter().copied().collect();
        let distinct_nouns = matches!((e.noun_at, d.noun_at), (Some(x), Some(y)) if x != y);
        // "signed on Tuesday … extends a contract the two companies signed in March".
        let distinct_dates = e.date_stated
            && d.date_stated
            && matches!((e.date, d.date), (Some(x), Some(y)) if !x.is_compatible(&y));
        (set.intersection(&other).count() >= 2 || set == other)
            && !distinct_nouns
            && !distinct_dates
    });
    if !overlaps {
        here.push(d);
    }
}

fn from_agreement_nouns(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    let lower = &a.lower[si];
    let text = &a.sentences[si].text;
    let hits = &a.hits[si];
    let ms = a.orgs_in(si);
    let inside_org = |s: usize, e: usize| ms.iter().any(|m| !m.anaphor && s < m.end && m.start < e);
    // Agreement nouns, adjacent ones grouped ("collaboration agreement").
    let mut groups: Vec<(usize, usize)> = Vec::new();
    for h in hits.of(Lex::AgreementNoun) {
        if inside_org(h.start, h.end) {
            continue;
        }
        // "the contract manufacturing arm of GenScript": a modifier, not an agreement.
        let after = &lower[h.end..];
        if slice(lower, h.start, h.end) == "contract"
            && [
                " manufactur",
                " develop",
                " research",
                " testing",
                " service",
                " organi",
            ]
            .iter()
            .any(|w| after.starts_with(w))
            && !after.starts_with(" manufacturing agreement")
            && !after.starts_with(" manufacturing deal")
        {
            continue;
        }
        match groups.last_mut() {
            Some(g) if h.start <= g.1 + 15 => g.1 = g.1.max(h.end),
            _ => groups.push((h.start, h.end)),
        }
    }
    let triggers: Vec<&Hit> = hits
        .of(Lex::SignTrigger)
        .iter()
        .filter(|h| !inside_org(h.start, h.end))
        .collect();
    for (gi, &(gs, ge)) in groups.iter().enumerate() {
        // "a contract the two companies signed": a relative clause's own verb comes first.
        let relative_verb = triggers.iter().find(|t| {
            t.start > ge && t.start <= ge + 60 && {
                let gap = slice(lower, ge, t.start).trim();
                let gap = gap
                    .strip_prefix("that ")
                    .or_else(|| gap.strip_prefix("which "))
                    .unwrap_or(gap)
                    .trim();
                !gap.is_empty()
                    && (a.groups[si].iter().any(|g| {
                        g.end <= t.start
                            && slice(lower, g.end, t.start).trim().is_empty()
                            && g.start >= ge
                    }) || ms.iter().any(|m| {
                        m.start >= ge
                            && m.end <= t.start
                            && slice(lower, m.end, t.start).trim().is_empty()
                    }))
            }
        });
        let Some(t) = relative_verb
            .or_else(|| {
                triggers
                    .iter()
                    .filter(|t| t.end <= gs)
                    .max_by_key(|t| t.start)
            })
            .or_else(|| {
                triggers
                    .iter()
                    .find(|t| t.start >= ge && t.start <= ge + 40)
            })
        else {
            continue;
        };
        if hedged(a, si, t.start) {
            continue;
        }
        let seg_start = if gi > 0 { groups[gi - 1].1 } else { 0 };
        let seg_end = groups.get(gi + 1).map_or(lower.len(), |g| g.0);
        let ws = floor_char(lower, gs.saturating_sub(50).max(seg_start));
        let we = ceil_char(lower, (ge + 60).min(seg_end));
        let agreement_type = classify(a, si, ws, we);
        let anchor = t.start.min(gs);
        // "a memorandum that Binex and Celltrion signed": the subject of the relative clause.
        let relative = if t.start > ge {
            let between = slice(lower, ge, t.start);
            [" that ", " which "]
                .iter()
                .find_map(|w| between.find(w).map(|i| ge + i + w.len()))
                .and_then(|at| {
                    ms.iter()
                        .position(|m| m.start >= at && m.end <= t.start && eligible(a, si, m))
                })
                // The clause's subject is its first name ("that the K-NIBRT Project Group at
                // Yonsei University signed"), with the names coordinated to it.
                .map(|i| coordinated_after(a, si, ms, i, t.start))
        } else {
            None
        };
        // "a manufacturing contract the two companies signed in March": a relative clause
        // without "that", its subject right after the noun and right before the verb.
        let relative = relative.or_else(|| {
            if t.start <= ge {
                return None;
            }
            let right_after = |s: usize| s >= ge && slice(lower, ge, s).trim().is_empty();
            let right_before =
                |e: usize| e <= t.start && slice(lower, e, t.start).trim().is_empty();
            a.groups[si]
                .iter()
                .find(|g| right_after(g.start) && right_before(g.end))
                .map(|g| g.orgs.clone())
                .or_else(|| {
                    let first = ms.iter().position(|m| right_after(m.start))?;
                    let last = ms.iter().rposition(|m| right_before(m.end))?;
                    (last >= first).then(|| coordinated_before(a, si, ms, last))
                })
        });
        let mut parties = relative.unwrap_or_else(|| subject_before(a, si, anchor));
        let mut others = counterparts(a, si, t.start.min(gs), seg_end);
        // "signed a contract under which WuXi XDC will develop …": the other party is the
        // subject of the clause that spells the agreement out.
        if others.is_empty() {
            let after = slice(lower, ge, seg_end);
            if let Some(i) = [
                " under which ",
                " whereby ",
                " under which the ",
                ", under which ",
            ]
            .iter()
            .filter_map(|w| after.find(w).filter(|i| *i <= 20).map(|i| i + w.len()))
            .min()
            {
                let at = ge + i;
                if let Some(m) = party_at(a, si, ms, at, 4) {
                    others.push(m.org);
                }
            }
        }
        // "a letter of intent with Merck in 2019 and, in 2020, a … contract": a second
        // agreement without parties of its own shares the first one's.
        let no_new_names = !ms.iter().any(|m| m.start >= seg_start && m.start < gs);
        if others.is_empty()
            && no_new_names
            && gi > 0
            && let Some(prev) = here.last()
        {
            parties = prev.parties.clone();
        }
        // "signed supply agreements with AstraZeneca and Novavax": one agreement with each.
        let noun = slice(lower, gs, ge);
        let plural = noun.split_whitespace().any(|w| PLURAL_NOUNS.contains(&w));
        // "three contracts: with X in April, with Y in June": one per "with" phrase.
        let listed = if plural {
            with_phrases(a, si, ge, seg_end)
        } else {
            Vec::new()
        };
        let separate: Vec<usize> = if plural && others.len() >= 2 && !parties.is_empty() {
            others.clone()
        } else if listed.len() >= 2 && !parties.is_empty() {
            listed.iter().map(|(o, _)| *o).collect()
        } else {
            Vec::new()
        };
        parties.extend(others);
        let mut agreement_type = agreement_type;
        // "signed an agreement with X to buy a stake in Y": the purpose names the deal.
        if let Some(v) = hits
            .range(Lex::DealVerb(0), Lex::DealVerb(u16::MAX))
            .iter()
            .find(|v| {
                v.start >= ge && v.start < seg_end && lower[..v.start].trim_end().ends_with(" to")
            })
        {
            if let Lex::DealVerb(i) = v.lex
                && let Some((_, t)) = a.rules.agreements.deal_verbs.get(i as usize)
            {
                agreement_type = *t;
            }
            parties.extend(objects_after(a, si, v.end, seg_end));
        }
        let mut parties = dedup(parties);
        if parties.len() < 2 {
            // "signs an agreement at X": the one organization right after the noun.
            if let Some(m) = ms.iter().find(|m| {
                m.start >= ge
                    && m.start <= ge + 40
                    && m.start < seg_end
                    && eligible(a, si, m)
                    && matches!(
                        slice(lower, ge, m.start).trim(),
                        "" | "at" | "at the" | "to" | "with"
                    )
            }) {
                parties.push(m.org);
                parties = dedup(parties);
            }
        }
        let (date, date_stated) = match a.fact_date(si, t.start) {
            (None, false) => (signing_event_date(a, si), false),
            d => d,
        };
        // "contracts: with an Asian developer in April, with Ottimo Pharma in June": a date
        // right after the counterpart, in its own phrase, is this agreement's.
        let counterpart_date = listed.first().and_then(|&(_, at)| {
            let end = ms.iter().find(|m| m.start == at).map_or(at, |m| m.end);
            a.dates[si]
                .iter()
                .find(|d| {
                    d.start >= end
                        && d.start - end <= 25
                        && !slice(lower, end, d.start).contains([',', ';', ':'])
                })
                .map(|d| d.date)
        });
        let (date, date_stated) = match (listed.len(), counterpart_date) {
            (1, Some(d)) => (Some(d), true),
            _ => (date, date_stated),
        };
        let draft = AgreementDraft {
            parties,
            agreement_type,
            scope: scope_after(text, lower, ge, seg_end),
            date,
            // The amount of this deal's own clause: "… order worth $362 million from Vir,
            // and a month later it clinched a deal valued at $231 million with GSK".
            value_usd: {
                let own = slice(lower, seg_start, gs);
                let clause = [", and ", "; "]
                    .iter()
                    .filter_map(|w| own.rfind(w).map(|i| seg_start + i))
                    .max()
                    .unwrap_or(seg_start);
                value_in(money, clause, seg_end)
            },
            date_stated,
            sentence: si,
            noun_at: Some(gs),
        };
        if separate.is_empty() {
            push_new(here, draft);
        } else {
            let subject: Vec<usize> = draft
                .parties
                .iter()
                .copied()
                .filter(|p| !separate.contains(p))
                .collect();
            for o in separate {
                let mut d = draft.clone();
                d.parties = subject.iter().copied().chain([o]).collect();
                // A shared amount belongs to none of them alone.
                d.value_usd = None;
                // Each "with" phrase may carry its own date ("with Ottimo in June").
                if let Some(&(_, at)) = listed.iter().find(|(x, _)| *x == o)
                    && let Some(dm) = a.dates[si]
                        .iter()
                        .find(|dm| dm.start >= at && dm.start <= at + 60)
                {
                    d.date = Some(dm.date);
                    d.date_stated = true;
                }
                push_new(here, d);
            }
        }
    }
}

/// Plural agreement nouns: with several counterparts, one agreement each.
const PLURAL_NOUNS: &[&str] = &[
    "agreements",
    "contracts",
    "deals",
    "mous",
    "memorandums",
    "memoranda",
    "partnerships",
    "pacts",
    "accords",
    "alliances",
    "letters",
    "orders",
];

/// The organization owning an asset or named as the deal's object right after `from`
/// ("Eli Lilly's plant", "a 70 percent stake in Yposkesi", "from Hanwha Chemical").
fn objects_after(a: &Analysis<'_>, si: usize, from: usize, to: usize) -> Vec<usize> {
    let lower = &a.lower[si];
    let ms = a.orgs_in(si);
    // The object stays in the verb's clause: ", and it will keep … of Y" is another one.
    let window = slice(lower, from, to);
    let to = [", and ", ", but ", ", while ", ", whereas "]
        .iter()
        .filter_map(|w| window.find(w).map(|i| from + i))
        .min()
        .unwrap_or(to);
    let mut out = Vec::new();
    if let Some(m) = ms.iter().find(|m| {
        m.start >= from && m.start <= from + 90 && m.start < to && eligible(a, si, m) && !m.anaphor
    }) {
        out.push(m.org);
        // "… from Hanwha Chemical", "X, a platform owned by Y": the seller.
        let tail = slice(lower, m.end, (m.end + 100).min(to));
        if let Some(at) = [" from ", " owned by ", " a subsidiary of ", " a unit of "]
            .iter()
            .filter_map(|w| tail.find(w).map(|i| m.end + i + w.len()))
            .min()
        {
            // The owner named as a parent is a party here, so affiliation does not exclude it.
            // "from healthcare investor CBC Group and other shareholders including Y".
            let seller_ok = |x: &OrgMention| {
                a.org(x.org).kind != Some(OrganizationKind::Regulator)
                    && !non_party(a, si, x.start)
                    && !x.anaphor
            };
            if let Some(si_idx) = ms
                .iter()
                .position(|x| x.start >= at && x.start <= at + 40 && seller_ok(x))
            {
                let s = &ms[si_idx];
                out.push(s.org);
                let rest = slice(lower, s.end, (s.end + 80).min(to));
                if let Some(inc) = rest.find(" including ") {
                    let inc_at = s.end + inc + 11;
                    if let Some(k) = ms
                        .iter()
                        .position(|x| x.start >= inc_at && x.start <= inc_at + 4)
                    {
                        out.extend(coordinated_after(a, si, ms, k, to));
                    }
                }
            }
        }
    }
    out
}

fn from_deal_verbs(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    let r = &a.rules.agreements;
    let lower = &a.lower[si];
    let hits = &a.hits[si];
    let verbs = hits.range(Lex::DealVerb(0), Lex::SaleVerb(u16::MAX));
    for v in verbs {
        let (kind, selling) = match v.lex {
            Lex::DealVerb(i) => (r.deal_verbs.get(i as usize).map(|x| x.1), false),
            Lex::SaleVerb(i) => (r.sale_verbs.get(i as usize).map(|x| x.1), true),
            _ => (None, false),
        };
        let Some(agreement_type) = kind else { continue };
        // "have partnered since 2016 to sell Truxima": selling to customers is the purpose of
        // a partnership, not a sale of a business ("agreed to sell its unit to Y" is one).
        if selling && agreement_type == AgreementType::Acquisition {
            let before = lower[..v.start].trim_end();
            let recent = &before[floor_char(before, before.len().saturating_sub(30))..];
            let committed = ["agreed", "agrees", "decided", "will", "plans", "signed"]
                .iter()
                .any(|w| recent.contains(w));
            if before.ends_with(" to") && !committed {
                continue;
            }
        }
        // "foreign-invested enterprises": a compound adjective, not a deal.
        if hedged(a, si, v.start) || lower[..v.start].ends_with('-') {
            continue;
        }
        let before = lower[..v.start].trim_end();
        // "was acquired by", not "is selling".
        let verb = slice(lower, v.start, v.end);
        let participle =
            verb.ends_with("ed") || ["sold", "bought", "taken over", "bought out"].contains(&verb);
        let passive = participle
            && ["is", "was", "were", "are", "been", "be", "being"]
                .iter()
                .any(|w| ends_with_word(before, w));
        let next_clause = clause_end(lower, v.end);
        // "BeiGene licensed the antibody to Novartis": a licence out needs its licensee
        // ("a licensed manufacturer", "licensed by the MFDS" are no deals).
        if agreement_type == AgreementType::Licensing {
            let licensee = slice(lower, v.end, next_clause).find(" to ").and_then(|i| {
                let at = v.end + i + 4;
                a.orgs_in(si)
                    .iter()
                    .find(|m| {
                        m.start >= at
                            && (m.start <= at + 12 || a.only_describes(slice(lower, at, m.start)))
                    })
                    .filter(|m| !a.org(m.org).is_authority())
            });
            // "a platform that had been licensed to Yuhan by Genexine": licensee and
            // licensor of a passive licence out (a regulator "by" licenses no one).
            if passive {
                let tail = slice(lower, v.end, next_clause);
                let licensor = tail.find(" by ").and_then(|i| {
                    let at = v.end + i + 4;
                    party_at(a, si, a.orgs_in(si), at, 12).filter(|m| !a.org(m.org).is_authority())
                });
                if let (Some(to), Some(by)) = (licensee, licensor)
                    && to.org != by.org
                {
                    push_new(
                        here,
                        verb_draft(
                            a,
                            si,
                            money,
                            vec![by.org, to.org],
                            AgreementType::Licensing,
                            v.start,
                        ),
                    );
                }
                continue;
            }
            if licensee.is_none() {
                continue;
            }
        }
        let mut parties;
        if passive {
            // "Y was acquired by X": the subject is the object.
            parties = subject_before(a, si, v.start);
            if let Some(i) = slice(lower, v.end, next_clause).find(" by ") {
                let at = v.end + i + 4;
                parties.extend(
                    a.orgs_in(si)
                        .iter()
                        .filter(|m| m.start >= at && m.start <= at + 12)
                        .map(|m| m.org),
                );
            }
        } else if selling {
            // "X sold its plant to Y", "X agreed to sell Y to Z".
            parties = subject_before(a, si, v.start);
            let to_at = slice(lower, v.end, next_clause)
                .find(" to ")
                .map(|i| v.end + i + 4);
            if let Some(at) = to_at {
                // Every business sold: "sell its units, X and Y, to Z".
                parties.extend(
                    a.orgs_in(si)
                        .iter()
                        .filter(|m| {
                            m.start >= v.end && m.end <= at && !m.anaphor && eligible(a, si, m)
                        })
                        .map(|m| m.org),
                );
                parties.extend(objects_after(a, si, at, next_clause).into_iter().take(1));
            }
        } else {
            parties = subject_before(a, si, v.start);
            let objects = objects_after(a, si, v.end, next_clause);
            // "bought X in 2017 and Y in 2018": a second object, a second deal.
            if let Some(&first) = objects.first() {
                let subject = parties.clone();
                for (org, at) in later_objects(a, si, first, v.end, next_clause) {
                    let mut d_parties = subject.clone();
                    d_parties.push(org);
                    let date = a.dates[si]
                        .iter()
                        .find(|d| d.start >= at && d.start <= at + 40)
                        .map(|d| (Some(d.date), true))
                        .unwrap_or_else(|| a.fact_date(si, v.start));
                    push_new(
                        here,
                        AgreementDraft {
                            parties: dedup(d_parties),
                            agreement_type,
                            scope: None,
                            date: date.0,
                            value_usd: None,
                            date_stated: date.1,
                            sentence: si,
                            noun_at: Some(at),
                        },
                    );
                }
            }
            parties.extend(objects);
        }
        let parties = dedup(parties);
        let (date, date_stated) = a.fact_date(si, v.start);
        push_new(
            here,
            AgreementDraft {
                parties,
                agreement_type,
                scope: None,
                date,
                value_usd: value_in(money, v.start.saturating_sub(40), next_clause),
                date_stated,
                sentence: si,
                noun_at: None,
            },
        );
    }
}

fn from_deal_nouns(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    let r = &a.rules.agreements;
    let lower = &a.lower[si];
    let hits = &a.hits[si];
    let ms = a.orgs_in(si);
    for n in hits.range(Lex::DealNoun(0), Lex::DealNoun(u16::MAX)) {
        let Lex::DealNoun(i) = n.lex else { continue };
        let Some((_, agreement_type)) = r.deal_nouns.get(i as usize) else {
            continue;
        };
        if hedged(a, si, n.start) {
            continue;
        }
        // "agreed to buy Bain Capital's 46.9 percent stake in Hugel": the stake is what a
        // deal verb buys, not an investment of its own.
        let bought = hits
            .range(Lex::DealVerb(0), Lex::SaleVerb(u16::MAX))
            .iter()
            .any(|v| {
                v.end <= n.start
                    && n.start - v.end <= 45
                    && !slice(lower, v.end, n.start).contains([',', ';'])
            });
        if bought {
            continue;
        }
        // The buyer: "X's (May 2022) purchase of", "its acquisition of" (the subject).
        let before = &lower[..n.start];
        let window_start = floor_char(lower, n.start.saturating_sub(30));
        let possessor = ms.iter().rev().find(|m| {
            m.end >= window_start
                && m.end <= n.start
                && (possessive_after(lower, m.end) || m.anaphor)
        });
        let buyer: Vec<usize> = match possessor {
            Some(m) => vec![m.org],
            None if before.trim_end().ends_with(" its") || before.trim_end().ends_with(" the") => {
                subject_before(a, si, n.start)
            }
            // "it took a stake in …", "X made an investment in …": the subject's own deal.
            None if [
                " took a",
                " takes a",
                " take a",
                " made an",
                " made a",
                " makes an",
            ]
            .iter()
            .any(|w| before.trim_end().ends_with(w)) =>
            {
                subject_before(a, si, n.start)
            }
            None => Vec::new(),
        };
        if buyer.is_empty() {
            continue;
        }
        let next_clause = clause_end(lower, n.end);
        let mut parties = buyer;
        parties.extend(objects_after(a, si, n.end, next_clause));
        let parties = dedup(parties);
        let (date, date_stated) = a.fact_date(si, n.start);
        push_new(
            here,
            AgreementDraft {
                parties,
                agreement_type: *agreement_type,
                scope: None,
                date,
                value_usd: value_in(money, n.start.saturating_sub(40), next_clause),
                date_stated,
                sentence: si,
                noun_at: None,
            },
        );
    }
}

/// "X agreed to manufacture Y's vaccine", "X will manufacture biologics for Y": a
/// contracted service, read as a manufacturing contract between X and the client Y.
fn from_service_verbs(
    a: &Analysis<'_>,
    si: usize,
    money: &[MoneyMention],
    here: &mut Vec<AgreementDraft>,
) {
    let lower = &a.lower[si];
    let ms = a.orgs_in(si);
    if ms.len() < 2
        || !(lower.contains("manufactur")
            || lower.contains("produc")
            || lower.contains("fill and")
            || lower.contains("supply"))
    {
        return;
    }
    for verb in ["manufacture", "produce", "fill and finish", "supply"] {
        for at in find_all(lower, verb, Fit::Word) {
            let before = lower[..at].trim_end();
            // "agreed (in July last year) to manufacture", "will manufacture".
            let committed = ["will", "is to", "contracted to"]
                .iter()
                .any(|w| before.ends_with(w))
                || before.ends_with(" to") && {
                    let from = floor_char(lower, at.saturating_sub(50));
                    let lead = &lower[from..at];
                    ["agreed", "agrees", "contracted", "signed", "contract"]
                        .iter()
                        .any(|w| lead.contains(w))
                };
            if !committed || hedged(a, si, at) {
                continue;
            }
            let end = at + verb.len();
            let clause_end = lower[end..]
                .find(['.', ';'])
                .map_or(lower.len(), |i| end + i);
            let window_end = (end + 90).min(clause_end);
            // The client: "Y's product", "for Y", or "supply Y with …".
            let client = ms.iter().find(|m| {
                m.start >= end
                    && m.start < window_end
                    && eligible(a, si, m)
                    && (possessive_after(lower, m.end)
                        || lower[..m.start].trim_end().ends_with(" for")
                        || verb == "supply"
                            && m.start <= end + 4
                            && slice(lower, m.end, m.end + 6).starts_with(" with"))
            });
            let Some(client) = client else { continue };
            let mut parties = subject_before(a, si, at);
            parties.push(client.org);
            let parties = dedup(parties);
            let (date, date_stated) = a.fact_date(si, at);
            push_new(
                here,
                AgreementDraft {
                    parties,
                    agreement_type: AgreementType::ManufacturingContract,
                    scope: None,
                    date,
                    // "signed a 922.7 billion won contract to manufacture …".
                    value_usd: value_in(money, at.saturating_sub(60), at),
                    date_stated,
                    sentence: si,
                    noun_at: None,
                },
            );
        }
    }
}

/// One agreement per set of parties in a document. The evidence is the first sentence
/// that states the date (the report of the signing), else the first mention.
fn merge_into(out: &mut Vec<AgreementDraft>, d: AgreementDraft) {
    let key: BTreeSet<usize> = d.parties.iter().copied().collect();
    if let Some(e) = out
        .iter_mut()
        .find(|e| e.parties.iter().copied().collect::<BTreeSet<_>>() == key && compatible(e, &d))
    {
        // Of two stated dates, the earlier is the signing (a later one is the closing).
        let earlier = match (e.date, d.date) {
            (Some(x), Some(y)) => y < x && !x.is_compatible(&y),
            _ => false,
        };
        if d.date_stated && (!e.date_stated || earlier) {
            e.sentence = d.sentence;
            e.date = d.date;
            e.date_stated = true;
        } else if e.date_stated == d.date_stated {
            e.date = match (e.date, d.date) {
                (Some(x), Some(y)) if x.is_compatible(&y) => Some(x.more_precise(y)),
                (x, y) => x.or(y),
            };
        }
        if e.agreement_type == AgreementType::Collaboration
            && d.agreement_type != AgreementType::Collaboration
        {
            e.agreement_type = d.agreement_type;
        }
        e.scope = e.scope.take().or(d.scope);
        e.value_usd = e.value_usd.or(d.value_usd);
        return;
    }
    out.push(d);
}

/// Two reports of the same parties are one agreement unless both state dates that
/// cannot be the same (a 2020 contract and a 2023 renewal are two agreements).
fn compatible(e: &AgreementDraft, d: &AgreementDraft) -> bool {
    // The signing and the completion of one acquisition are one agreement; a purchase and
    // the supply contract signed with it are two.
    let same_kind = e.agreement_type == d.agreement_type
        || [e.agreement_type, d.agreement_type].contains(&AgreementType::Collaboration);
    if !same_kind {
        return false;
    }
    // Signing and closing of a purchase months apart are one deal; two contracts of one
    // kind dated differently are two (an order and the contract it extends).
    let closes_later = matches!(
        e.agreement_type,
        AgreementType::Acquisition | AgreementType::Investment
    );
    match (e.date, d.date) {
        (Some(x), Some(y)) if e.date_stated && d.date_stated => {
            x.is_compatible(&y) || closes_later && (x.get_year() - y.get_year()).abs() <= 1
        }
        _ => true,
    }
}
