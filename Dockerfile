FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    KFQ_DATA_DIR=/data

WORKDIR /app
# Installed in place (editable) because templates/, static/ and seeds/ live beside the packages.
COPY pyproject.toml README.md manage.py ./
COPY kfq_archive kfq_archive
COPY articles articles
COPY templates templates
COPY static static
COPY seeds seeds
COPY docker/entrypoint.sh /usr/local/bin/kfq-entrypoint
RUN pip install --no-cache-dir -e '.[elasticsearch]' \
    && useradd --create-home --uid 1000 kfq \
    && mkdir /data && chown kfq:kfq /data

USER kfq
VOLUME /data
EXPOSE 8000
ENTRYPOINT ["kfq-entrypoint"]
