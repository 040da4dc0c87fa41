//! Policies: a government body, a policy noun ("project", "strategy", "사업", "规划") and an
//! event verb (launch, adopt, prepare, take effect) in one sentence; a law cited only as
//! the legal basis of something else, and events such as seminars, are not policies.

use std::collections::BTreeSet;
use std::sync::LazyLock;

use cdmo_store::vocab::{OrganizationKind, PolicyFocus};
use cdmo_store::{Country, PartialDate};
use regex::Regex;

use super::lexicon::Lex;
use super::mentions::Analysis;
use super::text::{Fit, find_all, floor_char, slice, static_regex};

#[derive(Debug, Clone)]
pub struct PolicyDraft {
    pub name: Option<String>,
    pub agencies: Vec<usize>,
    pub country: Option<Country>,
    pub focus: BTreeSet<PolicyFocus>,
    pub date: Option<PartialDate>,
    pub sentence: usize,
}

static QUOTED: LazyLock<Regex> = LazyLock::new(|| static_regex(r#"[‘“"]([^’”"]{4,100})[’”"]"#));
/// "Act on the Promotion of Synthetic Biology", "Measures for the Supervision and
/// Administration of Drug Production": a title whose head comes first.
static HEAD_FIRST: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?-u:\b)((?:Act|Plan|Measures|Opinions|Notice|Provisions|Regulations|Rules|Guidelines|Strategy|Programme|Program|Initiative)\s+(?:on|for)\s+(?:the\s+)?[A-Z][\w'’-]*(?:\s+(?:(?:of|and|for|the|in|to|on|a|an)\s+)*[A-Z][\w'’-]*)*)",
    )
});

static CAPITALISED: LazyLock<Regex> = LazyLock::new(|| {
    static_regex(
        r"(?-u:\b)((?:[A-Z][[A-Za-z0-9_]&'’\-]*\s+(?:(?:of|and|for|the)\s+)?){1,8}(?:Program|Programme|Project|Plan|Strategy|Initiative|Scheme|Fund|Roadmap|Act|Law|Policy|Blueprint))(?-u:\b)",
    )
});

/// The focus areas whose keywords occur in sentence `si`.
fn focus_of(a: &Analysis<'_>, si: usize) -> BTreeSet<PolicyFocus> {
    a.hits[si]
        .range(Lex::Focus(0), Lex::Focus(u16::MAX))
        .iter()
        .filter_map(|h| match h.lex {
            Lex::Focus(i) => a.rules.policies.focus.get(i as usize).map(|f| f.0),
            _ => None,
        })
        .collect()
}

