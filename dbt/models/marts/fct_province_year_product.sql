-- Product output and inventory, one row per province x year x product x metric x status, chosen
-- among the articles' figures as fct_province_year_sector chooses (macro choose_figures), so
-- sums over headline rows count each product once.
-- Incremental: a build recomputes only the province-years that changed articles touch.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    pre_hook="{{ delete_affected_province_years() }}",
) }}

with candidates as (
    select * from {{ ref('int_observations__within_year') }}
    where product is not null
        and {{ in_affected_province_years() }}
),

{{ choose_figures('candidates', ['product']) }}

select
    province_key,
    province_list,
    geo_code,
    province_name,
    region,
    province_2025_key,
    province_2025_code,
    province_2025_name,
    period_year as year,
    product,
    sector,
    sector_name_en,
    metric,
    status,
    value,
    unit,
    bound,
    change_pct,
    change_base,
    period_key,
    period_start_date,
    period_end_date,
    months_covered,
    is_full_year,
    is_headline,
    candidate_count,
    agreeing_article_count,
    disagreeing_article_count,
    has_disagreement,
    observation_id,
    article_id,
    article_published_on
from figures
