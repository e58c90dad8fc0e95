"""A service that fails is logged when it starts failing and when it answers again,
not once per request: under load, one line per request would bury everything else."""

import logging


class Outage:
    def __init__(self, logger: logging.Logger, *, failing: str, answering: str):
        self.logger, self.failing, self.answering = logger, failing, answering
        self.down = False  # in this process, since the first failure

    def failed(self, error: Exception) -> None:
        if not self.down:
            self.logger.error("%s (%s)", self.failing, type(error).__name__)
        self.down = True

    def answered(self) -> None:
        if self.down:
            self.logger.warning("%s", self.answering)
        self.down = False
