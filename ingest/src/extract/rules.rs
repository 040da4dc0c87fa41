//! The extraction rules, read from the TOML files in `seeds/rules/` (embedded in the binary)
//! into typed structs; vocabulary codes are checked here, once, at load time.

use std::collections::{BTreeMap, HashMap, HashSet};

use cdmo_store::Country;
use cdmo_store::vocab::{
    AgreementType, FacilityStatus, LicenseType, Modality, OrganizationKind, PolicyFocus,
};
use regex::Regex;
use serde::Deserialize;
use serde::de::DeserializeOwned;

use crate::error::IngestError;

fn parse<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, IngestError> {
    toml::from_str(text).map_err(|e| IngestError::Rules {
        file: file.to_string(),
        message: e.to_string(),
    })
}

fn bad(file: &str, message: String) -> IngestError {
    IngestError::Rules {
        file: file.to_string(),
        message,
    }
}

fn lower_all(v: Vec<String>) -> Vec<String> {
    v.into_iter().map(|s| s.to_ascii_lowercase()).collect()
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BoilerplateRules {
    pub footer_starts: Vec<String>,
    /// Whole lines that end the article ("Contact", "Media").
    #[serde(default)]
    pub footer_exact: Vec<String>,
    pub about_heading_max_words: usize,
    pub footer_rule_chars: String,
    pub drop_starts: Vec<String>,
    pub drop_exact: Vec<String>,
    pub max_bracket_prefix_chars: usize,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct OrgFile {
    head_words: BTreeMap<String, String>,
    of_heads: Vec<String>,
    regulator_words: Vec<String>,
    function_words: Vec<String>,
    not_names: Vec<String>,
    non_org_words: Vec<String>,
    person_cues: Vec<String>,
    person_titles: Vec<String>,
    actor_verbs: Vec<String>,
    descriptor_kinds: BTreeMap<String, String>,
    company_anaphora: Vec<String>,
    pair_anaphora: Vec<String>,
    parent_phrases: Vec<String>,
    parent_phrases_before: Vec<String>,
    anaphor_kinds: BTreeMap<String, Vec<String>>,
    naming_nouns: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct OrgRules {
    /// Head word (one or two words) → kind suggested.
    pub head_words: HashMap<String, OrganizationKind>,
    pub of_heads: HashSet<String>,
    pub regulator_words: Vec<String>,
    pub function_words: HashSet<String>,
    pub not_names: HashSet<String>,
    pub non_org_words: HashSet<String>,
    pub person_cues: Vec<String>,
    pub person_titles: HashSet<String>,
    pub actor_verbs: HashSet<String>,
    /// (descriptor, lower case) → kind.
    pub descriptor_kinds: Vec<(String, OrganizationKind)>,
    pub company_anaphora: Vec<String>,
    /// Reference phrase (lower case) → the kinds it may point to.
    pub anaphor_kinds: HashMap<String, Vec<OrganizationKind>>,
    pub pair_anaphora: Vec<String>,
    pub parent_phrases: Vec<String>,
    pub parent_phrases_before: Vec<String>,
    /// Common nouns written right before a name ("private equity firm Altaris").
    pub naming_nouns: HashSet<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LicenceFile {
    heads: Vec<String>,
    grant_triggers: Vec<String>,
    non_grant_cues: Vec<String>,
    denial_cues: Vec<String>,
    approval_verbs: Vec<String>,
    non_grant_date_cues: Vec<String>,
    authority_types: BTreeMap<String, String>,
    authority_country_types: BTreeMap<String, String>,
    class_letters: ClassLetters,
    #[serde(rename = "type")]
    types: Vec<LicenceTypeRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ClassLetters {
    patterns: Vec<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct LicenceTypeRaw {
    code: String,
    all: Vec<Vec<String>>,
    country: Option<String>,
    authority: Option<String>,
    #[serde(default)]
    by_class: bool,
    by_country: Option<BTreeMap<String, String>>,
}

/// How a licence rule decides the licence type.
#[derive(Debug, Clone)]
pub enum LicenceKind {
    Fixed(LicenseType),
    /// Chinese Drug Production License: class letter A–D, or unclassified.
    ByClass,
    /// GMP of the licence's country.
    ByCountry(HashMap<Country, LicenseType>),
}

#[derive(Debug, Clone)]
pub struct LicenceTypeRule {
    pub kind: LicenceKind,
    pub all: Vec<Vec<String>>,
    pub country: Option<Country>,
    pub authority: Option<String>,
}

#[derive(Debug, Clone)]
pub struct LicenceRules {
    pub heads: Vec<String>,
    pub grant_triggers: Vec<String>,
    pub non_grant_cues: Vec<String>,
    pub denial_cues: Vec<String>,
    pub approval_verbs: Vec<String>,
    pub non_grant_date_cues: Vec<String>,
    /// Authority canonical name → the licence type it grants.
    pub authority_types: HashMap<String, LicenseType>,
    /// Authority country → the licence type it grants.
    pub authority_country_types: HashMap<Country, LicenseType>,
    pub class_patterns: Vec<Regex>,
    pub types: Vec<LicenceTypeRule>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementFile {
    nouns: Vec<String>,
    sign_triggers: Vec<String>,
    deal_verbs: BTreeMap<String, String>,
    sale_verbs: BTreeMap<String, String>,
    deal_nouns: BTreeMap<String, String>,
    non_agreement_cues: Vec<String>,
    denial_cues: Vec<String>,
    non_party_cues: Vec<String>,
    default: String,
    #[serde(rename = "type")]
    types: Vec<AgreementTypeRaw>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct AgreementTypeRaw {
    code: String,
    any: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct AgreementRules {
    pub nouns: Vec<String>,
    pub sign_triggers: Vec<String>,
    pub deal_verbs: Vec<(String, AgreementType)>,
    pub sale_verbs: Vec<(String, AgreementType)>,
    pub deal_nouns: Vec<(String, AgreementType)>,
    pub non_agreement_cues: Vec<String>,
    pub denial_cues: Vec<String>,
    pub non_party_cues: Vec<String>,
    pub default: AgreementType,
    pub types: Vec<(AgreementType, Vec<String>)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct FacilityFile {
    nouns: Vec<String>,
    anaphora: Vec<String>,
    weak_nouns: Vec<String>,
    qualifiers: Vec<String>,
    status: Vec<StatusRaw>,
    capacity_units: BTreeMap<String, f64>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct StatusRaw {
    code: String,
    cues: Vec<String>,
}

#[derive(Debug, Clone)]
pub struct FacilityRules {
    pub nouns: Vec<String>,
    pub anaphora: Vec<String>,
    pub weak_nouns: Vec<String>,
    pub qualifiers: Vec<String>,
    pub status: Vec<(FacilityStatus, Vec<String>)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PolicyFile {
    nouns: Vec<String>,
    events: Vec<String>,
    not_policies: Vec<String>,
    legal_basis_cues: Vec<String>,
    focus: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone)]
pub struct PolicyRules {
    pub nouns: Vec<String>,
    pub events: Vec<String>,
    pub not_policies: Vec<String>,
    pub legal_basis_cues: Vec<String>,
    pub focus: Vec<(PolicyFocus, Vec<String>)>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ModalityFile {
    modalities: BTreeMap<String, Vec<String>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CurrencyRules {
    pub usd_per_unit: BTreeMap<String, f64>,
    pub symbols: BTreeMap<String, Vec<String>>,
}

impl CurrencyRules {
    pub fn embedded() -> Result<CurrencyRules, IngestError> {
        let mut r: CurrencyRules = parse(
            "currencies.toml",
            include_str!("../../../seeds/rules/currencies.toml"),
        )?;
        for (code, syms) in r.symbols.iter_mut() {
            if !r.usd_per_unit.contains_key(code) {
                return Err(bad(
                    "currencies.toml",
                    format!("currency `{code}` has symbols but no rate"),
                ));
            }
            *syms = lower_all(std::mem::take(syms));
        }
        Ok(r)
    }
}

/// Every rule set the extractor uses.
#[derive(Debug, Clone)]
pub struct Rules {
    pub boilerplate: BoilerplateRules,
    pub orgs: OrgRules,
    pub licences: LicenceRules,
    pub agreements: AgreementRules,
    pub facilities: FacilityRules,
    pub policies: PolicyRules,
    pub modalities: Vec<(Modality, Vec<String>)>,
    pub currencies: CurrencyRules,
}

fn kind(file: &str, code: &str) -> Result<OrganizationKind, IngestError> {
    code.parse().map_err(|e| bad(file, format!("{e}")))
}

impl Rules {
    /// The rules shipped in `seeds/rules/`, compiled into the binary.
    pub fn embedded() -> Result<Rules, IngestError> {
        let boilerplate: BoilerplateRules = parse(
            "boilerplate.toml",
            include_str!("../../../seeds/rules/boilerplate.toml"),
        )?;
        let boilerplate = BoilerplateRules {
            footer_starts: lower_all(boilerplate.footer_starts),
            footer_exact: lower_all(boilerplate.footer_exact),
            drop_starts: lower_all(boilerplate.drop_starts),
            drop_exact: lower_all(boilerplate.drop_exact),
            ..boilerplate
        };

        let f = "organizations.toml";
        let o: OrgFile = parse(f, include_str!("../../../seeds/rules/organizations.toml"))?;
        let mut head_words = HashMap::new();
        for (w, k) in o.head_words {
            head_words.insert(w, kind(f, &k)?);
        }
        let mut descriptor_kinds = Vec::new();
        for (w, k) in o.descriptor_kinds {
            descriptor_kinds.push((w.to_ascii_lowercase(), kind(f, &k)?));
        }
        // Longest descriptors first so "contract manufacturing" beats "manufacturing".
        descriptor_kinds.sort_by_key(|(w, _)| std::cmp::Reverse(w.len()));
        let mut anaphor_kinds = HashMap::new();
        for (phrase, kinds) in o.anaphor_kinds {
            let mut ks = Vec::new();
            for k in kinds {
                ks.push(kind(f, &k)?);
            }
            anaphor_kinds.insert(phrase.to_ascii_lowercase(), ks);
        }
        let orgs = OrgRules {
            anaphor_kinds,
            head_words,
            of_heads: o.of_heads.into_iter().collect(),
            regulator_words: o.regulator_words,
            function_words: o.function_words.into_iter().collect(),
            not_names: o.not_names.into_iter().collect(),
            non_org_words: o.non_org_words.into_iter().collect(),
            person_cues: lower_all(o.person_cues),
            person_titles: o.person_titles.into_iter().collect(),
            actor_verbs: lower_all(o.actor_verbs).into_iter().collect(),
            descriptor_kinds,
            company_anaphora: lower_all(o.company_anaphora),
            pair_anaphora: lower_all(o.pair_anaphora),
            parent_phrases: lower_all(o.parent_phrases),
            parent_phrases_before: lower_all(o.parent_phrases_before),
            naming_nouns: lower_all(o.naming_nouns).into_iter().collect(),
        };

        let f = "licences.toml";
        let l: LicenceFile = parse(f, include_str!("../../../seeds/rules/licences.toml"))?;
        let mut class_patterns = Vec::new();
        for p in &l.class_letters.patterns {
            class_patterns
                .push(Regex::new(p).map_err(|e| bad(f, format!("class pattern `{p}`: {e}")))?);
        }
        let mut types = Vec::new();
        for t in l.types {
            let country = match &t.country {
                Some(c) => Some(c.parse::<Country>().map_err(|e| bad(f, e.to_string()))?),
                None => None,
            };
            let kind = if t.by_class {
                LicenceKind::ByClass
            } else if let Some(map) = t.by_country {
                let mut m = HashMap::new();
                for (c, code) in map {
                    let c = c.parse::<Country>().map_err(|e| bad(f, e.to_string()))?;
                    m.insert(
                        c,
                        code.parse::<LicenseType>()
                            .map_err(|e| bad(f, e.to_string()))?,
                    );
                }
                LicenceKind::ByCountry(m)
            } else {
                LicenceKind::Fixed(
                    t.code
                        .parse::<LicenseType>()
                        .map_err(|e| bad(f, e.to_string()))?,
                )
            };
            if t.all.is_empty() || t.all.iter().any(Vec::is_empty) {
                return Err(bad(
                    f,
                    format!("type `{}` has an empty keyword group", t.code),
                ));
            }
            types.push(LicenceTypeRule {
                kind,
                all: t.all.into_iter().map(lower_all).collect(),
                country,
                authority: t.authority,
            });
        }
        let mut authority_types = HashMap::new();
        for (name, code) in l.authority_types {
            authority_types.insert(
                name,
                code.parse::<LicenseType>()
                    .map_err(|e| bad(f, e.to_string()))?,
            );
        }
        let mut authority_country_types = HashMap::new();
        for (c, code) in l.authority_country_types {
            authority_country_types.insert(
                c.parse::<Country>().map_err(|e| bad(f, e.to_string()))?,
                code.parse::<LicenseType>()
                    .map_err(|e| bad(f, e.to_string()))?,
            );
        }
        let licences = LicenceRules {
            heads: lower_all(l.heads),
            grant_triggers: lower_all(l.grant_triggers),
            non_grant_cues: lower_all(l.non_grant_cues),
            denial_cues: lower_all(l.denial_cues),
            approval_verbs: lower_all(l.approval_verbs),
            non_grant_date_cues: lower_all(l.non_grant_date_cues),
            authority_types,
            authority_country_types,
            class_patterns,
            types,
        };

        let f = "agreements.toml";
        let a: AgreementFile = parse(f, include_str!("../../../seeds/rules/agreements.toml"))?;
        let typed =
            |m: BTreeMap<String, String>| -> Result<Vec<(String, AgreementType)>, IngestError> {
                let mut v = Vec::new();
                for (w, code) in m {
                    v.push((
                        w.to_ascii_lowercase(),
                        code.parse::<AgreementType>()
                            .map_err(|e| bad(f, e.to_string()))?,
                    ));
                }
                Ok(v)
            };
        let deal_verbs = typed(a.deal_verbs)?;
        let sale_verbs = typed(a.sale_verbs)?;
        let deal_nouns = typed(a.deal_nouns)?;
        let mut atypes = Vec::new();
        for t in a.types {
            atypes.push((
                t.code
                    .parse::<AgreementType>()
                    .map_err(|e| bad(f, e.to_string()))?,
                lower_all(t.any),
            ));
        }
        let agreements = AgreementRules {
            nouns: lower_all(a.nouns),
            sign_triggers: lower_all(a.sign_triggers),
            deal_verbs,
            sale_verbs,
            deal_nouns,
            non_agreement_cues: lower_all(a.non_agreement_cues),
            denial_cues: lower_all(a.denial_cues),
            non_party_cues: lower_all(a.non_party_cues),
            default: a
                .default
                .parse::<AgreementType>()
                .map_err(|e| bad(f, e.to_string()))?,
            types: atypes,
        };

        let f = "facilities.toml";
        let fa: FacilityFile = parse(f, include_str!("../../../seeds/rules/facilities.toml"))?;
        let mut status = Vec::new();
        for s in fa.status {
            status.push((
                s.code
                    .parse::<FacilityStatus>()
                    .map_err(|e| bad(f, e.to_string()))?,
                lower_all(s.cues),
            ));
        }
        // Units are read by the capacity parser; the table documents them and must parse.
        let _ = fa.capacity_units;
        let facilities = FacilityRules {
            nouns: lower_all(fa.nouns),
            anaphora: lower_all(fa.anaphora),
            weak_nouns: lower_all(fa.weak_nouns),
            qualifiers: lower_all(fa.qualifiers),
            status,
        };

        let f = "policies.toml";
        let p: PolicyFile = parse(f, include_str!("../../../seeds/rules/policies.toml"))?;
        let mut focus = Vec::new();
        for (code, words) in p.focus {
            focus.push((
                code.parse::<PolicyFocus>()
                    .map_err(|e| bad(f, e.to_string()))?,
                lower_all(words),
            ));
        }
        let policies = PolicyRules {
            nouns: lower_all(p.nouns),
            events: lower_all(p.events),
            not_policies: lower_all(p.not_policies),
            legal_basis_cues: lower_all(p.legal_basis_cues),
            focus,
        };

        let f = "modalities.toml";
        let m: ModalityFile = parse(f, include_str!("../../../seeds/rules/modalities.toml"))?;
        let mut modalities = Vec::new();
        for (code, words) in m.modalities {
            modalities.push((
                code.parse::<Modality>()
                    .map_err(|e| bad(f, e.to_string()))?,
                lower_all(words),
            ));
        }

        Ok(Rules {
            boilerplate,
            orgs,
            licences,
            agreements,
            facilities,
            policies,
            modalities,
            currencies: CurrencyRules::embedded()?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_rule_files_load() {
        let r = Rules::embedded().unwrap();
        assert!(r.licences.types.len() >= 8);
        assert!(
            r.agreements
                .types
                .iter()
                .any(|(t, _)| *t == AgreementType::Mou)
        );
        assert!(!r.modalities.is_empty());
    }
}
