{#- A plausibility check (severity warn): the review queue's items of one check. -#}
{% test has_no_review_items(model, check) %}
    select check_name, observation_id, detail from {{ model }} where check_name = '{{ check }}'
{% endtest %}
