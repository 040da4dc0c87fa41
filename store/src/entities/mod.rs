//! sea-orm entities: one module per table. They stay inside the store's boundary as rows;
//! the API maps them to its own view types.

pub mod agreement;
pub mod agreement_party;
pub mod api_key;
pub mod article;
pub mod article_organization;
pub mod article_page;
pub mod article_url;
pub mod audit_log;
pub mod evidence;
pub mod facility;
pub mod facility_modality;
pub mod fetch_validator;
pub mod ingest_run;
pub mod license;
pub mod organization;
pub mod organization_alias;
pub mod organization_merge;
pub mod policy;
pub mod policy_agency;
pub mod policy_focus;
pub mod source;
pub mod source_lease;
