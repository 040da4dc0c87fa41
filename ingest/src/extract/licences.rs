//! Licences: a grant trigger ("obtained", "획득", "获得") meeting a licence phrase whose
//! qualifiers decide the type (`licences.toml`), with holder, authority, facility and date;
//! planned, applied-for and denied licences are not facts.

use cdmo_store::vocab::{LicenseType, OrganizationKind};
use cdmo_store::{Country, PartialDate};

use super::facilities::FacilityDraft;
use super::lexicon::Lex;
use super::mentions::Analysis;
use super::rules::LicenceKind;
use super::text::{Fit, ceil_char, ends_with_word, find_all, floor_char, slice};

/// Who issued a licence: an organization of the document, or a body the type implies.
#[derive(Debug, Clone, PartialEq)]
pub enum Authority {
    Org(usize),
    Implied(String),
}

#[derive(Debug, Clone)]
pub struct LicenceDraft {
    pub holder: usize,
    pub license_type: LicenseType,
    pub authority: Option<Authority>,
    pub country: Option<Country>,
    pub facility: Option<usize>,
    pub date: Option<PartialDate>,
    /// The sentence states the date (rather than the lead or paragraph implying it).
    pub date_stated: bool,
    pub sentence: usize,
    /// Where in the sentence the grant is told (its trigger or verb).
    pub at: usize,
}

fn class_types(a: &Analysis<'_>, window: &str) -> Vec<LicenseType> {
    let mut out = Vec::new();
    for re in &a.rules.licences.class_patterns {
        for c in re.captures_iter(window) {
            let t = match c.get(1).map(|m| m.as_str().to_ascii_lowercase()) {
                Some(l) if l == "a" => LicenseType::CnDrugProductionA,
                Some(l) if l == "b" => LicenseType::CnDrugProductionB,
                Some(l) if l == "c" => LicenseType::CnDrugProductionC,
                Some(l) if l == "d" => LicenseType::CnDrugProductionD,
                _ => continue,
            };
            if !out.contains(&t) {
                out.push(t);
            }
        }
    }
    if out.is_empty() {
        out.push(LicenseType::CnDrugProduction);
    }
    out
}

/// Finds the licences granted in the document.
pub fn extract_licences(a: &Analysis<'_>, facilities: &[FacilityDraft]) -> Vec<LicenceDraft> {
    let mut out: Vec<LicenceDraft> = Vec::new();
    for si in 0..a.sentences.len() {
        if a.hits[si].has(Lex::LicenceDenial) {
            continue;
        }
        let before = out.len();
        from_licence_phrases(a, si, facilities, &mut out);
        same_licence_again(a, si, facilities, &mut out);
        // "…, and in January the FDA approved the company as a manufacturer": a grant by
        // another regulator than the ones the licence phrases named.
        let named: Vec<usize> = out[before..]
            .iter()
            .filter_map(|l| match l.authority {
                Some(Authority::Org(o)) => Some(o),
                _ => None,
            })
            .collect();
        if out.len() == before || !named.is_empty() {
            from_regulator_approvals(a, si, facilities, &named, &mut out);
        }
    }
    out
}

