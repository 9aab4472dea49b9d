select
    code as sector_key,
    name_vi as sector_name_vi,
    name_en as sector_name_en,
    code in ('B', 'C', 'D', 'E') as is_vsic_section
from {{ ref('sectors') }}
