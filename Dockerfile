# One Samskapa server process; run several behind a load balancer (docker-compose.yml).
FROM python:3.11-slim

WORKDIR /app
COPY pyproject.toml README.md ./
COPY backend backend
COPY frontend frontend
COPY alembic alembic
RUN pip install --no-cache-dir . && useradd --system --uid 10001 samskapa
USER samskapa

ENV SAMSKAPA_HOST=0.0.0.0 \
    SAMSKAPA_PORT=8000 \
    SAMSKAPA_DEMO=false
EXPOSE 8000
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD python -c "import urllib.request,sys; sys.exit(urllib.request.urlopen('http://127.0.0.1:8000/health').status != 200)"
CMD ["samskapa", "serve"]
