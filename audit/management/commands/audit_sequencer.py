import logging
import signal

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from audit import checkpoints, sequencer

logger = logging.getLogger("audit.sequencer")


class Command(BaseCommand):
    help = ("Chain the audit events appended since the last pass and sign checkpoints of the chain's head, "
            "until stopped (SIGTERM or Ctrl+C). Run exactly one per installation (a second one only waits).")
    requires_system_checks = []  # as the sequencer role it may read nothing but the trail

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=0.2, help="Seconds between passes when idle.")
        parser.add_argument("--batch", type=int, default=sequencer.BATCH, help="Events chained per pass at most.")
        parser.add_argument("--checkpoint-seconds", type=float, default=settings.AUDIT_CHECKPOINT_SECONDS,
                            help="A checkpoint at least this often while the chain grows.")
        parser.add_argument("--checkpoint-events", type=int, default=10_000,
                            help="...and at least every this many events.")
        parser.add_argument("--once", action="store_true", help="Chain what is waiting, checkpoint, and stop.")

    def handle(self, *args, **options):
        try:
            checkpoints.signing_key()
        except (RuntimeError, ValueError) as error:
            raise CommandError(str(error)) from None
        if checkpoints.key_is_derived():
            logger.warning("no AUDIT_CHECKPOINT_KEY: checkpoints are signed with a key derived from SECRET_KEY "
                           "(development only; such a checkpoint is no evidence)")
        schedule = checkpoints.CheckpointSchedule(seconds=options["checkpoint_seconds"],
                                                  events=options["checkpoint_events"])
        stopping = []
        if options["once"]:
            stopping.append("once")
            while sequencer.sequence_pending(limit=options["batch"]):
                pass
        else:
            for signum in (signal.SIGTERM, signal.SIGINT):
                signal.signal(signum, lambda *_: stopping.append("signal"))
            logger.info("audit sequencer started: checkpoints to %s every %s s or %s events",
                        schedule.path, schedule.seconds, schedule.events)
            sequencer.run(interval=options["interval"], batch=options["batch"], schedule=schedule,
                          stop=lambda: bool(stopping))
        # Stopping anchors the head as it is, so that nothing chained before the stop is left unanchored.
        schedule.run(force=True)
        logger.info("audit sequencer stopped at event %s", sequencer.chain_head().seq)
