"""One handler per command, registered with ``@handles``; importing this package registers
them all, so ``Executor.execute`` can find each one."""

from ledger.application.handlers import (  # noqa: F401 (imported to register the handlers)
    benefits,
    decisions,
    dependencies,
    imports,
    programs,
    projects,
    proposals,
    resources,
    risks,
)
