//! The async entry points the API and CLI call: read the store, then compute off the async
//! runtime (see `compute`). Rows are re-read whenever the data version changed, so answers
//! are never stale, and shared between calls while it has not.

use cdmo_store::Store;
use cdmo_store::analytics_rows::{AnalyticsRows, current_analytics_rows};

use crate::capacity::{self, CapacityAddition, CapacityFilter, CapacityGroupBy};
use crate::compute::off_runtime;
use crate::error::AnalyticsError;
use crate::frames::Frames;
use crate::licensing::{self, LicenseGroupBy};
use crate::partners::{self, PartnerCandidate, PartnerNeed};
use crate::partnerships::{self, AgreementGroupBy, Connectedness, CrossBorder};
use crate::period::Period;
use crate::regions::{self, RegionalSummary};
use crate::series::{SeriesPoint, TrendFilter};

fn check_country(c: Option<&str>) -> Result<(), AnalyticsError> {
    match c {
        Some(c) if c.parse::<cdmo_store::Country>().is_err() => {
            Err(AnalyticsError::InvalidArgument(format!(
                "`{c}` is not an ISO 3166-1 alpha-2 country code"
            )))
        }
        _ => Ok(()),
    }
}

async fn with_frames<T, F>(store: &Store, f: F) -> Result<T, AnalyticsError>
where
    F: FnOnce(&Frames, &AnalyticsRows) -> Result<T, AnalyticsError> + Send + 'static,
    T: Send + 'static,
{
    let rows = current_analytics_rows(store).await?;
    off_runtime(move || {
        let frames = Frames::from_rows(&rows)?;
        f(&frames, &rows)
    })
    .await
}

/// Licences per period; see [`licensing::license_trend`].
pub async fn license_trend(
    store: &Store,
    period: Period,
    group_by: Option<LicenseGroupBy>,
    filter: TrendFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    check_country(filter.country.as_deref())?;
    with_frames(store, move |f, _| {
        licensing::license_trend(f, period, group_by, &filter)
    })
    .await
}

/// New entrants per year; see [`licensing::new_entrants`].
pub async fn new_entrants(
    store: &Store,
    by_country: bool,
    filter: TrendFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    check_country(filter.country.as_deref())?;
    with_frames(store, move |f, _| {
        licensing::new_entrants(f, by_country, &filter)
    })
    .await
}

/// Capacity per period; see [`capacity::capacity_trend`].
pub async fn capacity_trend(
    store: &Store,
    period: Period,
    group_by: Option<CapacityGroupBy>,
    filter: CapacityFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    check_country(filter.common.country.as_deref())?;
    with_frames(store, move |f, _| {
        capacity::capacity_trend(f, period, group_by, &filter)
    })
    .await
}

/// The largest capacities; see [`capacity::largest_additions`].
pub async fn largest_capacity_additions(
    store: &Store,
    filter: CapacityFilter,
    limit: usize,
) -> Result<Vec<CapacityAddition>, AnalyticsError> {
    check_country(filter.common.country.as_deref())?;
    with_frames(store, move |f, r| {
        capacity::largest_additions(f, r, &filter, limit)
    })
    .await
}

/// Agreements per period; see [`partnerships::agreement_trend`].
pub async fn agreement_trend(
    store: &Store,
    period: Period,
    group_by: Option<AgreementGroupBy>,
    filter: TrendFilter,
) -> Result<Vec<SeriesPoint>, AnalyticsError> {
    check_country(filter.country.as_deref())?;
    with_frames(store, move |f, _| {
        partnerships::agreement_trend(f, period, group_by, &filter)
    })
    .await
}

/// Cross-border share; see [`partnerships::cross_border`].
pub async fn cross_border_agreements(
    store: &Store,
    filter: TrendFilter,
) -> Result<CrossBorder, AnalyticsError> {
    check_country(filter.country.as_deref())?;
    let rows = current_analytics_rows(store).await?;
    Ok(partnerships::cross_border(&rows, &filter))
}

/// Most-connected organizations; see [`partnerships::most_connected`].
pub async fn most_connected(
    store: &Store,
    limit: usize,
) -> Result<Vec<Connectedness>, AnalyticsError> {
    let rows = current_analytics_rows(store).await?;
    Ok(partnerships::most_connected(&rows, limit))
}

/// One place's summary; see [`regions::regional_summary`].
pub async fn regional_summary(
    store: &Store,
    country: &str,
    region: Option<&str>,
) -> Result<Option<RegionalSummary>, AnalyticsError> {
    check_country(Some(country))?;
    let rows = current_analytics_rows(store).await?;
    Ok(regions::regional_summary(&rows, country, region))
}

/// Every place's summary; see [`regions::regional_summaries`].
pub async fn regional_summaries(store: &Store) -> Result<Vec<RegionalSummary>, AnalyticsError> {
    let rows = current_analytics_rows(store).await?;
    Ok(regions::regional_summaries(&rows))
}

/// Ranked partner candidates; see [`partners::rank_partners`].
pub async fn rank_partners(
    store: &Store,
    need: PartnerNeed,
) -> Result<Vec<PartnerCandidate>, AnalyticsError> {
    for c in &need.countries {
        check_country(Some(c))?;
    }
    let rows = current_analytics_rows(store).await?;
    // Scoring every organization takes long on a large graph: keep it off the server's
    // async workers so other requests are answered meanwhile.
    off_runtime(move || partners::rank_partners(&rows, &need)).await
}
