"""One date format across the site (issue 12): `FORMAT_MODULE_PATH` in settings.py points here."""
