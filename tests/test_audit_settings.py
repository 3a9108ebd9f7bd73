"""Production refuses to start without the audit checkpoints' keys, or with the trail chained inline."""

from .test_settings import GOOD_KEY, run_settings


def test_production_refuses_to_start_without_the_audit_checkpoint_keys():
    result = run_settings(
        ACTIONDAY_ENV="production", SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u@h/x", REDIS_URL="redis://h/0"
    )
    assert result.returncode != 0
    assert "AUDIT_CHECKPOINT_VERIFY_KEYS" in result.stderr


def test_production_refuses_to_chain_the_audit_trail_inline():
    result = run_settings(
        ACTIONDAY_ENV="production", SECRET_KEY=GOOD_KEY, DATABASE_URL="postgres://u@h/x", REDIS_URL="redis://h/0",
        AUDIT_CHECKPOINT_VERIFY_KEYS="k" * 44, AUDIT_SEQUENCE_INLINE="true",
    )
    assert result.returncode != 0
    assert "audit_sequencer" in result.stderr
