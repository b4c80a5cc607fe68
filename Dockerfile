# kfq-archive: gunicorn serving the archive, everything it writes in the /data volume.
#   docker build -t kfq-archive .
#   docker run -p 8000:8000 -v kfq-data:/data -e DJANGO_ALLOWED_HOSTS=kfq.example.org kfq-archive
#   docker run -v kfq-data:/data kfq-archive ingest /app/seeds      (any manage.py command)
# Not built on the machine this was written on (no Docker engine there); tests/test_docker.py checks
# this file and runs docker/entrypoint.sh and docker/healthcheck.py outside a container.

# --- build: the pinned dependencies from pyproject.toml (with the opensearch extra, for KFQ_SEARCH_ENGINE),
#     in a virtualenv copied to the final image ---
FROM python:3.11-slim AS build
ENV PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
WORKDIR /src
COPY pyproject.toml ./
RUN python -m venv /opt/venv \
    && python -c "import tomllib; p = tomllib.load(open('pyproject.toml', 'rb'))['project']; \
print('\n'.join(p['dependencies'] + p['optional-dependencies']['opensearch']))" > requirements.txt \
    && /opt/venv/bin/pip install -r requirements.txt

# --- runtime: the virtualenv and the source, run as an unprivileged user ---
FROM python:3.11-slim AS runtime
ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PATH=/opt/venv/bin:$PATH \
    PYTHONPATH=/app \
    KFQ_DATA_DIR=/data \
    WEB_CONCURRENCY=2 \
    PORT=8000
RUN useradd --create-home --uid 1000 --user-group kfq \
    && mkdir /data \
    && chown kfq:kfq /data
COPY --from=build /opt/venv /opt/venv
# Run from the source folder (not installed): settings find templates/, static/ and seeds/ beside it.
WORKDIR /app
COPY manage.py pyproject.toml ./
COPY kfq_archive kfq_archive
COPY articles articles
COPY templates templates
COPY static static
COPY seeds seeds
COPY docker docker
USER kfq
VOLUME ["/data"]
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
    CMD ["python", "/app/docker/healthcheck.py"]
ENTRYPOINT ["sh", "/app/docker/entrypoint.sh"]
CMD ["gunicorn", "kfq_archive.wsgi", "-c", "python:kfq_archive.gunicorn_settings", "--preload", "--bind", "0.0.0.0:8000"]