/// "X obtained a class C Drug Production License from Y": a grant trigger and a licence
/// phrase whose qualifiers name the type.
fn from_licence_phrases(
    a: &Analysis<'_>,
    si: usize,
    facilities: &[FacilityDraft],
    out: &mut Vec<LicenceDraft>,
) {
    let r = &a.rules.licences;
    let lower = &a.lower[si];
    let hits = &a.hits[si];
    let heads = hits.of(Lex::LicenceHead);
    let triggers: Vec<(usize, usize)> = hits
        .of(Lex::GrantTrigger)
        .iter()
        .map(|h| (h.start, h.end))
        .collect();
    if heads.is_empty() || triggers.is_empty() {
        return;
    }
    for (hi, head) in heads.iter().enumerate() {
        let (hs, he) = (head.start, head.end);
        // "has passed 35 inspections since 2017": a count of licences is not a licence.
        // "97 licence approvals": a compound with a plural head counts too.
        let plural = lower[hs..he].ends_with('s')
            || heads
                .get(hi + 1)
                .is_some_and(|n| n.start == he + 1 && lower[n.start..n.end].ends_with('s'));
        let counted = lower[..hs].split_whitespace().rev().take(3).any(|w| {
            (w.chars().all(|c| c.is_ascii_digit() || c == ',') && !w.is_empty())
                || [
                    "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
                    "dozens", "several", "multiple", "numerous", "many",
                ]
                .contains(&w)
        });
        if plural && counted {
            continue;
        }
        let prev_end = if hi > 0 { heads[hi - 1].end } else { 0 };
        let next_start = heads.get(hi + 1).map_or(lower.len(), |h| h.start);
        let ws = floor_char(lower, hs.saturating_sub(70).max(prev_end));
        // The qualifiers of the next licence phrase ("… licence in January and a human cell
        // management licence") are not this one's.
        let next_phrase = lower[he..next_start.max(he)]
            .find(" and a ")
            .map_or(next_start, |i| he + i);
        // "a permit for an advanced regenerative medicine cell processing facility": what a
        // licence "for" covers may run long.
        let reach = if lower[he..].starts_with(" for ") {
            90
        } else {
            50
        };
        let we = ceil_char(lower, (he + reach).min(next_start).min(next_phrase));
        // The types whose keyword groups all occur in the licence phrase; the first one of
        // the country the text points to ("a drug manufacturing licence from the MFDS" is
        // Korean), else the first.
        // Words inside a named site ("the GMP Center") qualify no licence.
        let in_site = |at: usize| {
            facilities.iter().any(|f| {
                f.name.is_some()
                    && f.mentions
                        .iter()
                        .any(|m| m.0 == si && m.1 <= at && at < m.2)
            })
        };
        let matching: Vec<&super::rules::LicenceTypeRule> = r
            .types
            .iter()
            .enumerate()
            .filter(|(ti, t)| {
                (0..t.all.len()).all(|gi| {
                    hits.within(Lex::LicenceKeyword(*ti as u16, gi as u16), ws, we)
                        .any(|h| !in_site(h.start))
                })
            })
            .map(|(_, t)| t)
            .collect();
        let pointed_country = a
            .orgs_in(si)
            .iter()
            .filter(|m| a.org(m.org).is_authority())
            .min_by_key(|m| m.start.abs_diff(hs))
            .and_then(|m| a.org(m.org).country);
        let Some(rule) = matching
            .iter()
            .find(|t| t.country.is_some() && t.country == pointed_country)
            .or_else(|| matching.first())
            .copied()
        else {
            continue;
        };
        // The trigger nearest the licence phrase: before it, else just after (passive).
        // A word both names and grants the licence ("was prequalified by WHO").
        let trigger = triggers
            .iter()
            .filter(|(s, e)| *e <= hs || (*s, *e) == (hs, he))
            .max_by_key(|(s, _)| *s)
            .or_else(|| triggers.iter().find(|(s, _)| *s >= he && *s <= he + 60))
            .copied();
        let Some((ts, te)) = trigger else { continue };
        // A word that names and grants at once is a grant only as a verb ("was prequalified
        // by WHO"), not as an adjective ("only prequalified products can bid").
        if (ts, te) == (hs, he)
            && ![
                "was", "were", "been", "is", "are", "be", "being", "has", "have", "had", "got",
                "get",
            ]
            .iter()
            .any(|w| ends_with_word(lower[..hs].trim_end(), w))
        {
            continue;
        }
        if !is_grant(a, si, ts) {
            continue;
        }
        let Some(first_holder) =
            holder_of(a, si, ts, te).or_else(|| site_holder(a, facilities, si, ts))
        else {
            continue;
        };
        let authority = authority_of(a, si, (ts.min(hs), te.max(he)))
            .or_else(|| rule.authority.clone().map(Authority::Implied));
        let authority_country = match &authority {
            Some(Authority::Org(o)) => a.org(*o).country,
            _ => None,
        };
        // "its first FDA licence …, and the European regulator's approval": a regulator known
        // for another foreign licence type is not this one's authority.
        let foreign = |x: &LicenseType| {
            matches!(
                x,
                LicenseType::EuGmp | LicenseType::UsFdaInspection | LicenseType::JpPmdaGmp
            )
        };
        let authority_for = |t: &LicenseType| match &authority {
            Some(Authority::Org(o))
                if r.authority_types
                    .get(&a.org(*o).name)
                    .is_some_and(|at| at != t && foreign(at) && foreign(t)) =>
            {
                None
            }
            other => other.clone(),
        };
        for holder in with_coordinated(a, si, first_holder, ts) {
            // A country named in the licence phrase ("from Belgium's federal agency") decides a
            // GMP certificate's type before the holder's own country does.
            let phrase_country = a.place_mentions[si]
                .iter()
                .filter(|p| p.start >= ws && p.end <= we)
                .map(|p| a.gaz.places[p.place].country)
                .find(|c| Some(*c) != a.org(holder).country);
            let country = rule
                .country
                .or(authority_country)
                .or(phrase_country)
                .or(a.org(holder).country);
            let types = match &rule.kind {
                LicenceKind::Fixed(t) => vec![*t],
                // The class letter stands next to its own licence word ("a class C licence …
                // to the class A licence"), not anywhere in the phrase.
                LicenceKind::ByClass => {
                    // "Class A and Class C drug production licenses": coordinated letters reach
                    // further back, within the clause.
                    let clause = lower[..hs].rfind([',', ';']).map_or(0, |i| i + 1);
                    let cs = floor_char(lower, hs.saturating_sub(50).max(prev_end).max(clause));
                    let ce = ceil_char(lower, (he + 40).min(next_start));
                    class_types(a, &a.sentences[si].text[cs..ce])
                }
                // A GMP inspection by a regulator of a country without its own type ("Brazil's
                // ANVISA", "the UK's MHRA") is an authorisation of another kind.
                LicenceKind::ByCountry(map) => match (country, country.and_then(|c| map.get(&c))) {
                    (_, Some(t)) => vec![*t],
                    (Some(_), None) => vec![LicenseType::Other],
                    (None, None) => continue,
                },
            };
            // "approvals from the FDA, the EMA and the PMDA": one licence per regulator listed
            // after a plural head, each of the type it grants.
            let listed: Vec<(LicenseType, usize)> = if plural {
                let to = ceil_char(lower, (he + 80).min(next_start));
                let mut v: Vec<(LicenseType, usize)> = Vec::new();
                for m in a
                    .orgs_in(si)
                    .iter()
                    .filter(|m| m.start >= he && m.end <= to)
                {
                    let org = a.org(m.org);
                    if let Some(t) = r.authority_types.get(&org.name)
                        && !v.iter().any(|(_, o)| *o == m.org)
                    {
                        v.push((*t, m.org));
                    }
                }
                v
            } else {
                Vec::new()
            };
            let grants: Vec<(LicenseType, Option<Authority>, Option<Country>)> =
                if listed.len() >= 2 {
                    listed
                        .iter()
                        .map(|(t, o)| (*t, Some(Authority::Org(*o)), a.org(*o).country))
                        .collect()
                } else {
                    types
                        .iter()
                        .map(|t| (*t, authority_for(t), country))
                        .collect()
                };
            for facility in facilities_covered(facilities, si, holder) {
                for (date, date_stated) in grant_dates(a, si, ts, prev_end, next_start, he) {
                    for (license_type, authority, country) in &grants {
                        merge_into(
                            out,
                            LicenceDraft {
                                holder,
                                license_type: *license_type,
                                authority: authority.clone(),
                                country: *country,
                                facility,
                                date,
                                date_stated,
                                sentence: si,
                                at: ts,
                            },
                        );
                    }
                }
            }
        }
    }
}

