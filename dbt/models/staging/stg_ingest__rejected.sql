select
    topic,
    "partition" as kafka_partition,
    "offset" as kafka_offset,
    message_key,
    phase,
    reason,
    octet_length(payload) as payload_bytes,
    rejected_at
from {{ ingest_source('rejected') }}
