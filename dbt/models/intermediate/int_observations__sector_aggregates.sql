-- Candidates for the province x year x sector table: sector-level facts (no product, no
-- division) whose period lies within one calendar year, with their article's publication date.
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
    period_year,
    period_key,
    period_start,
    period_end,
    period_start_date,
    period_end_date,
    months_covered,
    months_covered = 12 as is_full_year,
    sector,
    sector_name_en,
    sector_name_vi,
    metric,
    status,
    value,
    unit,
    bound,
    change_pct,
    change_base,
    plan_pct,
    price_basis,
    articles.published_on as article_published_on
from {{ ref('int_observations__located') }}
inner join {{ ref('stg_ingest__articles') }} as articles using (article_id)
where product is null
    and division is null
    and sector is not null
    and left(period_start, 4) = left(period_end, 4)
