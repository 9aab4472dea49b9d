# The Prefect worker image: runs the ingest and transform flows (see prefect.yaml).
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY vnindustry ./vnindustry
COPY producers ./producers
COPY flows ./flows
RUN pip install --no-cache-dir -c constraints.txt -e .
COPY dbt ./dbt
COPY seeds ./seeds
COPY prefect.yaml ./
ENV VNINDUSTRY_DATA_DIR=/data
VOLUME ["/data"]
CMD ["prefect", "worker", "start", "--pool", "vnindustry"]
