# ActionDay production image: gunicorn, Celery worker and beat all run from it.
FROM python:3.12-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 \
    ACTIONDAY_ENV=production ACTIONDAY_DATA_DIR=/data FILES_ROOT=/data/files

# DejaVu renders every EU language and Cyrillic in the PDF reports.
RUN apt-get update && apt-get install -y --no-install-recommends fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --create-home --home-dir /app actionday \
    && mkdir -p /data/files /data/audit && chown -R actionday /data
# The capture worker's image (docker-compose.yml, capture-worker) also holds Debian's Chromium, which
# the capture engine drives through Playwright (capture/engine.py); the other services do without.
ARG WITH_CHROMIUM=0
RUN if [ "$WITH_CHROMIUM" = "1" ]; then \
        apt-get update && apt-get install -y --no-install-recommends chromium fonts-noto-core \
        && rm -rf /var/lib/apt/lists/*; \
    fi

WORKDIR /app
COPY pyproject.toml .python-version ./
RUN pip install --no-cache-dir . && rm -rf build *.egg-info
COPY --chown=actionday . .
# collectstatic needs settings that load; the real secret comes from the environment at run time.
RUN SECRET_KEY=build-only-build-only-build-only-build DATABASE_URL=postgres://build@localhost/build \
    REDIS_URL=redis://localhost:6379/0 AUDIT_CHECKPOINT_VERIFY_KEYS=build-only python manage.py collectstatic --no-input

USER actionday
EXPOSE 8000
CMD ["gunicorn", "config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3", "--access-logfile", "-"]
