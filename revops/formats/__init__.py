"""Date formats for the console (Django admin), which prints datetimes with the locale's
formats: ours add the zone (``T``), so no time on a console page is left unlabelled."""
