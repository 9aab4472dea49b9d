-- Figures a person should look at before trusting them, one row per figure and reason:
--   far_from_province_series   a value per month `series_outlier_factor` times above or below
--                              the median of the same province's years within
--                              `series_window_years` of it (itself included, `series_min_years`
--                              at least), same sector, metric and unit; headline amounts in bn VND
--                              (production value, value added), which grow with the months covered
--   contradicted_by_another_article   another article states a different figure for the same
--                              province, year, sector or product, metric, status and period
--   iip_change_out_of_band     an IIP change outside `iip_change_low_pct`..`iip_change_high_pct`
-- Rebuilt in full by every build (a series check reads every year of a province).
{{ config(materialized='table') }}

with headline as (
    select * from {{ ref('fct_province_year_sector') }}
    where is_headline and value is not null and unit = 'bn_vnd'
),

series as (
    select
        headline.observation_id,
        headline.value / headline.months_covered as value_per_month,
        median(other.value / other.months_covered) as median_per_month,
        count(*) as years
    from headline
    inner join headline as other
        on other.province_key = headline.province_key
        and other.sector = headline.sector
        and other.metric = headline.metric
        and other.unit = headline.unit
        and abs(other.year - headline.year) <= {{ var('series_window_years') }}
    group by all
),

far_from_series as (
    select
        'far_from_province_series' as check_name,
        observation_id,
        cast(null as varchar) as compared_observation_id,
        median_per_month as reference_value,
        printf('%.4g per month is %.1fx the median of this province''s %d years around it (%.4g per month)',
               value_per_month, value_per_month / median_per_month, years, median_per_month) as detail
    from series
    where years >= {{ var('series_min_years') }}
        and median_per_month > 0
        and (value_per_month >= median_per_month * {{ var('series_outlier_factor') }}
             or value_per_month * {{ var('series_outlier_factor') }} <= median_per_month)
),

chosen as (
    select observation_id, article_id, province_key, year, period_key, sector, null as product, metric, status,
           value, unit, bound, change_pct, change_base, price_basis
    from {{ ref('fct_province_year_sector') }}
    where has_disagreement
    union all
    select observation_id, article_id, province_key, year, period_key, sector, product, metric, status,
           value, unit, bound, change_pct, change_base, null as price_basis
    from {{ ref('fct_province_year_product') }}
    where has_disagreement
),

contradicted as (
    select
        'contradicted_by_another_article' as check_name,
        chosen.observation_id,
        other.observation_id as compared_observation_id,
        coalesce(other.value, other.change_pct) as reference_value,
        printf('article %s states %s%s for the same period', other.article_id,
               coalesce(printf('%.6g %s', other.value, other.unit), ''),
               coalesce(printf(' (%+.4g%%)', other.change_pct), '')) as detail
    from chosen
    inner join {{ ref('int_observations__within_year') }} as other
        on other.province_key = chosen.province_key
        and other.period_year = chosen.year
        and other.period_key = chosen.period_key
        and other.sector is not distinct from chosen.sector
        and other.product is not distinct from chosen.product
        and other.division is null
        and other.metric = chosen.metric
        and other.status = chosen.status
        and other.article_id <> chosen.article_id
    where not {{ figures_agree('other', 'chosen') }}
),

iip_out_of_band as (
    select
        'iip_change_out_of_band' as check_name,
        observation_id,
        cast(null as varchar) as compared_observation_id,
        change_pct as reference_value,
        printf('IIP change %+.4g%% is outside %g%%..%g%%', change_pct,
               cast({{ var('iip_change_low_pct') }} as double), cast({{ var('iip_change_high_pct') }} as double)) as detail
    from {{ ref('fct_observations') }}
    where metric = 'iip'
        and change_pct not between {{ var('iip_change_low_pct') }} and {{ var('iip_change_high_pct') }}
),

flagged as (
    select * from far_from_series
    union all
    select * from contradicted
    union all
    select * from iip_out_of_band
)

select
    flagged.check_name,
    flagged.detail,
    flagged.observation_id,
    flagged.compared_observation_id,
    flagged.reference_value,
    facts.article_id,
    facts.province_key,
    facts.province_name,
    facts.province_2025_key,
    facts.period_year as year,
    facts.period_key,
    facts.sector,
    facts.division,
    facts.product,
    facts.metric,
    facts.status,
    facts.value,
    facts.unit,
    facts.change_pct,
    facts.change_base,
    facts.evidence,
    facts.article_title,
    facts.article_url,
    facts.article_published_on
from flagged
inner join {{ ref('fct_observations') }} as facts using (observation_id)
