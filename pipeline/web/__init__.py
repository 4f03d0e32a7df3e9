"""`jointreport serve`: the agency portal and the editors' page, a thin face over the recipe and the commands.

Focal points open their agency's link, drop a draft per section and get its report card; editors
see the dashboard and every finding, run the build in the background and download the result.
Everything a request may change is decided here by outline ids and draft formats, never by a path
the request names.

app.py gathers the routes: pages.py (the front page, static files), agency.py, editors.py, api.py;
they share state.py's `Portal`, check callers with access.py and raise refusals that refusals.py alone
answers. uploads.py holds the upload rules and the report card, plain.py its words for focal points;
drafts.py the one way a draft arrives, conversions.py the line it waits in (workers, memory budget);
store.py how it is kept, records.py the portal's SQLite records, recovery.py what is set right at start;
guard.py the headers, rate limits and body limits, throttle.py the counting (limits) and quotas;
server.py the uvicorn it runs in (header deadline, connections per client, proxies), logs.py its
redacted log; builds.py the background build.
"""
