"""`jointreport serve`: the agency portal and the editors' page, a thin face over the recipe in build.py.

Focal points open their agency's link, drop a draft per section and get its report card; editors
see the dashboard and every finding, run the build in the background and download the result.
Everything a request may change is decided here by outline ids and draft formats, never by a path
the request names.
"""
