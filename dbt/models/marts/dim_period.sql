-- Every within-year period (any first..last month) from 2010 to 2035, plus the multi-year
-- periods facts actually use (`giai đoạn 2021-2025`).
with years as (
    select unnest(generate_series(2010, 2035)) as year
),

months as (
    select unnest(generate_series(1, 12)) as month
),

within_year as (
    select
        years.year as first_year,
        years.year as last_year,
        first.month as first_month,
        last.month as last_month
    from years
    cross join months as first
    cross join months as last
    where first.month <= last.month
),

observed as (
    select distinct
        cast(left(period_start, 4) as integer) as first_year,
        cast(left(period_end, 4) as integer) as last_year,
        cast(right(period_start, 2) as integer) as first_month,
        cast(right(period_end, 2) as integer) as last_month
    from {{ ref('stg_ingest__observations') }}
),

periods as (
    select * from within_year
    union
    select * from observed
)

select
    printf('%04d-%02d..%04d-%02d', first_year, first_month, last_year, last_month) as period_key,
    printf('%04d-%02d', first_year, first_month) as period_start,
    printf('%04d-%02d', last_year, last_month) as period_end,
    make_date(first_year, first_month, 1) as period_start_date,
    last_day(make_date(last_year, last_month, 1)) as period_end_date,
    cast(first_year as integer) as year,
    cast(first_month as integer) as first_month,
    cast(last_month as integer) as last_month,
    cast((last_year - first_year) * 12 + last_month - first_month + 1 as integer) as months_covered,
    case
        when first_year <> last_year then 'multi_year'
        when first_month = 1 and last_month = 12 then 'year'
        when first_month = last_month then 'month'
        when last_month - first_month = 2 and first_month in (1, 4, 7, 10) then 'quarter'
        when first_month = 7 and last_month = 12 then 'second_half'
        when first_month = 1 then 'year_to_date'
        else 'other'
    end as period_kind
from periods
