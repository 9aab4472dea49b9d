-- Each fact with its place key in the province list in force for its period, its place in the
-- 34-province list (so series read across the 2025 merger), and its period key.
with observations as (
    select * from {{ ref('stg_ingest__observations') }}
),

provinces as (
    select * from {{ ref('provinces') }}
)

select
    observations.*,
    case
        when observations.geo_code is null then 'unknown'
        when observations.geo_code = 'VN' then 'national'
        when observations.period_end > '2025-06' then '34'
        else '63'
    end as province_list,
    {{ province_key('observations.geo_code', 'observations.period_end') }} as province_key,
    case
        when observations.geo_code = 'VN' then 'VN'
        when observations.period_end > '2025-06' then observations.geo_code
        else provinces.successor_2025_code
    end as province_2025_code,
    observations.period_start || '..' || observations.period_end as period_key,
    cast(left(observations.period_start, 4) as integer) as period_year,
    date_diff('month', observations.period_start_month, observations.period_end_month) + 1 as months_covered
from observations
left join provinces
    on observations.geo_code = provinces.code
    and observations.period_end <= '2025-06'
