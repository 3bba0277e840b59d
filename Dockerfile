# syntax=docker/dockerfile:1
# Tradeloom's image: one image for web (gunicorn), worker and beat (Celery), and a second target with nginx and the
# static files (compose.yaml builds both). Multi-stage: the venv is built from requirements.lock in `build`; the
# final stages copy it, without pip's cache or anything to compile with.
#   docker build -t tradeloom .                     the app
#   docker build --target nginx -t tradeloom-nginx .
ARG PYTHON_IMAGE=python:3.11-slim-bookworm
ARG NGINX_IMAGE=nginx:1.27-bookworm

FROM ${PYTHON_IMAGE} AS build
ENV PIP_DISABLE_PIP_VERSION_CHECK=1 PIP_NO_CACHE_DIR=1 PYTHONDONTWRITEBYTECODE=1
RUN python3 -m venv /opt/venv
COPY requirements.lock /tmp/requirements.lock
RUN /opt/venv/bin/pip install --no-compile -r /tmp/requirements.lock && /opt/venv/bin/pip check
WORKDIR /app
COPY . .
# collectstatic needs the production settings to load, not a database or Redis: placeholders for the build only
RUN DJANGO_SETTINGS_MODULE=config.settings.production DJANGO_SECRET_KEY=collectstatic-only \
    DJANGO_ALLOWED_HOSTS=localhost DATABASE_URL=postgres://build@127.0.0.1:1/build REDIS_URL=redis://127.0.0.1:1/0 \
    DJANGO_STATIC_ROOT=/app/staticfiles /opt/venv/bin/python manage.py collectstatic --noinput --verbosity 0

FROM ${PYTHON_IMAGE} AS app
RUN groupadd --system --gid 10001 tradeloom \
    && useradd --system --uid 10001 --gid tradeloom --home-dir /data --no-create-home --shell /usr/sbin/nologin \
       tradeloom \
    && install -d -o tradeloom -g tradeloom -m 0750 /data /data/media /data/beat /data/metrics \
    && install -d -o tradeloom -g tradeloom -m 0755 /run/tradeloom
COPY --from=build /opt/venv /opt/venv
# the code belongs to root: the processes read it and cannot change it
COPY --from=build /app /app
ENV PATH=/opt/venv/bin:$PATH \
    PYTHONUNBUFFERED=1 \
    PYTHONDONTWRITEBYTECODE=1 \
    HOME=/data \
    DJANGO_SETTINGS_MODULE=config.settings.production \
    DJANGO_STATIC_ROOT=/app/staticfiles \
    DJANGO_MEDIA_ROOT=/data/media \
    CELERY_BEAT_SCHEDULE_FILENAME=/data/beat/celerybeat-schedule \
    PROMETHEUS_MULTIPROC_DIR=/data/metrics \
    GUNICORN_BIND=unix:/run/tradeloom/gunicorn.sock \
    TRADELOOM_MEDIA_ACCEL_REDIRECT_PREFIX=/_protected_media/
WORKDIR /app
USER 10001:10001
VOLUME ["/data/media"]
# liveness of the web process (/health/ on its socket, or host:port in GUNICORN_BIND); compose gives the worker and
# beat their own
HEALTHCHECK --interval=30s --timeout=5s --start-period=40s --retries=3 \
    CMD ["python", "/app/deploy/container/healthcheck.py"]
CMD ["gunicorn", "-c", "config/gunicorn.py", "--no-control-socket"]

FROM ${NGINX_IMAGE} AS nginx
RUN rm -f /etc/nginx/conf.d/default.conf \
    && ln -sf /dev/stdout /var/log/nginx/tradeloom-access.log \
    && ln -sf /dev/stderr /var/log/nginx/tradeloom-error.log \
    && mkdir -p /srv/acme
COPY deploy/nginx/ /etc/tradeloom-nginx/
COPY --from=build /app/staticfiles /srv/static
ENV TL_NGINX_ENV=/etc/tradeloom-nginx/none \
    TL_SERVER_NAME=localhost \
    TL_HTTP_LISTEN="listen 80;" \
    TL_HTTPS_LISTEN="listen 443 ssl http2;" \
    TL_TLS_CERT=/etc/tradeloom/tls/fullchain.pem \
    TL_TLS_KEY=/etc/tradeloom/tls/privkey.pem \
    TL_UPSTREAM_SERVERS="server unix:/run/tradeloom/gunicorn.sock max_fails=3 fail_timeout=5s;" \
    TL_STATIC_ROOT=/srv/static \
    TL_MEDIA_ROOT=/data/media \
    TL_ACME_ROOT=/srv/acme \
    TL_LOG_DIR=/var/log/nginx \
    TL_PROXY_PARAMS=/etc/tradeloom-nginx/tradeloom-proxy.conf
EXPOSE 80 443
HEALTHCHECK --interval=30s --timeout=5s --start-period=10s --retries=3 \
    CMD ["sh", "-c", "curl -sfk -o /dev/null https://127.0.0.1/health/ -H 'Host: localhost' || exit 1"]
CMD ["bash", "-c", "/etc/tradeloom-nginx/render.sh /etc/nginx/conf.d/tradeloom.conf && exec nginx -g 'daemon off;'"]
