"""The import and export of a corps' records in the format of CONTRACT.md section 3: an .xlsx
workbook or a folder of CSV files with the sheets volunteers, citizens, referrals, matches, meetings
and followups (docs/import.md). :mod:`core.transfer.services` holds the import and the export, the
command line has ``mentorkorps import`` and ``mentorkorps export``, and a coordinator has a page."""
