"""The ``accountplan`` command: every Django management command, plus the project's own.

``accountplan migrate``, ``accountplan import accounts FILE --mapping maven``, ``accountplan demo``
and ``accountplan serve`` all go through here.
"""

from __future__ import annotations

import os
import sys


def main(argv: list[str] | None = None) -> None:
    """Hand the arguments to Django's management utility with our settings."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "accountplan.config.settings")
    from django.core.management import execute_from_command_line

    args = list(sys.argv if argv is None else ["accountplan", *argv])
    args[0] = "accountplan"
    execute_from_command_line(args)


if __name__ == "__main__":
    main()
