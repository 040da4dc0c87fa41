//! The extraction record (public contract, version 1): everything the extractor found in one
//! document before it is merged. Field names and order are the contract; add, never rename.

use serde::{Deserialize, Serialize};

use crate::date::{Country, PartialDate};
use crate::vocab::{
    AgreementType, FacilityStatus, Language, LicenseType, Modality, OrganizationKind, PolicyFocus,
};

/// The record's schema version; bump it on any rename or removal.
pub const SCHEMA_VERSION: u32 = 1;

fn default_confidence() -> f64 {
    1.0
}

fn is_default_confidence(c: &f64) -> bool {
    (*c - 1.0).abs() < f64::EPSILON
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ExtractionRecord {
    pub schema_version: u32,
    pub source: SourceMeta,
    #[serde(default)]
    pub organizations: Vec<OrganizationRecord>,
    #[serde(default)]
    pub facilities: Vec<FacilityRecord>,
    #[serde(default)]
    pub licenses: Vec<LicenseRecord>,
    #[serde(default)]
    pub agreements: Vec<AgreementRecord>,
    #[serde(default)]
    pub policies: Vec<PolicyRecord>,
}

impl ExtractionRecord {
    pub fn empty(source: SourceMeta) -> Self {
        Self {
            schema_version: SCHEMA_VERSION,
            source,
            organizations: Vec::new(),
            facilities: Vec::new(),
            licenses: Vec::new(),
            agreements: Vec::new(),
            policies: Vec::new(),
        }
    }

    /// How many facts (not organizations) the record holds.
    pub fn fact_count(&self) -> usize {
        self.facilities.len() + self.licenses.len() + self.agreements.len() + self.policies.len()
    }
}

/// What is known of the document's publication.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SourceMeta {
    pub title: Option<String>,
    pub publisher: Option<String>,
    pub url: Option<String>,
    pub published: Option<PartialDate>,
    pub language: Language,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OrganizationRecord {
    /// Canonical name, English where one is known.
    pub name: String,
    /// Other names seen in this document, any script.
    #[serde(default)]
    pub aliases: Vec<String>,
    pub kind: OrganizationKind,
    pub country: Option<Country>,
    pub region: Option<String>,
    pub city: Option<String>,
    pub parent: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct FacilityRecord {
    pub name: Option<String>,
    pub operator: String,
    pub country: Option<Country>,
    pub region: Option<String>,
    pub city: Option<String>,
    #[serde(default)]
    pub modalities: Vec<Modality>,
    /// Total stated bioreactor volume in litres.
    pub capacity_liters: Option<f64>,
    pub status: Option<FacilityStatus>,
    pub evidence: String,
    /// Added field: the extractor's confidence in this fact, 0–1.
    #[serde(
        default = "default_confidence",
        skip_serializing_if = "is_default_confidence"
    )]
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LicenseRecord {
    pub holder: String,
    pub license_type: LicenseType,
    pub authority: Option<String>,
    pub country: Option<Country>,
    pub facility: Option<String>,
    pub date: Option<PartialDate>,
    pub evidence: String,
    #[serde(
        default = "default_confidence",
        skip_serializing_if = "is_default_confidence"
    )]
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AgreementRecord {
    /// Organizations entering the agreement; order is not significant.
    pub parties: Vec<String>,
    pub agreement_type: AgreementType,
    pub scope: Option<String>,
    pub date: Option<PartialDate>,
    pub value_usd: Option<f64>,
    pub evidence: String,
    #[serde(
        default = "default_confidence",
        skip_serializing_if = "is_default_confidence"
    )]
    pub confidence: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PolicyRecord {
    pub name: Option<String>,
    pub agencies: Vec<String>,
    pub country: Option<Country>,
    #[serde(default)]
    pub focus: Vec<PolicyFocus>,
    pub date: Option<PartialDate>,
    pub evidence: String,
    #[serde(
        default = "default_confidence",
        skip_serializing_if = "is_default_confidence"
    )]
    pub confidence: f64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_record_serialises_with_the_contract_keys_in_order() {
        let mut rec = ExtractionRecord::empty(SourceMeta {
            title: None,
            publisher: None,
            url: None,
            published: Some("2022-03-17".parse().unwrap()),
            language: Language::En,
        });
        rec.licenses.push(LicenseRecord {
            holder: "Helixmith".into(),
            license_type: LicenseType::KrAdvancedBiopharmaManufacturing,
            authority: None,
            country: Some(Country::KR),
            facility: None,
            date: None,
            evidence: "s".into(),
            confidence: 1.0,
        });
        let json = serde_json::to_string(&rec).unwrap();
        assert!(json.starts_with(r#"{"schema_version":1,"source":{"title":null,"publisher":null,"url":null,"published":"2022-03-17","language":"en"},"organizations":[],"facilities":[],"licenses":[{"holder":"Helixmith","license_type":"kr_advanced_biopharma_manufacturing","authority":null,"country":"KR","facility":null,"date":null,"evidence":"s"}]"#), "{json}");
    }

    #[test]
    fn a_record_with_an_unknown_licence_type_is_rejected_with_the_value() {
        let json = r#"{"schema_version":1,"source":{"title":null,"publisher":null,"url":null,"published":null,"language":"en"},
            "licenses":[{"holder":"X","license_type":"class_c","authority":null,"country":null,"facility":null,"date":null,"evidence":"e"}]}"#;
        let err = serde_json::from_str::<ExtractionRecord>(json).unwrap_err();
        assert!(err.to_string().contains("class_c"), "{err}");
    }
}
