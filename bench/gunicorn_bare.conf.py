"""An empty gunicorn configuration: `make bench` measures the app with gunicorn's defaults and the
command line's options, not the deployment's settings in ./gunicorn.conf.py (which gunicorn reads
from the working directory when no configuration is named)."""
