//! Every phrase of the extraction rules in one Aho-Corasick automaton: a sentence is scanned
//! once and each rule module reads the hits of its own lists, instead of searching the
//! sentence once per phrase.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, MatchKind};

use super::rules::Rules;
use super::text::{Fit, is_word_char};
use crate::error::IngestError;

/// Which rule list a phrase belongs to (indexes point into the rule's own lists).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lex {
    LicenceHead,
    GrantTrigger,
    NonGrantCue,
    LicenceDenial,
    ApprovalVerb,
    /// (licence type rule, keyword group)
    LicenceKeyword(u16, u16),
    AgreementNoun,
    SignTrigger,
    /// index into `deal_verbs`
    DealVerb(u16),
    /// index into `sale_verbs`
    SaleVerb(u16),
    /// index into `deal_nouns`
    DealNoun(u16),
    NonAgreementCue,
    AgreementDenial,
    NonPartyCue,
    /// index into agreement `types`
    AgreementType(u16),
    FacilityNoun,
    FacilityWeakNoun,
    FacilityQualifier,
    FacilityAnaphor,
    /// index into facility `status`
    FacilityStatus(u16),
    PolicyNoun,
    PolicyEvent,
    NotPolicy,
    LegalBasis,
    /// index into policy `focus`
    Focus(u16),
    /// index into `modalities`
    Modality(u16),
    CompanyAnaphor,
    PairAnaphor,
    ParentPhrase,
    ParentPhraseBefore,
    PersonCue,
    /// index into `descriptor_kinds`
    Descriptor(u16),
}

/// One phrase found in a sentence.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    pub start: usize,
    pub end: usize,
    pub lex: Lex,
}

#[derive(Debug, Clone)]
struct Pattern {
    lex: Lex,
    fit: Fit,
    starts_word: bool,
    ends_word: bool,
}

/// The compiled phrases of a rule set.
#[derive(Debug, Clone)]
pub struct Lexicon {
    ac: AhoCorasick,
    patterns: Vec<Pattern>,
}

/// The hits of one sentence, sorted by list then position.
#[derive(Debug, Clone, Default)]
pub struct Hits {
    hits: Vec<Hit>,
}

impl Hits {
    /// Hits of one list, in position order.
    pub fn of(&self, lex: Lex) -> &[Hit] {
        let from = self.hits.partition_point(|h| h.lex < lex);
        let to = self.hits[from..].partition_point(|h| h.lex <= lex) + from;
        &self.hits[from..to]
    }

    pub fn has(&self, lex: Lex) -> bool {
        !self.of(lex).is_empty()
    }

    /// Hits of one list that lie inside `[from, to)`.
    pub fn within(&self, lex: Lex, from: usize, to: usize) -> impl Iterator<Item = &Hit> {
        self.of(lex)
            .iter()
            .filter(move |h| h.start >= from && h.end <= to)
    }

    /// Hits of every list in `[first, last]` (e.g. all `Focus(_)`), in list order.
    pub fn range(&self, first: Lex, last: Lex) -> &[Hit] {
        let from = self.hits.partition_point(|h| h.lex < first);
        let to = self.hits.partition_point(|h| h.lex <= last);
        &self.hits[from..to.max(from)]
    }
}

fn fit_of(phrase: &str, default: Fit) -> Fit {
    if phrase.chars().next().is_some_and(|c| !c.is_ascii()) {
        Fit::Anywhere
    } else {
        default
    }
}

