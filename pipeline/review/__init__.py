"""Review: extracted rows beside their source, decisions that survive reprocessing, exports.

``decisions`` holds the stable row keys, the ``reviews`` table and the reviewed
tables; ``app`` is the local web app (``thb review``).  Importing this package loads
neither the web stack nor spaCy.
"""

from .decisions import (REVIEW_SPECS, Decision, apply_decisions, export_reviewed, load_decisions,
                        orphaned_decisions, record_decision, reviewable_tables, row_keys)

__all__ = [
    "REVIEW_SPECS", "Decision", "apply_decisions", "create_app", "export_reviewed", "load_decisions", "orphaned_decisions",
    "record_decision", "reviewable_tables", "row_keys", "serve_review",
]


def create_app(*args, **kwargs):
    """The review app (see :func:`pipeline.review.app.create_app`); imports Starlette when called."""
    from .app import create_app as _create_app

    return _create_app(*args, **kwargs)


def serve_review(*args, **kwargs):
    """Serve the review app (see :func:`pipeline.review.app.serve_review`)."""
    from .app import serve_review as _serve_review

    return _serve_review(*args, **kwargs)
