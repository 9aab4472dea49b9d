-- Each fact with its place key in the province list in force for its period, the same place in
-- the 34-province list (so series read across the 2025 merger), the names beside every code,
-- and its period as dates.
with observations as (
    select * from {{ ref('stg_ingest__observations') }}
),

provinces as (
    select * from {{ ref('provinces') }}
),

provinces_2025 as (
    select * from {{ ref('provinces_2025') }}
),

sectors as (
    select * from {{ ref('sectors') }}
),

divisions as (
    select * from {{ ref('vsic_divisions') }}
),

keyed as (
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
        provinces.name as province_63_name,
        provinces.region
    from observations
    left join provinces
        on observations.geo_code = provinces.code
        and observations.period_end <= '2025-06'
)

select
    keyed.*,
    case
        when keyed.province_2025_code is null then '-1'
        when keyed.province_2025_code = 'VN' then 'VN'
        else '34-' || keyed.province_2025_code
    end as province_2025_key,
    case
        when keyed.province_list = 'national' then 'Việt Nam'
        when keyed.province_list = 'unknown' then 'Không xác định'
        when keyed.province_list = '34' then provinces_2025.name
        else keyed.province_63_name
    end as province_name,
    case
        when keyed.province_list = 'national' then 'Việt Nam'
        else provinces_2025.name
    end as province_2025_name,
    keyed.period_start || '..' || keyed.period_end as period_key,
    cast(left(keyed.period_start, 4) as integer) as period_year,
    keyed.period_start_month as period_start_date,
    last_day(keyed.period_end_month) as period_end_date,
    cast(date_diff('month', keyed.period_start_month, keyed.period_end_month) + 1 as integer) as months_covered,
    sectors.name_en as sector_name_en,
    sectors.name_vi as sector_name_vi,
    divisions.name_en as division_name_en,
    divisions.name_vi as division_name_vi
from keyed
left join provinces_2025
    on keyed.province_2025_code = provinces_2025.code
left join sectors
    on keyed.sector = sectors.code
left join divisions
    on keyed.division = divisions.code
