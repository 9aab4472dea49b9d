-- Every place a fact can be keyed to: the 63 provinces before July 2025, the 34 after,
-- the whole country, and an explicit unknown member (facts whose article named no province).
-- `province_2025_key` is each place's key in the 34-province list: join or group on it to read
-- a series across the 2025 merger.
with before_2025 as (
    select
        '63-' || code as province_key,
        '63' as province_list,
        code as geo_code,
        name as province_name,
        name_ascii as province_name_ascii,
        kind,
        region,
        '34-' || successor_2025_code as province_2025_key,
        successor_2025_code,
        successor_2025_name,
        null as merged_codes
    from {{ ref('provinces') }}
),

from_2025 as (
    select
        '34-' || p.code as province_key,
        '34' as province_list,
        p.code as geo_code,
        p.name as province_name,
        p.name_ascii as province_name_ascii,
        p.kind,
        null as region,
        '34-' || p.code as province_2025_key,
        p.code as successor_2025_code,
        p.name as successor_2025_name,
        p.merged_codes
    from {{ ref('provinces_2025') }} as p
),

members as (
    select 'VN', 'national', 'VN', 'Việt Nam', 'Viet Nam', 'country', null, 'VN', 'VN', 'Việt Nam', null
    union all
    select '-1', 'unknown', null, 'Không xác định', 'Unknown', 'unknown', null, '-1', null, null, null
)

select * from before_2025
union all
select * from from_2025
union all
select * from members
