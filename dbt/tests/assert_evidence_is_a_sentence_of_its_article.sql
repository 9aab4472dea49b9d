-- Provenance holds: every fact's span slices its evidence out of the article body as received.
select o.observation_id
from {{ source('ingest', 'observations') }} as o
inner join {{ source('ingest', 'raw_articles') }} as a using (article_id)
where substr(a.body, o.span_start + 1, o.span_end - o.span_start) <> o.evidence