impl Lexicon {
    pub fn build(rules: &Rules) -> Result<Lexicon, IngestError> {
        let mut texts: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let mut add = |list: &[String], lex: Lex, fit: Fit| {
            for p in list {
                let p = p.to_ascii_lowercase();
                if p.is_empty() {
                    continue;
                }
                patterns.push(Pattern {
                    lex,
                    fit: fit_of(&p, fit),
                    starts_word: p.chars().next().is_some_and(is_word_char),
                    ends_word: p.chars().next_back().is_some_and(is_word_char),
                });
                texts.push(p);
            }
        };
        let l = &rules.licences;
        add(&l.heads, Lex::LicenceHead, Fit::Word);
        // Whole words: a prefix would take "clearance", "earnings" or "winner" for grants.
        add(&l.grant_triggers, Lex::GrantTrigger, Fit::Word);
        add(&l.non_grant_cues, Lex::NonGrantCue, Fit::Word);
        add(&l.denial_cues, Lex::LicenceDenial, Fit::Word);
        add(&l.approval_verbs, Lex::ApprovalVerb, Fit::Word);
        for (ti, t) in l.types.iter().enumerate() {
            for (gi, group) in t.all.iter().enumerate() {
                add(
                    group,
                    Lex::LicenceKeyword(ti as u16, gi as u16),
                    Fit::Prefix,
                );
            }
        }
        let a = &rules.agreements;
        add(&a.nouns, Lex::AgreementNoun, Fit::Word);
        add(&a.sign_triggers, Lex::SignTrigger, Fit::Prefix);
        for (i, (v, _)) in a.deal_verbs.iter().enumerate() {
            add(std::slice::from_ref(v), Lex::DealVerb(i as u16), Fit::Word);
        }
        for (i, (v, _)) in a.sale_verbs.iter().enumerate() {
            add(std::slice::from_ref(v), Lex::SaleVerb(i as u16), Fit::Word);
        }
        for (i, (v, _)) in a.deal_nouns.iter().enumerate() {
            add(std::slice::from_ref(v), Lex::DealNoun(i as u16), Fit::Word);
        }
        add(&a.non_agreement_cues, Lex::NonAgreementCue, Fit::Word);
        add(&a.denial_cues, Lex::AgreementDenial, Fit::Word);
        add(&a.non_party_cues, Lex::NonPartyCue, Fit::Word);
        for (i, (_, phrases)) in a.types.iter().enumerate() {
            add(phrases, Lex::AgreementType(i as u16), Fit::Word);
        }
        let f = &rules.facilities;
        add(&f.nouns, Lex::FacilityNoun, Fit::Word);
        add(&f.weak_nouns, Lex::FacilityWeakNoun, Fit::Word);
        add(&f.qualifiers, Lex::FacilityQualifier, Fit::Prefix);
        add(&f.anaphora, Lex::FacilityAnaphor, Fit::Word);
        for (i, (_, cues)) in f.status.iter().enumerate() {
            add(cues, Lex::FacilityStatus(i as u16), Fit::Word);
        }
        let p = &rules.policies;
        add(&p.nouns, Lex::PolicyNoun, Fit::Word);
        add(&p.events, Lex::PolicyEvent, Fit::Prefix);
        add(&p.not_policies, Lex::NotPolicy, Fit::Word);
        add(&p.legal_basis_cues, Lex::LegalBasis, Fit::Word);
        for (i, (_, words)) in p.focus.iter().enumerate() {
            add(words, Lex::Focus(i as u16), Fit::Prefix);
        }
        for (i, (_, words)) in rules.modalities.iter().enumerate() {
            add(words, Lex::Modality(i as u16), Fit::Prefix);
        }
        let o = &rules.orgs;
        add(&o.company_anaphora, Lex::CompanyAnaphor, Fit::Word);
        add(&o.pair_anaphora, Lex::PairAnaphor, Fit::Word);
        add(&o.parent_phrases, Lex::ParentPhrase, Fit::Word);
        add(&o.parent_phrases_before, Lex::ParentPhraseBefore, Fit::Word);
        add(&o.person_cues, Lex::PersonCue, Fit::Word);
        for (i, (d, _)) in o.descriptor_kinds.iter().enumerate() {
            add(
                std::slice::from_ref(d),
                Lex::Descriptor(i as u16),
                Fit::Word,
            );
        }
        let ac = AhoCorasickBuilder::new()
            .ascii_case_insensitive(true)
            .match_kind(MatchKind::Standard)
            .build(&texts)
            .map_err(|e| IngestError::Rules {
                file: "rules".into(),
                message: format!("cannot compile the phrase automaton: {e}"),
            })?;
        Ok(Lexicon { ac, patterns })
    }

    /// Every rule phrase in `text` (matched ASCII-case-insensitively, boundaries checked).
    pub fn scan(&self, text: &str) -> Hits {
        let bytes = text.as_bytes();
        let word_at = |i: usize| -> bool {
            // Byte-level check is enough: only ASCII characters are word characters.
            bytes.get(i).is_some_and(|b| b.is_ascii_alphanumeric())
        };
        let mut hits: Vec<Hit> = self
            .ac
            .find_overlapping_iter(text)
            .filter_map(|m| {
                let p = &self.patterns[m.pattern().as_usize()];
                let (s, e) = (m.start(), m.end());
                let ok = match p.fit {
                    Fit::Anywhere => true,
                    Fit::Prefix => !p.starts_word || s == 0 || !word_at(s - 1),
                    Fit::Word => {
                        (!p.starts_word || s == 0 || !word_at(s - 1))
                            && (!p.ends_word || !word_at(e))
                    }
                };
                ok.then_some(Hit {
                    start: s,
                    end: e,
                    lex: p.lex,
                })
            })
            .collect();
        hits.sort_unstable_by_key(|h| (h.lex, h.start, h.end));
        hits.dedup();
        Hits { hits }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_scan_finds_every_list_with_its_boundary_rule() {
        let rules = Rules::embedded().unwrap();
        let lx = Lexicon::build(&rules).unwrap();
        let h = lx.scan(
            "Helixmith plans to soon obtain a human cell management license; it obtained another.",
        );
        assert!(h.has(Lex::NonGrantCue));
        // "obtain" is a prefix trigger: it matches "obtain" and "obtained".
        assert!(
            h.of(Lex::GrantTrigger)
                .iter()
                .filter(|x| x.end - x.start >= 6)
                .count()
                >= 2
        );
        assert!(h.has(Lex::LicenceHead));
        // "will" as a whole word only.
        assert!(!lx.scan("a willing partner").has(Lex::NonGrantCue));
        assert!(lx.scan("허가를 획득했다").has(Lex::GrantTrigger));
    }
}
