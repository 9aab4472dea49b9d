select
    code as division_key,
    section as sector_key,
    name_vi as division_name_vi,
    name_en as division_name_en
from {{ ref('vsic_divisions') }}
