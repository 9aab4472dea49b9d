{#- Whether figure `a` states the same as figure `b` (two relations with value, unit, bound,
    change_pct, change_base, price_basis): true when every number both state matches within
    the tolerances (looser when either is approximate: hơn, khoảng, gần), false when one does
    not, null when they state nothing comparable (no common number, other units or price bases). -#}
{% macro figures_agree(a, b) -%}
    {%- set values_comparable -%}
        ({{ a }}.value is not null and {{ b }}.value is not null and {{ a }}.unit is not distinct from {{ b }}.unit
         and ({{ a }}.price_basis is null or {{ b }}.price_basis is null or {{ a }}.price_basis = {{ b }}.price_basis))
    {%- endset -%}
    {%- set changes_comparable -%}
        ({{ a }}.change_pct is not null and {{ b }}.change_pct is not null
         and coalesce({{ a }}.change_base = 'previous_period', false) = coalesce({{ b }}.change_base = 'previous_period', false))
    {%- endset -%}
    {%- set values_match -%}
        (abs({{ a }}.value - {{ b }}.value) <= greatest(abs({{ a }}.value), abs({{ b }}.value))
            * case when {{ a }}.bound is null and {{ b }}.bound is null
                   then {{ var('agreement_value_tolerance') }} else {{ var('agreement_approximate_tolerance') }} end)
    {%- endset -%}
    {%- set changes_match -%}
        (abs({{ a }}.change_pct - {{ b }}.change_pct) <= {{ var('agreement_change_tolerance_pp') }})
    {%- endset -%}
    case
        when not {{ values_comparable }} and not {{ changes_comparable }} then null
        when {{ values_comparable }} and not {{ values_match }} then false
        when {{ changes_comparable }} and not {{ changes_match }} then false
        else true
    end
{%- endmacro %}
