-- Product figures (sản lượng, tồn kho) by place and period.
-- Incremental: a build replaces the rows of articles added or re-read since the last build.
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_changed_articles() }}") }}

select
    observation_id,
    article_id,
    province_key,
    province_list,
    geo_code,
    geo_name,
    province_name,
    region,
    province_2025_key,
    province_2025_code,
    province_2025_name,
    period_key,
    period_start,
    period_end,
    period_start_date,
    period_end_date,
    period_year,
    months_covered,
    product,
    sector,
    sector_name_en,
    sector_name_vi,
    metric,
    value,
    unit,
    bound,
    change_pct,
    change_base,
    plan_pct,
    status
from {{ ref('int_observations__located') }}
where product is not null
{% if is_incremental_build() %}
    and article_id in ({{ changed_articles() }})
{% endif %}
