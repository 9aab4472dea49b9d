# The pipeline image: ingest workers and the transform worker (docker-compose.yml), or a Prefect
# worker for the deployments in prefect.yaml.
FROM python:3.11-slim
ENV PYTHONUNBUFFERED=1 PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY vnindustry ./vnindustry
COPY producers ./producers
COPY flows ./flows
RUN pip install --no-cache-dir -c constraints.txt -e . \
 && python -c "import duckdb; from flows.lake import install_extensions; install_extensions(duckdb.connect())"
COPY dbt ./dbt
COPY seeds ./seeds
COPY prefect.yaml ./
ENV VNINDUSTRY_DATA_DIR=/data
VOLUME ["/data"]
CMD ["prefect", "worker", "start", "--pool", "vnindustry"]
