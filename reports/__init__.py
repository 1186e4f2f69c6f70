"""Reports: self-contained HTML rectification reports per site and an overview (`inspector report`).

`reports.render.render_reports(session, out_dir, lang)` renders what the database holds;
`reports.cli.report` is the click command; `reports.i18n` holds every reader-facing text.
"""
