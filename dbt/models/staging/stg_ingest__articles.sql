select
    article_id,
    title,
    source,
    url,
    try_cast(left(published_at, 10) as date) as published_on,
    try_cast(ingested_at as timestamptz) as ingested_at,
    loaded_at,
    topic,
    "partition" as kafka_partition,
    "offset" as kafka_offset,
    parser_version,
    length(body) as body_chars
from {{ ingest_source('raw_articles') }}
