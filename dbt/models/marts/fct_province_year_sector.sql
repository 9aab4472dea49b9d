-- The BI table: one row per province x year x sector x metric x status. When an article gives
-- the full-year figure it is chosen; otherwise the figure covering the most months of the year.
-- Ties go to the most recently published article, then the smallest article and fact id: the
-- choice depends on the facts only, never on when they were loaded.
-- Incremental: a build recomputes only the province-years that changed articles touch (before
-- and after the change), from every candidate of those province-years.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{% if is_incremental_build() %}delete from {{ this }} where province_key || '|' || year in ({{ affected_province_years() }}){% endif %}",
) }}

with candidates as (
    select * from {{ ref('int_observations__sector_aggregates') }}
    {% if is_incremental_build() %}
    where province_key || '|' || period_year in ({{ affected_province_years() }})
    {% endif %}
),

ranked as (
    select
        *,
        count(*) over grain as candidate_count,
        row_number() over (
            grain
            order by is_full_year desc, months_covered desc, (value is not null) desc,
                (change_pct is not null) desc, article_published_on desc nulls last, article_id, observation_id
        ) as rank_in_grain
    from candidates
    window grain as (partition by province_key, period_year, sector, metric, status)
)

select
    province_key,
    province_list,
    geo_code,
    geo_name,
    province_2025_code,
    period_year as year,
    sector,
    metric,
    status,
    value,
    unit,
    bound,
    change_pct,
    change_base,
    plan_pct,
    price_basis,
    period_key,
    months_covered,
    is_full_year,
    candidate_count,
    observation_id,
    article_id
from ranked
where rank_in_grain = 1