/// "…, and Kangstem Biotech was handed the same licence that month": a licence named only as
/// the one the text named last, granted to another holder.
fn same_licence_again(
    a: &Analysis<'_>,
    si: usize,
    facilities: &[FacilityDraft],
    out: &mut Vec<LicenceDraft>,
) {
    let lower = &a.lower[si];
    let triggers: Vec<(usize, usize)> = a.hits[si]
        .of(Lex::GrantTrigger)
        .iter()
        .map(|h| (h.start, h.end))
        .collect();
    for h in a.hits[si].of(Lex::LicenceHead) {
        if !slice(lower, h.start.saturating_sub(9), h.start).ends_with("the same ") {
            continue;
        }
        let Some(&(ts, te)) = triggers
            .iter()
            .filter(|(_, e)| *e <= h.start && h.start - *e <= 30)
            .max_by_key(|(s, _)| *s)
        else {
            continue;
        };
        if !is_grant(a, si, ts) {
            continue;
        }
        // The licence told last before this one.
        let Some(last) = out
            .iter()
            .filter(|l| l.sentence < si || (l.sentence == si && l.at < ts))
            .max_by_key(|l| (l.sentence, l.at))
            .cloned()
        else {
            continue;
        };
        let Some(first) = holder_of(a, si, ts, te) else {
            continue;
        };
        let clause_start = lower[..ts].rfind([',', ';']).map_or(0, |i| i + 1);
        let clause_end = lower[h.end..]
            .find([',', ';'])
            .map_or(lower.len(), |i| h.end + i);
        for holder in with_coordinated(a, si, first, ts) {
            if holder == last.holder {
                continue;
            }
            for (date, date_stated) in grant_dates(a, si, ts, clause_start, clause_end, h.end) {
                merge_into(
                    out,
                    LicenceDraft {
                        holder,
                        facility: facility_of(facilities, si, holder),
                        date,
                        date_stated,
                        sentence: si,
                        at: ts,
                        ..last.clone()
                    },
                );
            }
        }
    }
}

