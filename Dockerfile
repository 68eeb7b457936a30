# One Samskapa server process; run several behind a load balancer (docker-compose.yml).
# Alone it runs the embedded default: SQLite on the /data volume.
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
    SAMSKAPA_DEMO=false
VOLUME /data
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["samskapa", "serve"]
