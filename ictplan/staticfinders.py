"""Serve plotly.js from the installed plotly package: no CDN, no copy of 4.8 MB in the repo.

The file is published as `vendor/plotly-<plotly.js version>.min.js`, so collectstatic and
WhiteNoise hash, compress and cache it like any other static file, and a new plotly release
changes the URL. plotly.py and plotly.js stay matched because both come from one package.
"""

from pathlib import Path

import plotly
from django.contrib.staticfiles.finders import BaseFinder
from django.core.files.storage import FileSystemStorage
from plotly.offline import get_plotlyjs_version

PLOTLY_DIR = Path(plotly.__file__).resolve().parent / "package_data"
PLOTLY_JS = f"vendor/plotly-{get_plotlyjs_version()}.min.js"


class PlotlyFinder(BaseFinder):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.storage = FileSystemStorage(location=str(PLOTLY_DIR))
        self.storage.prefix = ""

    def check(self, **kwargs):
        return []

    def find(self, path, find_all=False, **kwargs):
        if path == PLOTLY_JS:
            match = str(PLOTLY_DIR / "plotly.min.js")
            return [match] if find_all else match
        return [] if find_all else None

    def list(self, ignore_patterns):
        yield Path(PLOTLY_JS).name, _RenamedStorage(self.storage)


class _RenamedStorage(FileSystemStorage):
    """Storage that reports plotly.min.js under its published, versioned name."""

    def __init__(self, inner: FileSystemStorage):
        super().__init__(location=inner.location)
        self.prefix = str(Path(PLOTLY_JS).parent)

    def path(self, name):
        return super().path("plotly.min.js" if name == Path(PLOTLY_JS).name else name)
