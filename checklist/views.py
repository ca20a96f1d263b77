"""Checklist views: the wizard and the downloadable checklist."""
