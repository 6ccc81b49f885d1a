# One image for web, worker and beat; the command differs per service (docker-compose.yml).
FROM python:3.11-slim-bookworm

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
# A Chinese TrueType font the PDF briefings embed (shortlists/pdf_fonts.py).
RUN apt-get update \
    && apt-get install -y --no-install-recommends fonts-wqy-microhei \
    && rm -rf /var/lib/apt/lists/*
RUN useradd --create-home --uid 1000 xuanshang
# The shared World store (WORLD_STORE_DIR, a named volume in docker-compose.yml): a new volume
# takes this directory's owner, so the app user can write it.
RUN mkdir -p /var/lib/xuanshang/worlds && chown -R xuanshang /var/lib/xuanshang
# Exactly the versions (and hashes) in the lock file, as CI tested them.
COPY requirements.txt ./
RUN pip install --require-hashes --no-deps -r requirements.txt
COPY . .
# Hashed, compressed static files for WhiteNoise, built with the production settings (DEBUG off;
# a throwaway key only for this step, never part of the image's environment).
RUN DEBUG=0 SECRET_KEY=collectstatic-only python manage.py collectstatic --noinput
USER xuanshang
EXPOSE 8000
CMD ["gunicorn", "screening.config.wsgi:application", "--bind", "0.0.0.0:8000", "--workers", "3"]
