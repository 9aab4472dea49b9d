{#- Reading the lake on a snapshot, and what changed since the last build. -#}

{#- A loader table, pinned to the build's snapshot (var `snapshot`) or to the one given. -#}
{% macro ingest_source(name, at=none) -%}
    {%- set version = at if at is not none else var('snapshot', none) -%}
    {{ source('ingest', name) }}{% if version is not none %} AT (VERSION => {{ version | int }}){% endif %}
{%- endmacro %}

{#- An incremental build runs when the flow passes `since` (the snapshot the last build read). -#}
{% macro is_incremental_build() -%}
    {{ return(is_incremental() and var('since', none) is not none and var('snapshot', none) is not none) }}
{%- endmacro %}

{#- Articles added or re-read (reparse updates their row) after snapshot `since`, up to `snapshot`. -#}
{% macro changed_articles() -%}
    select distinct article_id
    from ducklake_table_changes('{{ target.database }}', 'ingest', 'raw_articles', {{ var('since') | int + 1 }}, {{ var('snapshot') | int }})
{%- endmacro %}

{#- Before an incremental build of a per-article mart: drop the rows of changed articles. -#}
{% macro delete_changed_articles() -%}
    {% if is_incremental_build() %}
        delete from {{ this }} where article_id in ({{ changed_articles() }})
    {% endif %}
{%- endmacro %}

{#- The place key of a fact: the province list in force for its period (34 after June 2025). -#}
{% macro province_key(geo_code, period_end) -%}
    case
        when {{ geo_code }} is null then '-1'
        when {{ geo_code }} = 'VN' then 'VN'
        when {{ period_end }} > '2025-06' then '34-' || {{ geo_code }}
        else '63-' || {{ geo_code }}
    end
{%- endmacro %}

{#- Province x year keys touched by changed articles, before (at `since`) and after (at `snapshot`). -#}
{% macro affected_province_years() -%}
    select distinct {{ province_key('o.geo_code', 'o.period_end') }} || '|' || left(o.period_start, 4) as province_year
    from (
        select article_id, geo_code, period_start, period_end from {{ ingest_source('observations') }}
        union all
        select article_id, geo_code, period_start, period_end from {{ ingest_source('observations', at=var('since')) }}
    ) as o
    where o.article_id in ({{ changed_articles() }})
{%- endmacro %}

{#- Before an incremental build of a province x year mart: drop the province-years changed articles touch. -#}
{% macro delete_affected_province_years() -%}
    {% if is_incremental_build() %}
        delete from {{ this }} where province_key || '|' || year in ({{ affected_province_years() }})
    {% endif %}
{%- endmacro %}

{#- A filter on candidates: in an incremental build, only the province-years changed articles touch. -#}
{% macro in_affected_province_years() -%}
    {% if is_incremental_build() %}province_key || '|' || period_year in ({{ affected_province_years() }}){% else %}true{% endif %}
{%- endmacro %}