/// Finds the government policies the document reports.
pub fn extract_policies(a: &Analysis<'_>) -> Vec<PolicyDraft> {
    let r = &a.rules.policies;
    let mut out: Vec<PolicyDraft> = Vec::new();
    for (si, lower) in a.lower.iter().enumerate() {
        let text = &a.sentences[si].text;
        let agencies: Vec<usize> = {
            let mut v = Vec::new();
            for m in a.orgs_in(si) {
                // A regulator issuing rules ("NMPA published the Announcement on …") acts
                // as a policy-maker too.
                if !m.anaphor
                    && matches!(
                        a.org(m.org).kind,
                        Some(OrganizationKind::Government | OrganizationKind::Regulator)
                    )
                    && !v.contains(&m.org)
                {
                    v.push(m.org);
                }
            }
            v
        };
        if agencies.is_empty() {
            continue;
        }
        let inside_org = |s: usize, e: usize| {
            a.orgs_in(si)
                .iter()
                .any(|m| !m.anaphor && s < m.end && m.start < e)
        };
        let hits = &a.hits[si];
        let nouns: Vec<(usize, usize)> = hits
            .of(Lex::PolicyNoun)
            .iter()
            .map(|h| (h.start, h.end))
            .filter(|(s, e)| !inside_org(*s, *e))
            .filter(|(s, e)| {
                // "…Development Strategy Seminar" is an event, not a strategy.
                let near_event = hits
                    .of(Lex::NotPolicy)
                    .iter()
                    .any(|x| x.start >= *e && x.start <= *e + 40);
                // "According to the Act on …": a law cited as a basis, not adopted.
                let cue_from = floor_char(lower, s.saturating_sub(70));
                let legal_basis = hits.within(Lex::LegalBasis, cue_from, *s).next().is_some();
                // "prepared a draft Enforcement Decree": not adopted yet.
                let draft = lower[floor_char(lower, s.saturating_sub(60))..*s].contains("draft");
                !near_event && !legal_basis && !draft
            })
            .collect();
        if nouns.is_empty() {
            continue;
        }
        // "they expect the system to be adopted nationwide": an expected event is no policy.
        let hedged = |at: usize| {
            let from = floor_char(lower, at.saturating_sub(60));
            let before = lower[..at].trim_end();
            hits.within(Lex::NonAgreementCue, from, at).next().is_some()
                // "to be adopted nationwide", "to launch": not an event yet.
                || before.ends_with(" to")
                || before.ends_with(" to be")
        };
        // "passed the pre-approval GMP inspection": a site passing a check, not a law.
        let passes_check = |s: usize, e: usize| {
            slice(lower, s, e).starts_with("pass")
                && ["inspection", "gmp", "audit", "review", "check"]
                    .iter()
                    .any(|w| slice(lower, e, e + 50).contains(w))
        };
        let events: Vec<usize> = hits
            .of(Lex::PolicyEvent)
            .iter()
            .filter(|h| {
                !inside_org(h.start, h.end) && !hedged(h.start) && !passes_check(h.start, h.end)
                    // "Announcement on …" names a document; it announces nothing itself.
                    && !hits
                        .of(Lex::PolicyNoun)
                        .iter()
                        .any(|n| n.start < h.end && h.start < n.end)
            })
            .map(|h| h.start)
            .collect();
        // The event a date is stated for ("the amended Act, which the ministry put into
        // effect on the 21st"), else the first.
        // Entry into force, when dated and already past, is the date analysts track ("passed
        // on August 29 … took effect on October 1").
        let in_force = events.iter().copied().find_map(|e| {
            let verb = slice(lower, e, e + 24);
            if !(verb.contains("effect") || verb.contains("force")) {
                return None;
            }
            // The date written after the verb ("took effect on October 1"), else the nearest
            // ("published … on October 17, and the rules took effect the same day").
            a.dates[si]
                .iter()
                .find(|d| d.start >= e && d.start <= e + 30)
                .map(|d| d.date)
                .or_else(|| a.date_near(si, e))
                .filter(|d| a.published.is_none_or(|p| d.first_day() <= p.last_day()))
                .map(|d| (e, d))
        });
        let Some(es) = in_force
            .map(|(e, _)| e)
            .or_else(|| {
                events
                    .iter()
                    .copied()
                    .find(|&e| a.date_near(si, e).is_some())
            })
            .or_else(|| events.first().copied())
        else {
            continue;
        };
        let name = QUOTED
            .captures_iter(text)
            .chain(HEAD_FIRST.captures_iter(text))
            .chain(CAPITALISED.captures_iter(text))
            .filter_map(|c| c.get(1))
            .map(|m| {
                let n = m.as_str().trim();
                n.strip_prefix("The ").unwrap_or(n).to_string()
            })
            .find(|n| {
                let l = n.to_ascii_lowercase();
                r.nouns
                    .iter()
                    .any(|p| !find_all(&l, p, Fit::Word).is_empty())
                    && !r.not_policies.iter().any(|w| l.contains(w.as_str()))
                    && n.split_whitespace().count() >= 2
            });
        let mut focus = focus_of(a, si);
        if focus.is_empty() {
            focus.insert(PolicyFocus::Other);
        }
        let country = agencies.iter().find_map(|o| a.org(*o).country);
        let date = match in_force {
            Some((_, d)) => Some(d),
            None => a.fact_date(si, es).0,
        };
        merge_into(
            &mut out,
            PolicyDraft {
                name,
                agencies,
                country,
                focus,
                date,
                sentence: si,
            },
        );
    }
    out
}

/// Reports of one policy in a document share an agency; they merge into the first.
fn merge_into(out: &mut Vec<PolicyDraft>, d: PolicyDraft) {
    if let Some(e) = out.iter_mut().find(|e| {
        let same_name = matches!((&e.name, &d.name), (Some(x), Some(y)) if x == y);
        same_name
            || e.agencies.iter().any(|x| d.agencies.contains(x))
                && match (&e.name, &d.name) {
                    (Some(x), Some(y)) => x == y,
                    _ => true,
                }
    }) {
        for ag in d.agencies {
            if !e.agencies.contains(&ag) {
                e.agencies.push(ag);
            }
        }
        e.focus.extend(d.focus);
        if e.focus.len() > 1 {
            e.focus.remove(&PolicyFocus::Other);
        }
        e.name = e.name.take().or(d.name);
        e.date = match (e.date, d.date) {
            (Some(x), Some(y)) if x.is_compatible(&y) => Some(x.more_precise(y)),
            (x, y) => x.or(y),
        };
        return;
    }
    out.push(d);
}
