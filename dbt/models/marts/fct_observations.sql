-- One row per fact, with the provenance to trace it to its words and re-parse it.
-- Incremental: a build replaces the rows of articles added or re-read since the last build.
{{ config(materialized='incremental', incremental_strategy='append', pre_hook="{{ delete_changed_articles() }}") }}

with located as (
    select * from {{ ref('int_observations__located') }}
    {% if is_incremental_build() %}
    where article_id in ({{ changed_articles() }})
    {% endif %}
),

articles as (
    select * from {{ ref('stg_ingest__articles') }}
)

select
    located.observation_id,
    located.article_id,
    located.province_key,
    located.province_list,
    located.geo_code,
    located.geo_name,
    located.province_name,
    located.region,
    located.province_2025_key,
    located.province_2025_code,
    located.province_2025_name,
    located.period_key,
    located.period_start,
    located.period_end,
    located.period_start_date,
    located.period_end_date,
    located.period_year,
    located.months_covered,
    located.sector,
    located.sector_name_en,
    located.sector_name_vi,
    located.division,
    located.division_name_en,
    located.division_name_vi,
    located.product,
    located.metric,
    located.value,
    located.unit,
    located.bound,
    located.change_pct,
    located.change_base,
    located.plan_pct,
    located.status,
    located.price_basis,
    located.evidence,
    located.span_start,
    located.span_end,
    located.parser_version,
    located.attachment,
    articles.title as article_title,
    articles.url as article_url,
    articles.source as article_source,
    articles.published_on as article_published_on,
    located.loaded_at
from located
inner join articles
    on located.article_id = articles.article_id
