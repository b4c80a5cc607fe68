#!/bin/sh
# The container's entry point (docker/README in the project README, "Deploying 部署").
#   gunicorn …   (the image's CMD) migrate the database, collect static files, optionally load seeds/
#                (KFQ_LOAD_SEEDS=1), then replace this shell with gunicorn (it gets the signals).
#   anything else: a management command, e.g. `docker run IMAGE ingest /app/seeds` or `… createsuperuser`.
set -eu
cd "$(dirname "$0")/.."

if [ "${1:-}" != "gunicorn" ]; then
    exec python manage.py "$@"
fi

python manage.py migrate --noinput
python manage.py collectstatic --noinput --verbosity 0
if [ "${KFQ_LOAD_SEEDS:-0}" = "1" ]; then
    # Loading the same files again changes nothing (each page is known by its checksum).
    python manage.py ingest seeds/
fi
exec "$@"
