"""Store: table rows to Parquet files and one SQLite database, atomically.

Takes the rows of every table (declared in :mod:`pipeline.schema`) for the documents of a
run, held in memory or staged batch by batch as Parquet parts (:mod:`.staging`) and merged
with the stored tables one document at a time (:mod:`.merge`); gives ``extracted/<table>.parquet``, ``extracted/thb.sqlite`` and the derived
exports and ``metadata.json`` for Datasette (:mod:`.datasette`), each written to a temporary file and renamed into place, with other documents'
rows and the review decisions carried over.
"""

from pipeline.lazy import lazy_exports

_EXPORTS = {
    "SQLITE_NAME": ".tables", "parquet_path": ".tables", "read_table": ".tables", "write_tables": ".tables",
    "empty_frame": ".tables", "typed": ".tables", "sql_type": ".tables",
    "staging_folder": ".staging", "stage_rows": ".staging",
    "row_keys": ".keys", "normalise": ".keys", "make_row_key": ".keys",
    "output_lock": ".lock", "OutputInUse": ".lock",
    "METADATA_NAME": ".datasette", "datasette_metadata": ".datasette",
}
__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
