//! Fact extraction: one document in, one extraction record out. The pipeline is
//! boilerplate removal → sentences → mentions (gazetteer, discovery, references back) →
//! facilities → licences → agreements → policies → organizations, all driven by the data
//! files in `seeds/` so that a new phrase or company is a data change.

pub mod agreements;
pub mod boilerplate;
pub mod dates;
pub mod facilities;
pub mod gazetteer;
pub mod lexicon;
pub mod licences;
pub mod mentions;
pub mod policies;
pub mod quantities;
pub mod rules;
pub mod sentences;
pub mod text;

use cdmo_store::record::{
    AgreementRecord, ExtractionRecord, FacilityRecord, LicenseRecord, OrganizationRecord,
    PolicyRecord,
};
use cdmo_store::vocab::{LicenseType, OrganizationKind};

use crate::document::Document;
use crate::error::IngestError;
use gazetteer::Gazetteer;
use lexicon::Lexicon;
use licences::Authority;
use mentions::Analysis;
use rules::Rules;

/// Version of the extractor, stored with every piece of evidence it produces.
pub const EXTRACTOR_VERSION: &str = concat!("cdmo-extract/", env!("CARGO_PKG_VERSION"));

/// The extraction engine: rules and gazetteer, loaded once, used for many documents.
#[derive(Debug, Clone)]
pub struct Extractor {
    rules: Rules,
    gazetteer: Gazetteer,
    lexicon: Lexicon,
}

impl Extractor {
    /// The engine with the rules and gazetteer shipped in the binary.
    pub fn embedded() -> Result<Extractor, IngestError> {
        Self::new(Rules::embedded()?, Gazetteer::embedded()?)
    }

    /// An engine over the given rules and gazetteer; fails only if the phrase automaton
    /// cannot be built.
    pub fn new(rules: Rules, gazetteer: Gazetteer) -> Result<Extractor, IngestError> {
        let lexicon = Lexicon::build(&rules)?;
        Ok(Extractor {
            rules,
            gazetteer,
            lexicon,
        })
    }

    pub fn gazetteer(&self) -> &Gazetteer {
        &self.gazetteer
    }

    /// Reads one document into its extraction record.
    pub fn extract(&self, doc: &Document) -> ExtractionRecord {
        let paragraphs = boilerplate::article_paragraphs(&doc.body, &self.rules.boilerplate);
        let sentences = sentences::split_sentences(&paragraphs);
        let mut a = Analysis::new(
            sentences,
            doc.meta.published,
            &self.gazetteer,
            &self.rules,
            &self.lexicon,
        );

        let mut facilities = facilities::extract_facilities(&a);
        let licences = licences::extract_licences(&a, &facilities);
        // A site a licence was granted for is a working plant, and the contract's examples
        // report it as an operational facility even when nothing else is said about it.
        for l in &licences {
            if let Some(f) = l.facility {
                let site = &mut facilities[f];
                if site.status.is_none() {
                    site.status = Some(cdmo_store::vocab::FacilityStatus::Operational);
                    site.status_sentence.get_or_insert(l.sentence);
                }
            }
        }
        let agreements = agreements::extract_agreements(&a);
        let policies = policies::extract_policies(&a);
        settle_organizations(&mut a, &facilities, &licences);

        let mut record = ExtractionRecord::empty(doc.meta.clone());
        let name = |i: usize| a.orgs[i].name.clone();
        let sentence = |i: usize| a.sentences[i].text.clone();

        // Organizations in order of first mention, named ones only (not "it" alone).
        let mut order: Vec<usize> = Vec::new();
        for ms in &a.org_mentions {
            let mut ms = ms.clone();
            ms.sort_by_key(|m| m.start);
            for m in ms {
                if !m.anaphor && !order.contains(&m.org) {
                    order.push(m.org);
                }
            }
        }
        for &i in &order {
            let o = &a.orgs[i];
            let mut aliases: Vec<String> = Vec::new();
            for s in &o.surfaces {
                if s != &o.name && !aliases.contains(s) {
                    aliases.push(s.clone());
                }
            }
            record.organizations.push(OrganizationRecord {
                name: o.name.clone(),
                aliases,
                kind: o.kind.unwrap_or(OrganizationKind::Other),
                country: o.country,
                region: o.region.clone(),
                city: o.city.clone(),
                parent: o.parent.map(name),
            });
        }
        for f in facilities.iter().filter(|f| f.is_reported()) {
            let (Some(op), Some(ev)) = (f.operator, f.evidence_sentence()) else {
                continue;
            };
            let (country, region, city) = match &f.place {
                Some((c, r, ci)) => (Some(*c), r.clone(), ci.clone()),
                None => (a.orgs[op].country, None, None),
            };
            record.facilities.push(FacilityRecord {
                name: f.name.clone(),
                operator: name(op),
                country,
                region,
                city,
                modalities: f.modalities.iter().copied().collect(),
                capacity_liters: f.capacity,
                status: f.status,
                evidence: sentence(ev),
                confidence: if f.status.is_some() { 0.8 } else { 0.6 },
            });
        }
        for l in &licences {
            record.licenses.push(LicenseRecord {
                holder: name(l.holder),
                license_type: l.license_type,
                authority: l.authority.as_ref().map(|au| match au {
                    Authority::Org(o) => name(*o),
                    Authority::Implied(n) => n.clone(),
                }),
                country: l.country,
                facility: l.facility.and_then(|f| facilities[f].name.clone()),
                date: l.date,
                evidence: sentence(l.sentence),
                confidence: 0.8,
            });
        }
        for g in &agreements {
            record.agreements.push(AgreementRecord {
                parties: g.parties.iter().map(|p| name(*p)).collect(),
                agreement_type: g.agreement_type,
                scope: g.scope.clone(),
                date: g.date,
                value_usd: g.value_usd,
                evidence: sentence(g.sentence),
                confidence: 0.75,
            });
        }
        for p in &policies {
            record.policies.push(PolicyRecord {
                name: p.name.clone(),
                agencies: p.agencies.iter().map(|o| name(*o)).collect(),
                country: p.country,
                focus: p.focus.iter().copied().collect(),
                date: p.date,
                evidence: sentence(p.sentence),
                confidence: 0.7,
            });
        }
        record
    }
}

/// Fills what the facts tell about organizations the gazetteer does not know: a holder of
/// a class C licence or the operator of a CDMO platform is a CDMO; a licence holder is in
/// the licence's country.
fn settle_organizations(
    a: &mut Analysis<'_>,
    facilities: &[facilities::FacilityDraft],
    licences: &[licences::LicenceDraft],
) {
    for l in licences {
        let o = &mut a.orgs[l.holder];
        if o.gaz.is_none() {
            if l.license_type == LicenseType::CnDrugProductionC
                && o.kind != Some(OrganizationKind::Cdmo)
            {
                o.kind = Some(OrganizationKind::Cdmo);
            }
            if o.country.is_none() {
                o.country = l.country;
            }
        }
    }
    for f in facilities.iter().filter(|f| f.is_reported()) {
        let Some(op) = f.operator else { continue };
        let o = &mut a.orgs[op];
        if o.gaz.is_none() {
            if o.kind.is_none()
                && f.name
                    .as_deref()
                    .is_some_and(|n| n.contains("CDMO") || n.contains("CMO"))
            {
                o.kind = Some(OrganizationKind::Cdmo);
            }
            if o.country.is_none()
                && let Some((c, _, _)) = &f.place
            {
                o.country = Some(*c);
            }
        }
    }
}
