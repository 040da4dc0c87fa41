//! The controlled vocabularies of the extraction record (licence types, agreement types,
//! modalities, organization kinds, facility statuses, policy focus, languages), defined once.

use std::fmt;
use std::str::FromStr;

/// A string that is not a code of the named vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{value}` is not a valid {vocabulary} (expected one of: {expected})")]
pub struct VocabularyError {
    pub vocabulary: &'static str,
    pub value: String,
    pub expected: String,
}

/// Declares a vocabulary: the enum, its wire codes (the extraction record's strings) and
/// descriptions, so that a code is written in exactly one place.
macro_rules! vocabulary {
    (
        $(#[doc = $enum_doc:literal])*
        $name:ident ($label:literal) {
            $( $(#[doc = $doc:literal])* $variant:ident => $code:literal ),+ $(,)?
        }
    ) => {
        $(#[doc = $enum_doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize)]
        #[cfg_attr(feature = "graphql", derive(async_graphql::Enum))]
        pub enum $name {
            $( $(#[doc = $doc])* #[serde(rename = $code)] $variant ),+
        }

        impl $name {
            /// Every value, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The code used in the extraction record and the database.
            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $code),+ }
            }
        }

        impl FromStr for $name {
            type Err = VocabularyError;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                match s {
                    $($code => Ok($name::$variant),)+
                    other => Err(VocabularyError {
                        vocabulary: $label,
                        value: other.to_string(),
                        expected: [$($code),+].join(", "),
                    }),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

vocabulary! {
    /// The kind of authorisation a licence is.
    LicenseType ("license type") {
        /// Korea: MFDS licence to manufacture advanced biopharmaceuticals (첨단바이오의약품 제조업 허가).
        KrAdvancedBiopharmaManufacturing => "kr_advanced_biopharma_manufacturing",
        /// Korea: human cell etc. management business licence (인체세포등 관리업 허가).
        KrHumanCellManagement => "kr_human_cell_management",
        /// Korea: MFDS permit for a cell processing facility for advanced regenerative medicine (첨단재생의료 세포처리시설 허가).
        KrCellProcessingFacility => "kr_cell_processing_facility",
        /// Korea: ordinary drug manufacturing business licence (의약품 제조업 허가).
        KrDrugManufacturing => "kr_drug_manufacturing",
        /// Korea: MFDS GMP approval or certificate for a site or product line.
        KrGmp => "kr_gmp",
        /// China: Drug Production License class A, a marketing-authorisation holder that manufactures itself (药品生产许可证 A 证).
        CnDrugProductionA => "cn_drug_production_a",
        /// China: Drug Production License class B, a holder that entrusts manufacture to others.
        CnDrugProductionB => "cn_drug_production_b",
        /// China: Drug Production License class C, a manufacturer accepting commissioned production (the CDMO licence).
        CnDrugProductionC => "cn_drug_production_c",
        /// China: Drug Production License class D, an active pharmaceutical ingredient producer.
        CnDrugProductionD => "cn_drug_production_d",
        /// China: a Drug Production License whose class is not stated.
        CnDrugProduction => "cn_drug_production",
        /// China: GMP compliance inspection passed or certificate.
        CnGmp => "cn_gmp",
        /// EU GMP certificate.
        EuGmp => "eu_gmp",
        /// US FDA inspection passed.
        UsFdaInspection => "us_fda_inspection",
        /// Japan PMDA GMP certificate.
        JpPmdaGmp => "jp_pmda_gmp",
        /// Any other facility-level authorisation (the authority says which).
        Other => "other",
    }
}

vocabulary! {
    /// The kind of agreement between organizations.
    AgreementType ("agreement type") {
        /// A collaboration or partnership agreement.
        Collaboration => "collaboration",
        /// A memorandum of understanding or letter of intent.
        Mou => "mou",
        /// A CDMO/CMO service, supply or technology-transfer contract.
        ManufacturingContract => "manufacturing_contract",
        /// A licensing deal (rights to a product or technology).
        Licensing => "licensing",
        /// A joint venture.
        JointVenture => "joint_venture",
        /// An acquisition or sale of a company, business or site.
        Acquisition => "acquisition",
        /// An equity investment.
        Investment => "investment",
        /// Joint research or a clinical research agreement.
        ResearchCooperation => "research_cooperation",
        /// Any other agreement.
        Other => "other",
    }
}

vocabulary! {
    /// A therapeutic modality a facility makes.
    Modality ("modality") {
        /// Cell therapy.
        CellTherapy => "cell_therapy",
        /// Gene therapy.
        GeneTherapy => "gene_therapy",
        /// CAR-T cell therapy.
        CarT => "car_t",
        /// TCR-T cell therapy.
        TcrT => "tcr_t",
        /// Viral vectors in general.
        ViralVector => "viral_vector",
        /// Adeno-associated virus vectors.
        Aav => "aav",
        /// Lentiviral vectors.
        Lentivirus => "lentivirus",
        /// Oncolytic viruses.
        OncolyticVirus => "oncolytic_virus",
        /// Plasmid DNA.
        Plasmid => "plasmid",
        /// Messenger RNA.
        Mrna => "mrna",
        /// Monoclonal antibodies.
        MonoclonalAntibody => "monoclonal_antibody",
        /// Antibody-drug conjugates.
        Adc => "adc",
        /// Recombinant proteins.
        RecombinantProtein => "recombinant_protein",
        /// Vaccines.
        Vaccine => "vaccine",
        /// Organoids.
        Organoid => "organoid",
        /// Oligonucleotides.
        Oligonucleotide => "oligonucleotide",
        /// Peptides.
        Peptide => "peptide",
        /// Small molecules.
        SmallMolecule => "small_molecule",
        /// Biosimilars.
        Biosimilar => "biosimilar",
        /// Any other modality.
        Other => "other",
    }
}

vocabulary! {
    /// What kind of body an organization is.
    OrganizationKind ("organization kind") {
        /// A contract development and manufacturing organization.
        Cdmo => "cdmo",
        /// A biotechnology company.
        Biotech => "biotech",
        /// A pharmaceutical company.
        Pharma => "pharma",
        /// A hospital or medical centre.
        Hospital => "hospital",
        /// A government ministry, agency or local government.
        Government => "government",
        /// A regulator that grants licences and certificates.
        Regulator => "regulator",
        /// A university, academy or research institute.
        Academic => "academic",
        /// An industry association or society.
        Association => "association",
        /// A supplier of equipment, materials or services.
        Supplier => "supplier",
        /// An investor.
        Investor => "investor",
        /// Anything else.
        Other => "other",
    }
}

vocabulary! {
    /// The lifecycle state of a facility.
    FacilityStatus ("facility status") {
        /// Announced or planned; construction has not started.
        Planned => "planned",
        /// Under construction.
        UnderConstruction => "under_construction",
        /// Built and operating.
        Operational => "operational",
    }
}

vocabulary! {
    /// What a government policy targets.
    PolicyFocus ("policy focus") {
        /// Chemistry, manufacturing and controls.
        Cmc => "cmc",
        /// Cell and gene therapy.
        CellGeneTherapy => "cell_gene_therapy",
        /// RNA therapeutics.
        Rna => "rna",
        /// Manufacturing capacity.
        ManufacturingCapacity => "manufacturing_capacity",
        /// Workforce and training.
        Workforce => "workforce",
        /// Anything else.
        Other => "other",
    }
}

vocabulary! {
    /// The language of an article.
    Language ("language") {
        /// English.
        En => "en",
        /// Korean.
        Ko => "ko",
        /// Chinese.
        Zh => "zh",
        /// Any other language.
        Other => "other",
    }
}

/// The kinds of fact that carry evidence.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FactKind {
    Facility,
    License,
    Agreement,
    Policy,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_code_round_trips_through_from_str() {
        for t in LicenseType::ALL {
            assert_eq!(t.as_str().parse::<LicenseType>(), Ok(*t));
        }
        for m in Modality::ALL {
            assert_eq!(m.as_str().parse::<Modality>(), Ok(*m));
        }
        for k in OrganizationKind::ALL {
            assert_eq!(k.as_str().parse::<OrganizationKind>(), Ok(*k));
        }
    }

    #[test]
    fn an_unknown_code_names_the_vocabulary_and_the_valid_codes() {
        let err = "class_c".parse::<LicenseType>().unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains("license type"), "{msg}");
        assert!(msg.contains("cn_drug_production_c"), "{msg}");
    }

    #[test]
    fn serde_uses_the_record_codes() {
        let json = serde_json::to_string(&AgreementType::ManufacturingContract).unwrap();
        assert_eq!(json, "\"manufacturing_contract\"");
        let back: FacilityStatus = serde_json::from_str("\"under_construction\"").unwrap();
        assert_eq!(back, FacilityStatus::UnderConstruction);
    }
}
