{#- The choice of one figure per province x year x `grain` x metric x status among `candidates`
    (a CTE of int_ candidates), as CTEs ending in `figures`: the chosen candidate's columns plus
    candidate_count, agreeing_article_count, disagreeing_article_count, has_disagreement and
    is_headline (glossary: figure_choice, agreeing_article_count, is_headline). -#}
{% macro choose_figures(candidates, grain) -%}
{%- set key = ['province_key', 'period_year'] + grain + ['metric', 'status'] -%}
ranked as (
    select
        *,
        count(*) over grain as candidate_count,
        row_number() over (
            grain
            order by is_full_year desc, months_covered desc, (value is not null) desc,
                (change_pct is not null) desc, article_published_on desc nulls last, article_id, observation_id
        ) as rank_in_grain
    from {{ candidates }}
    window grain as (partition by {{ key | join(', ') }})
),

chosen as (
    select * from ranked where rank_in_grain = 1
),

-- every figure for the same key and the same period, compared on what both state
compared as (
    select
        chosen.observation_id,
        chosen.article_id as chosen_article_id,
        other.article_id,
        {{ figures_agree('other', 'chosen') }} as agrees
    from chosen
    inner join ranked as other
        on other.period_key = chosen.period_key
        {%- for column in key %}
        and other.{{ column }} = chosen.{{ column }}
        {%- endfor %}
),

agreement as (
    select
        observation_id,
        count(distinct article_id) filter (where agrees) as agreeing_article_count,
        count(distinct article_id) filter (where not agrees and article_id <> chosen_article_id) as disagreeing_article_count
    from compared
    group by observation_id
),

headlines as (
    select
        observation_id,
        row_number() over (
            partition by province_key, period_year, {{ grain | join(', ') }}, metric
            order by is_full_year desc, months_covered desc, status = 'actual' desc
        ) = 1 as is_headline
    from chosen
    where status <> 'target'
),

figures as (
    select
        chosen.*,
        coalesce(headlines.is_headline, false) as is_headline,
        coalesce(agreement.agreeing_article_count, 1) as agreeing_article_count,
        coalesce(agreement.disagreeing_article_count, 0) as disagreeing_article_count,
        coalesce(agreement.disagreeing_article_count, 0) > 0 as has_disagreement
    from chosen
    left join agreement using (observation_id)
    left join headlines using (observation_id)
)
{%- endmacro %}
