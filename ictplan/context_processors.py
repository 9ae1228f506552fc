from ictplan.staticfinders import PLOTLY_JS


def assets(request):
    """Return the static path of the plotly.js bundle the installed plotly ships."""
    return {"plotly_js": PLOTLY_JS}
