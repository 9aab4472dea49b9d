-- fct_province_year_sector has one row per province x year x sector x metric x status.
select province_key, year, sector, metric, status, count(*) as rows_in_grain
from {{ ref('fct_province_year_sector') }}
group by all
having count(*) > 1
