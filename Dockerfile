# Production image: gunicorn web, Celery worker and beat share it (see docker-compose.yml).
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    MEIDU_MODE=production \
    MEIDU_VAR_DIR=/var/lib/meidu

RUN apt-get update && apt-get install -y --no-install-recommends gettext \
    && rm -rf /var/lib/apt/lists/* \
    && useradd --system --home /app --shell /usr/sbin/nologin meidu

WORKDIR /app
COPY pyproject.toml constraints.txt README.md ./
COPY meidu ./meidu
COPY marketplace ./marketplace
COPY incubator ./incubator
COPY magnesium_exchange ./magnesium_exchange
COPY logistics ./logistics
COPY storefront ./storefront
COPY locale ./locale
COPY manage.py ./
RUN pip install --no-cache-dir -c constraints.txt . \
    && mkdir -p /var/lib/meidu/keys \
    && DATABASE_URL=postgresql://build@localhost/build SECRET_KEY=build-only-not-secret-build-only-not-secret \
       python manage.py collectstatic --noinput \
    && chown -R meidu /var/lib/meidu

USER meidu
EXPOSE 8000
CMD ["meidu", "serve", "--host", "0.0.0.0", "--port", "8000"]
