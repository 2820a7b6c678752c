# Production image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DUI_VAR_DIR=/var/lib/dui
WORKDIR /app
COPY pyproject.toml requirements.lock ./
RUN pip install --no-cache-dir -c requirements.lock \
        "Django>=5.2,<5.3" djangorestframework drf-spectacular drf-spectacular-sidecar \
        psycopg2-binary "celery[redis]" redis hl7apy fhir.resources cryptography gunicorn \
        whitenoise dj-database-url
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/dui dui && mkdir -p /var/lib/dui && chown dui /var/lib/dui
USER dui
EXPOSE 8000
CMD ["gunicorn", "dui.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
