-- The BI table: one row per province x year x sector x metric x status. When an article gives
-- the full-year figure it is chosen; otherwise the figure covering the most months of the year.
-- Ties go to the most recently published article, then the smallest article and fact id: the
-- choice depends on the facts only, never on when they were loaded.
-- Each row says how many articles state the same figure for the same period and how many state
-- another one (see the `agreement` doc), and whether it is the headline figure of its
-- province x year x sector x metric (the most complete, then most final, of actual and estimate).
-- Incremental: a build recomputes only the province-years that changed articles touch (before
-- and after the change), from every candidate of those province-years.
{{ config(
    materialized='incremental',
    incremental_strategy='append',
    on_schema_change='fail',
    pre_hook="{% if is_incremental_build() %}delete from {{ this }} where province_key || '|' || year in ({{ affected_province_years() }}){% endif %}",
) }}

with candidates as (
    select * from {{ ref('int_observations__sector_aggregates') }}
    {% if is_incremental_build() %}
    where province_key || '|' || period_year in ({{ affected_province_years() }})
    {% endif %}
),

ranked as (
    select
        *,
        count(*) over grain as candidate_count,
        row_number() over (
            grain
            order by is_full_year desc, months_covered desc, (value is not null) desc,
                (change_pct is not null) desc, article_published_on desc nulls last, article_id, observation_id
        ) as rank_in_grain
    from candidates
    window grain as (partition by province_key, period_year, sector, metric, status)
),

chosen as (
    select * from ranked where rank_in_grain = 1
),

-- every other figure for the same grain and the same period, compared on what both state
compared as (
    select
        chosen.observation_id,
        other.article_id,
        {{ figures_agree('other', 'chosen') }} as agrees
    from chosen
    inner join ranked as other
        on other.province_key = chosen.province_key
        and other.period_year = chosen.period_year
        and other.sector = chosen.sector
        and other.metric = chosen.metric
        and other.status = chosen.status
        and other.period_key = chosen.period_key
),

agreement as (
    select
        compared.observation_id,
        count(distinct compared.article_id) filter (where compared.agrees) as agreeing_article_count,
        count(distinct compared.article_id) filter (
            where not compared.agrees and compared.article_id <> chosen.article_id
        ) as disagreeing_article_count
    from compared
    inner join chosen using (observation_id)
    group by compared.observation_id
),

headlines as (
    select
        observation_id,
        row_number() over (
            partition by province_key, period_year, sector, metric
            order by is_full_year desc, months_covered desc, status = 'actual' desc
        ) = 1 as is_headline
    from chosen
    where status <> 'target'
)

select
    chosen.province_key,
    chosen.province_list,
    chosen.geo_code,
    chosen.geo_name,
    chosen.province_name,
    chosen.region,
    chosen.province_2025_key,
    chosen.province_2025_code,
    chosen.province_2025_name,
    chosen.period_year as year,
    chosen.sector,
    chosen.sector_name_en,
    chosen.sector_name_vi,
    chosen.metric,
    chosen.status,
    chosen.value,
    chosen.unit,
    chosen.bound,
    chosen.change_pct,
    chosen.change_base,
    chosen.plan_pct,
    chosen.price_basis,
    chosen.period_key,
    chosen.period_start_date,
    chosen.period_end_date,
    chosen.months_covered,
    chosen.is_full_year,
    coalesce(headlines.is_headline, false) as is_headline,
    chosen.candidate_count,
    coalesce(agreement.agreeing_article_count, 1) as agreeing_article_count,
    coalesce(agreement.disagreeing_article_count, 0) as disagreeing_article_count,
    coalesce(agreement.disagreeing_article_count, 0) > 0 as has_disagreement,
    chosen.observation_id,
    chosen.article_id,
    chosen.article_published_on
from chosen
left join agreement using (observation_id)
left join headlines using (observation_id)