/// "Kangstem Biotech and NovoCell Bio obtained …": the names coordinated with the holder
/// right before it hold the licence too.
fn with_coordinated(a: &Analysis<'_>, si: usize, holder: usize, ts: usize) -> Vec<usize> {
    let mut out = vec![holder];
    let ms = a.orgs_in(si);
    let lower = &a.lower[si];
    let Some(mut i) = ms
        .iter()
        .rposition(|m| m.org == holder && m.end <= ts && !m.anaphor)
    else {
        return out;
    };
    while i > 0 {
        let (prev, cur) = (&ms[i - 1], &ms[i]);
        let gap = slice(lower, prev.end, cur.start);
        let coordinated = [" and ", ", ", ", and ", " & "].contains(&gap);
        if !coordinated
            || prev.anaphor
            || a.org(prev.org).is_authority()
            || a.is_affiliation(si, prev.start)
            || out.contains(&prev.org)
        {
            break;
        }
        out.push(prev.org);
        i -= 1;
    }
    out
}

/// "The European Medicines Agency has approved its second plant": a regulator approving a
/// facility; the type is the one that regulator grants (`[authority_types]`).
fn from_regulator_approvals(
    a: &Analysis<'_>,
    si: usize,
    facilities: &[FacilityDraft],
    skip: &[usize],
    out: &mut Vec<LicenceDraft>,
) {
    let r = &a.rules.licences;
    let lower = &a.lower[si];
    let hits = &a.hits[si];
    for verb in hits.of(Lex::ApprovalVerb) {
        // "Kangstem Biotech's GMP facility was certified by the MFDS": in the passive the
        // regulator follows and the site is the subject before the verb.
        let before = lower[..verb.start].trim_end();
        let passive = ["was", "were", "been", "is", "are"]
            .iter()
            .any(|w| ends_with_word(before, w));
        let regulator = |m: &&super::mentions::OrgMention| {
            a.org(m.org).kind == Some(OrganizationKind::Regulator)
        };
        let reg = if passive {
            slice(lower, verb.end, verb.end + 5)
                .starts_with(" by ")
                .then(|| {
                    a.orgs_in(si).iter().find(|m| {
                        regulator(m) && m.start >= verb.end + 4 && m.start <= verb.end + 12
                    })
                })
                .flatten()
        } else {
            a.orgs_in(si)
                .iter()
                .rev()
                .find(|m| regulator(m) && m.end <= verb.start && verb.start - m.end <= 40)
        };
        let Some(first_reg) = reg else {
            continue;
        };
        // "cleared by the EMA and by Japan's PMDA": each regulator coordinated after the
        // first grants its own licence.
        let mut regs = vec![first_reg];
        if passive {
            let ms = a.orgs_in(si);
            let mut last_end = first_reg.end;
            while let Some(next) = ms.iter().find(|m| {
                regulator(m) && m.start > last_end && m.start <= last_end + 24 && {
                    let gap = slice(lower, last_end, m.start);
                    [" and by ", ", and ", " and ", ", "]
                        .iter()
                        .any(|g| gap.starts_with(g))
                }
            }) {
                regs.push(next);
                last_end = next.end;
            }
        }
        for reg in regs {
            if skip.contains(&reg.org) {
                continue;
            }
            // Where the approved site is named: after the verb, or before it in the passive.
            let (object_start, object_end) = if passive {
                (floor_char(lower, verb.start.saturating_sub(90)), verb.start)
            } else {
                (verb.end, ceil_char(lower, (verb.end + 90).min(lower.len())))
            };
            let has_site = hits
                .within(Lex::FacilityNoun, object_start, object_end)
                .next()
                .is_some()
                || hits
                    .within(Lex::FacilityWeakNoun, object_start, object_end)
                    .next()
                    .is_some();
            // "approved the company as a manufacturer of Avtozma": the company's site, unnamed.
            let as_maker = [
                " as a manufactur",
                " as the manufactur",
                " as a contract manufactur",
                " as a supplier",
                " as a production site",
            ]
            .iter()
            .any(|w| slice(lower, object_start, object_end).contains(w));
            if !(has_site || as_maker) || !is_grant(a, si, reg.start) {
                continue;
            }
            let authority = a.org(reg.org);
            // "approved CHA Biotech's facility as an advanced biopharmaceutical manufacturer":
            // a fixed licence type named in the object wins over the regulator's usual one.
            let named_type = r.types.iter().enumerate().find_map(|(ti, t)| {
                let all = (0..t.all.len()).all(|gi| {
                    hits.within(
                        Lex::LicenceKeyword(ti as u16, gi as u16),
                        object_start,
                        object_end,
                    )
                    .next()
                    .is_some()
                });
                match (&t.kind, all) {
                    (LicenceKind::Fixed(lt), true) => Some(*lt),
                    _ => None,
                }
            });
            let Some(license_type) = named_type
                .as_ref()
                .or_else(|| r.authority_types.get(&authority.name))
                .or_else(|| {
                    authority
                        .country
                        .and_then(|c| r.authority_country_types.get(&c))
                })
                .copied()
            else {
                continue;
            };
            // The owner of the site: a named site's operator ("approved Rolvedon, and with it
            // the Pyeongtaek Bio Plant, where Hanmi makes …"); "its plant" → the sentence's
            // subject, or a name after.
            let site_operator = facilities
                .iter()
                .filter(|f| f.name.is_some())
                .find(|f| {
                    f.mentions
                        .iter()
                        .any(|&(fs, st, _)| fs == si && st >= object_start && st <= object_end)
                })
                .and_then(|f| f.operator);
            let Some(holder) = site_operator.or_else(|| {
                a.orgs_in(si)
                    .iter()
                    .find(|m| !a.org(m.org).is_authority() && !a.is_affiliation(si, m.start))
                    .map(|m| m.org)
            }) else {
                continue;
            };
            for facility in facilities_covered(facilities, si, holder) {
                for (date, date_stated) in
                    grant_dates(a, si, verb.start, 0, a.lower[si].len(), verb.end)
                {
                    merge_into(
                        out,
                        LicenceDraft {
                            holder,
                            license_type,
                            authority: Some(Authority::Org(reg.org)),
                            country: authority.country,
                            facility,
                            date,
                            date_stated,
                            sentence: si,
                            at: verb.start,
                        },
                    );
                }
            }
        }
    }
}

