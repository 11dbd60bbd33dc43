"""Reports: the core's and each enabled plugin's (the ``mentorkorps_reports`` hook), counted with SQL
aggregates (:mod:`core.reports.rules`), served as JSON, CSV and XLSX through the API and as pages
with a chart and a data table per section (CONTRACT.md section 5)."""
