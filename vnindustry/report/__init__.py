"""`vnindustry report`: one self-contained HTML page of the marts (charts, freshness, review queue)."""