/// False when the trigger at `ts` is hedged: an infinitive ("to obtain", except "the first
/// … to obtain") or a cue such as "plans to", "has applied for" shortly before it.
fn is_grant(a: &Analysis<'_>, si: usize, ts: usize) -> bool {
    let lower = &a.lower[si];
    let before = lower[..ts].trim_end();
    let infinitive = before.ends_with(" to") || before == "to" || before.ends_with(" to soon");
    let first_to = infinitive && {
        let from = floor_char(lower, ts.saturating_sub(60));
        !find_all(&lower[from..ts], "first", Fit::Word).is_empty()
    };
    if infinitive && !first_to {
        return false;
    }
    let cue_from = floor_char(lower, ts.saturating_sub(60));
    a.hits[si]
        .within(Lex::NonGrantCue, cue_from, ts)
        .next()
        .is_none()
}

/// The holder: the nearest organization before the trigger that is neither an authority
/// nor named only as someone's affiliation or parent; else the first one after it.
fn holder_of(a: &Analysis<'_>, si: usize, ts: usize, te: usize) -> Option<usize> {
    let mentions = a.orgs_in(si);
    let holder = |m: &&super::mentions::OrgMention| {
        m.end <= ts && !a.org(m.org).is_authority() && !a.is_affiliation(si, m.start)
    };
    // The name an appositive describes, not a name inside it.
    if let Some(i) = mentions.iter().rposition(|m| holder(&m)) {
        let mut i = i;
        while let Some(h) = a.appositive_head(si, i, ts) {
            i = h;
        }
        if !a.org(mentions[i].org).is_authority() {
            return Some(mentions[i].org);
        }
    }
    let lower = &a.lower[si];
    mentions
        .iter()
        .rev()
        .find(holder)
        .or_else(|| {
            // "was issued … by the Beijing MPA to Jingwei Xinkang": the recipient of a
            // passive grant.
            mentions.iter().find(|m| {
                m.start >= te
                    && !m.anaphor
                    && !a.org(m.org).is_authority()
                    && slice(lower, m.start.saturating_sub(4), m.start) == " to "
            })
        })
        .or_else(|| {
            // After the trigger only a company holds it: "to gain PIC/S GMP recognition"
            // names a scheme, not a holder.
            mentions.iter().find(|m| {
                m.start >= te
                    && !a.org(m.org).is_authority()
                    && !matches!(
                        a.org(m.org).kind,
                        Some(OrganizationKind::Association | OrganizationKind::Other)
                    )
            })
        })
        .map(|m| m.org)
}

