"""WSGI entry point, served by gunicorn through ``accountplan serve``."""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
application = get_wsgi_application()
