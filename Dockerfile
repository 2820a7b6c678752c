# Production image: one image for web (gunicorn), worker and beat.
FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 DUI_VAR_DIR=/var/lib/dui
# Pango and fonts for WeasyPrint (the support plan's PDF/A).
RUN apt-get update \
    && apt-get install -y --no-install-recommends libpango-1.0-0 libpangoft2-1.0-0 fonts-dejavu-core \
    && rm -rf /var/lib/apt/lists/*
WORKDIR /app
# Every runtime dependency of pyproject.toml, at the versions of requirements.lock.
COPY pyproject.toml requirements.lock README.md ./
RUN pip install --no-cache-dir -c requirements.lock .
COPY . .
RUN SECRET_KEY=build-only python manage.py collectstatic --noinput \
    && useradd --system --home /var/lib/dui dui && mkdir -p /var/lib/dui && chown dui /var/lib/dui
USER dui
EXPOSE 8000
CMD ["gunicorn", "dui.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
