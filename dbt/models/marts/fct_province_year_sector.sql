-- The BI table: one row per province x year x sector x metric x status (macro choose_figures).
-- When an article gives the full-year figure it is chosen; otherwise the figure covering the
-- most months of the year. Ties go to the most recently published article, then the smallest
-- article and fact id: the choice depends on the facts only, never on when they were loaded.
-- Each row says how many articles state the same figure for the same period and how many state
-- another one, and whether it is the headline figure of its province x year x sector x metric
-- (the most complete, then most final, of actual and estimate).
-- Incremental: a build recomputes only the province-years that changed articles touch (before
-- and after the change), from every candidate of those province-years.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_affected_province_years() }}",
) }}

with candidates as (
    select * from {{ ref('int_observations__within_year') }}
    where product is null and division is null and sector is not null
        and {{ in_affected_province_years() }}
),

{{ choose_figures('candidates', ['sector']) }}

select
    figures.province_key,
    figures.province_list,
    figures.geo_code,
    figures.geo_name,
    figures.province_name,
    figures.region,
    figures.province_2025_key,
    figures.province_2025_code,
    figures.province_2025_name,
    figures.period_year as year,
    figures.sector,
    figures.sector_name_en,
    figures.sector_name_vi,
    figures.metric,
    figures.status,
    figures.value,
    figures.unit,
    figures.bound,
    figures.change_pct,
    figures.change_base,
    figures.plan_pct,
    figures.price_basis,
    figures.period_key,
    figures.period_start_date,
    figures.period_end_date,
    figures.months_covered,
    figures.is_full_year,
    figures.is_headline,
    figures.candidate_count,
    figures.agreeing_article_count,
    figures.disagreeing_article_count,
    figures.has_disagreement,
    figures.observation_id,
    figures.article_id,
    figures.article_published_on
from figures
