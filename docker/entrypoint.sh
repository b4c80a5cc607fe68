#!/bin/sh
# With arguments: run a management command (docker run IMAGE ingest seeds/).
# Without: prepare the data folder and serve.
set -e
if [ "$#" -gt 0 ]; then
    exec python manage.py "$@"
fi
python manage.py migrate --noinput
python manage.py collectstatic --noinput
exec gunicorn kfq_archive.wsgi --preload --bind 0.0.0.0:8000 --workers "${GUNICORN_WORKERS:-2}"
