# One Samskapa server process; run several behind a load balancer (docker-compose.yml).
# Alone it runs the embedded default: SQLite on the /data volume.
# Settings come from SAMSKAPA_* variables or from files in /run/secrets named like
# them (samskapa_secret, samskapa_database_url: Docker and Kubernetes secrets);
# `samskapa serve` checks them, the database and the broker before it starts, and
# stops with one line per problem (`docker run … samskapa check` checks only).
FROM python:3.11-slim

WORKDIR /app
# The locked dependencies first, in their own layer: a change to the code reuses it.
COPY requirements/runtime.txt requirements/runtime.txt
RUN pip install --no-cache-dir --require-hashes -r requirements/runtime.txt
COPY pyproject.toml README.md ./
COPY backend backend
COPY frontend frontend
COPY alembic alembic
RUN pip install --no-cache-dir --no-deps --no-build-isolation . \
 && useradd --system --uid 10001 samskapa \
 && mkdir -p /data && chown samskapa /data
USER samskapa

ENV SAMSKAPA_HOST=0.0.0.0 \
    SAMSKAPA_PORT=8000 \
    SAMSKAPA_DATA_DIR=/data \
    SAMSKAPA_SECRETS_DIR=/run/secrets \
    SAMSKAPA_DEMO=false
VOLUME /data
EXPOSE 8000
# Alive, not ready: restarting a process because its database is away helps nobody.
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/livez', timeout=3)"
CMD ["samskapa", "serve"]