/// "The plant previously passed FDA inspections in 2015 and 2018": with no organization in
/// the sentence, a site before the trigger holds the licence for its operator (else for the
/// company the paragraph is about).
fn site_holder(
    a: &Analysis<'_>,
    facilities: &[FacilityDraft],
    si: usize,
    ts: usize,
) -> Option<usize> {
    let lower = &a.lower[si];
    // The site is the subject: close before the trigger, in the same clause.
    // "Plant 2, which runs ten 15,000-liter bioreactors, received …": past its aside.
    let subject = |s: usize, e: usize| {
        e <= ts
            && (ts - e <= 60 && !slice(lower, s, ts).contains([',', ';']) || {
                let gap = slice(lower, e, ts);
                (gap.starts_with(", which ") || gap.starts_with(", a ") || gap.starts_with(", an "))
                    && gap.trim_end().ends_with(',')
                    && !gap.contains(';')
                    && gap.len() <= 160
            })
    };
    if let Some(op) = facilities
        .iter()
        .find(|f| f.mentions.iter().any(|m| m.0 == si && subject(m.1, m.2)))
        .and_then(|f| f.operator)
    {
        return Some(op);
    }
    let hits = &a.hits[si];
    let site_before = hits
        .of(Lex::FacilityNoun)
        .iter()
        .chain(hits.of(Lex::FacilityWeakNoun))
        .any(|n| subject(n.start, n.end));
    if site_before {
        return a.recent_company(si);
    }
    // "in February the MFDS gave its GMP approval for … at Plant 2": the regulator is the
    // subject; the licence is for a site named after it, else for the paragraph's company.
    let authority_subject = a
        .orgs_in(si)
        .iter()
        .any(|m| m.end <= ts && ts - m.end <= 12 && a.org(m.org).is_authority());
    if !authority_subject {
        return None;
    }
    facilities
        .iter()
        .find(|f| f.mentions.iter().any(|m| m.0 == si && m.1 >= ts))
        .and_then(|f| f.operator)
        .or_else(|| a.recent_company(si))
}

/// The issuing body named in the sentence (a regulator, or an authority after "from"/"by"),
/// else a regulator named in the sentence before ("passed the inspection by X. It then
/// obtained the licence").
fn authority_of(a: &Analysis<'_>, si: usize, near: (usize, usize)) -> Option<Authority> {
    let lower = &a.lower[si];
    let mentions = a.orgs_in(si);
    // Of several regulators ("received WHO PQ, and … the MFDS gave its GMP approval"), the
    // one in this licence's part of the sentence.
    let distance = |m: &&super::mentions::OrgMention| {
        if m.end <= near.0 {
            near.0 - m.end
        } else {
            m.start.saturating_sub(near.1)
        }
    };
    mentions
        .iter()
        .filter(|m| a.org(m.org).kind == Some(OrganizationKind::Regulator))
        .min_by_key(distance)
        .or_else(|| {
            mentions.iter().find(|m| {
                a.org(m.org).is_authority() && {
                    let b = lower[..m.start].trim_end();
                    b.ends_with(" from")
                        || b.ends_with(" by")
                        || b.ends_with(" from the")
                        || b.ends_with(" by the")
                }
            })
        })
        .or_else(|| {
            si.checked_sub(1).and_then(|p| {
                a.orgs_in(p)
                    .iter()
                    .find(|m| a.org(m.org).kind == Some(OrganizationKind::Regulator))
            })
        })
        .map(|m| Authority::Org(m.org))
}

