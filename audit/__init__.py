"""The audit trail. Write to it with ``audit.record(...)``; ``audit.latest_checkpoint()`` is the
newest signed anchor of the chain (seq, hash, at, signature), for printing in reports."""


def record(*args, **kwargs):
    # Imported late: this package is imported while apps load, before models are ready.
    from .trail import record as _record

    return _record(*args, **kwargs)


def latest_checkpoint(**kwargs):
    from .checkpoints import latest_checkpoint as _latest_checkpoint

    return _latest_checkpoint(**kwargs)
