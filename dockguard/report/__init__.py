"""Renderings of scan results: JSON (the stable format), text for terminals, JUnit XML, HTML."""
