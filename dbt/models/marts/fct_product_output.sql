-- Product figures (sản lượng, tồn kho) by place and period.
select
    observation_id,
    article_id,
    province_key,
    province_list,
    geo_code,
    geo_name,
    province_2025_code,
    period_key,
    period_start,
    period_end,
    period_year,
    months_covered,
    product,
    sector,
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