/// The facilities one grant covers: each of the holder's named facilities listed in the
/// sentence ("its facilities MFG1, MFG2 and MFG5 … have received GMP certificates"), one
/// licence each; else the one `facility_of` finds.
fn facilities_covered(
    facilities: &[FacilityDraft],
    si: usize,
    holder: usize,
) -> Vec<Option<usize>> {
    let named: Vec<Option<usize>> = facilities
        .iter()
        .enumerate()
        .filter(|(_, f)| f.mentioned_in(si) && f.operator == Some(holder) && f.name.is_some())
        .map(|(i, _)| Some(i))
        .collect();
    if named.len() >= 2 {
        named
    } else {
        vec![facility_of(facilities, si, holder)]
    }
}

/// The facility a licence covers: one of the holder's facilities named in the sentence,
/// else the holder's only facility in the document.
fn facility_of(facilities: &[FacilityDraft], si: usize, holder: usize) -> Option<usize> {
    facilities
        .iter()
        .position(|f| f.mentioned_in(si) && f.operator == Some(holder))
        .or_else(|| {
            let own: Vec<usize> = facilities
                .iter()
                .enumerate()
                .filter(|(_, f)| f.operator == Some(holder))
                .map(|(i, _)| i)
                .collect();
            (own.len() == 1).then(|| own[0])
        })
}

