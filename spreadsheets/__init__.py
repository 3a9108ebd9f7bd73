"""Tables in and out: uploaded CSV/JSON read row by row with line numbers, and CSV written safe for
spreadsheets. No Django models; used by every import and export."""
