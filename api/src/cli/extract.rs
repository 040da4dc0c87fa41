//! `cdmo-atlas extract`: one document in, its extraction record out (JSON, the public
//! contract, or a readable summary).

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::{Context, bail};
use cdmo_ingest::{Extractor, Manifest, parse_document, read_document};
use cdmo_store::ExtractionRecord;

use super::Format;

pub async fn run(
    input: &str,
    format: Format,
    manifest: Option<&Path>,
    allow_private: bool,
) -> anyhow::Result<ExitCode> {
    if input.starts_with("http://") || input.starts_with("https://") {
        if manifest.is_some() {
            bail!("--manifest applies to files; a page's metadata comes from the page itself");
        }
        let url = url::Url::parse(input).with_context(|| format!("`{input}` is not a URL"))?;
        let settings = cdmo_ingest::sources::FetchSettings {
            allow_private,
            ..Default::default()
        };
        let fetcher = cdmo_ingest::fetch::Fetcher::new(&settings)?;
        let (doc, _page) = cdmo_ingest::web::fetch_document(&fetcher, &url).await?;
        return print_record(&doc, format);
    }
    let manifest = match manifest {
        Some(p) => Some(Manifest::load(p)?),
        None if input != "-" => {
            let dir = Path::new(input)
                .parent()
                .filter(|d| !d.as_os_str().is_empty());
            Manifest::for_dir(dir.unwrap_or(Path::new(".")))?
        }
        None => None,
    };
    let doc = if input == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .context("standard input is not UTF-8 text")?;
        parse_document(&text, "-", None)?
    } else {
        read_document(Path::new(input), manifest.as_ref())?
    };
    print_record(&doc, format)
}

fn print_record(doc: &cdmo_ingest::Document, format: Format) -> anyhow::Result<ExitCode> {
    let extractor = Extractor::embedded()?;
    let record = extractor.extract(doc);
    match format {
        Format::Json => println!("{}", serde_json::to_string_pretty(&record)?),
        Format::Text => print!("{}", summary(&record)),
    }
    Ok(ExitCode::SUCCESS)
}

fn or_dash(s: Option<impl ToString>) -> String {
    s.map(|v| v.to_string()).unwrap_or_else(|| "–".into())
}

/// A readable summary of a record.
pub fn summary(r: &ExtractionRecord) -> String {
    use std::fmt::Write;
    let mut o = String::new();
    let s = &r.source;
    let _ = writeln!(
        o,
        "{} — {} ({}, {})",
        s.title.as_deref().unwrap_or("(untitled)"),
        s.publisher.as_deref().unwrap_or("unknown publisher"),
        or_dash(s.published),
        s.language
    );
    if let Some(u) = &s.url {
        let _ = writeln!(o, "{u}");
    }
    let _ = writeln!(o, "\nOrganizations ({}):", r.organizations.len());
    for g in &r.organizations {
        let place = [
            g.city.as_deref(),
            g.region.as_deref(),
            g.country.as_ref().map(|c| c.as_str()),
        ]
        .into_iter()
        .flatten()
        .collect::<Vec<_>>()
        .join(", ");
        let _ = write!(
            o,
            "  {} [{}{}{}]",
            g.name,
            g.kind,
            if place.is_empty() { "" } else { "; " },
            place
        );
        if !g.aliases.is_empty() {
            let _ = write!(o, " also: {}", g.aliases.join(" / "));
        }
        if let Some(p) = &g.parent {
            let _ = write!(o, " (part of {p})");
        }
        o.push('\n');
    }
    let _ = writeln!(o, "\nLicences ({}):", r.licenses.len());
    for l in &r.licenses {
        let _ = writeln!(
            o,
            "  {} — {} from {}, {}{}\n    “{}”",
            l.holder,
            l.license_type,
            or_dash(l.authority.as_ref()),
            or_dash(l.date),
            l.facility
                .as_ref()
                .map(|f| format!(", facility {f}"))
                .unwrap_or_default(),
            l.evidence
        );
    }
    let _ = writeln!(o, "\nFacilities ({}):", r.facilities.len());
    for f in &r.facilities {
        let _ = writeln!(
            o,
            "  {} of {} — {}, {}, {} L, modalities: {}\n    “{}”",
            f.name.as_deref().unwrap_or("(unnamed)"),
            f.operator,
            or_dash(f.status),
            [f.city.as_deref(), f.region.as_deref()]
                .into_iter()
                .flatten()
                .collect::<Vec<_>>()
                .join(", "),
            or_dash(f.capacity_liters),
            f.modalities
                .iter()
                .map(|m| m.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            f.evidence
        );
    }
    let _ = writeln!(o, "\nAgreements ({}):", r.agreements.len());
    for a in &r.agreements {
        let _ = writeln!(
            o,
            "  {} — {} {}{}{}\n    “{}”",
            a.parties.join(" + "),
            a.agreement_type,
            or_dash(a.date),
            a.scope
                .as_ref()
                .map(|s| format!(", on {s}"))
                .unwrap_or_default(),
            a.value_usd
                .map(|v| format!(", ~US${v:.0}"))
                .unwrap_or_default(),
            a.evidence
        );
    }
    let _ = writeln!(o, "\nPolicies ({}):", r.policies.len());
    for p in &r.policies {
        let _ = writeln!(
            o,
            "  {} by {} — focus {} {}\n    “{}”",
            p.name.as_deref().unwrap_or("(unnamed)"),
            p.agencies.join(", "),
            p.focus
                .iter()
                .map(|f| f.as_str())
                .collect::<Vec<_>>()
                .join(", "),
            or_dash(p.date),
            p.evidence
        );
    }
    o
}
