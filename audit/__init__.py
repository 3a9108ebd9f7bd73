"""The audit trail. Write to it with ``audit.record(...)``."""


def record(*args, **kwargs):
    # Imported late: this package is imported while apps load, before models are ready.
    from .trail import record as _record

    return _record(*args, **kwargs)