/// The grant dates of a licence whose trigger is at `ts`: each of several coordinated dates
/// ("in 2015 and 2018", "on March 29 … and on the 26th"), else the date nearest the
/// trigger, else the implied date. Dates such as "valid until 2027" are not grant dates.
fn grant_dates(
    a: &Analysis<'_>,
    si: usize,
    ts: usize,
    seg_start: usize,
    seg_end: usize,
    head_end: usize,
) -> Vec<(Option<PartialDate>, bool)> {
    let lower = &a.lower[si];
    let cues = &a.rules.licences.non_grant_date_cues;
    let stated: Vec<&super::dates::DateMention> = a.dates[si]
        .iter()
        .filter(|d| !a.in_aside(si, d, ts))
        .filter(|d| {
            let b = lower[..d.start].trim_end();
            let last_word = b
                .rsplit(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or("");
            !cues.iter().any(|c| c == last_word)
        })
        .collect();
    // Several dates of one grant clause, all after its trigger ("passed inspections in 2015
    // and 2018"); a date before the trigger belongs to another clause.
    // A date right before a name opens another clause ("…, and in January the FDA
    // approved …"): it is not one of this grant's dates.
    // A date closing its clause with a comma ("… licence last December, Kangstem …") does
    // not open the next one, unless a conjunction led into it (", and in January, the FDA").
    let opens_clause = |d: &super::dates::DateMention| {
        let closes = slice(lower, d.end, d.end + 2).starts_with(',') && {
            let lead = slice(lower, d.start.saturating_sub(12), d.start);
            ![", and", "; ", ", while", ", but"]
                .iter()
                .any(|c| lead.contains(c))
        };
        !closes
            && a.orgs_in(si)
                .iter()
                .any(|m| m.start >= d.end && m.start <= d.end + 8)
    };
    // "Last April the plant's line received WHO PQ": a date opening the trigger's clause.
    let clause_opening = stated
        .iter()
        .copied()
        .filter(|d| {
            // "said on Monday that …" dates the report, not the grant.
            let reporting = ["said", "says", "announced", "reported", "stated"]
                .iter()
                .any(|w| lower[..d.start].trim_end().ends_with(w));
            d.end <= ts
                && d.start >= seg_start
                && !reporting
                && !slice(lower, d.end, ts).contains([',', ';'])
        })
        .max_by_key(|d| d.end);
    let stated: Vec<&super::dates::DateMention> =
        stated.into_iter().filter(|d| d.start >= ts).collect();
    let listed: Vec<&super::dates::DateMention> = stated
        .iter()
        .copied()
        .filter(|d| d.start >= head_end && d.end <= seg_end && !opens_clause(d))
        .collect();
    let coordinated = listed.len() >= 2
        && listed.windows(2).all(|w| {
            let gap = slice(lower, w[0].end, w[1].start);
            gap.len() <= 40
                && (gap.contains(" and ") || gap.contains(", "))
                && !w[0].date.is_compatible(&w[1].date)
        });
    if coordinated {
        return listed.iter().map(|d| (Some(d.date), true)).collect();
    }
    // "a … licence in January last year and a … licence in April": each licence phrase
    // takes the date written in its own part of the sentence.
    if let Some(d) = stated
        .iter()
        .filter(|d| d.start >= head_end && d.end <= seg_end && !opens_clause(d))
        .min_by_key(|d| d.start)
        .or_else(|| {
            stated
                .iter()
                .filter(|d| d.start >= seg_start && d.end <= head_end)
                .max_by_key(|d| d.end)
        })
        && (seg_start > 0 || seg_end < lower.len())
    {
        return vec![(Some(d.date), true)];
    }
    // "obtained a permit for … from the Ministry … on the 12th": a date that ends the
    // licence's own clause, however long the phrase before it.
    if let Some(d) = stated
        .iter()
        .filter(|d| {
            d.start >= head_end
                && d.end <= seg_end
                && !opens_clause(d)
                && !slice(lower, head_end, d.start).contains([',', ';', '('])
        })
        .min_by_key(|d| d.start)
    {
        return vec![(Some(d.date), true)];
    }
    // Nothing after the trigger in this clause: a date opening it.
    if let Some(d) = clause_opening
        && !stated
            .iter()
            .any(|s| s.start >= ts && s.end <= seg_end && !opens_clause(s))
    {
        return vec![(Some(d.date), true)];
    }
    // The date nearest the trigger, but never one a cue marks as no grant date.
    let not_cued = |d: &super::dates::DateMention| {
        let b = lower[..d.start].trim_end();
        let last_word = b
            .rsplit(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or("");
        !cues.iter().any(|c| c == last_word)
    };
    match a.date_near_where(si, ts, not_cued) {
        Some(d) => vec![(Some(d), true)],
        None if a.dates[si].iter().any(|d| !not_cued(d)) => {
            vec![(a.lead_date(si).or_else(|| a.carried_date(si)), false)]
        }
        None => vec![a.fact_date(si, ts)],
    }
}

/// One licence per (holder, type, compatible stated date) in a document; the first
/// sentence stays the evidence, later ones refine the date and fill the authority. An
/// implied date never keeps two reports apart.
fn merge_into(out: &mut Vec<LicenceDraft>, d: LicenceDraft) {
    // A grant dated well before the report's own date is background ("the plant previously
    // passed FDA inspections in 2015"), not the undated news it reports.
    let long_before = |stated: PartialDate, implied: PartialDate| {
        (implied.first_day() - stated.last_day()).num_days() > 270
    };
    let compatible = |e: &LicenceDraft| match (e.date, d.date) {
        (Some(x), Some(y)) if e.date_stated && d.date_stated => x.is_compatible(&y),
        (Some(x), Some(y)) if e.date_stated && !d.date_stated => !long_before(x, y),
        (Some(x), Some(y)) if !e.date_stated && d.date_stated => !long_before(y, x),
        _ => true,
    };
    // Licences of two different facilities are two licences.
    let same_site = |e: &LicenceDraft| match (e.facility, d.facility) {
        (Some(x), Some(y)) => x == y,
        _ => true,
    };
    if let Some(e) = out.iter_mut().find(|e| {
        e.holder == d.holder && e.license_type == d.license_type && compatible(e) && same_site(e)
    }) {
        e.date = match (e.date_stated, d.date_stated, e.date, d.date) {
            (true, true, Some(x), Some(y)) => Some(x.more_precise(y)),
            (false, true, _, y) => y,
            (_, _, x, y) => x.or(y),
        };
        e.date_stated |= d.date_stated;
        if e.authority.is_none()
            || matches!(e.authority, Some(Authority::Implied(_)))
                && matches!(d.authority, Some(Authority::Org(_)))
        {
            e.authority = d.authority;
        }
        e.facility = e.facility.or(d.facility);
        return;
    }
    out.push(d);
}
