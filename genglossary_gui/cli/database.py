"""``genglossary database``: check, back up and repair the data folder's database."""

from __future__ import annotations

import argparse
import sys

from genglossary_gui.cli.common import EXIT_OK, CliError


def cmd_database(args: argparse.Namespace) -> int:
    """``database new``: set a damaged database aside (kept, renamed) and start afresh."""
    from genglossary_gui.store.database import (
        DatabaseDamaged,
        DatabaseError,
        database_is_healthy,
        init_db,
        resolve_data_dir,
        set_aside,
    )

    data_dir = resolve_data_dir(args.data_dir)
    try:
        init_db(data_dir)
    except DatabaseDamaged:
        pass
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    else:
        # Opening reads little beyond the header: a damaged page deeper in the file shows
        # only when read. Check it all (this command is run on purpose, so it may take time).
        if not args.force and database_is_healthy():
            raise CliError(
                "The database is not damaged; nothing was changed. Add --force to start a new "
                "one anyway (the current one is kept beside it, renamed)."
            )
    kept = set_aside(data_dir)
    try:
        init_db(data_dir)
    except DatabaseError as exc:
        raise CliError(str(exc)) from exc
    if kept is not None:
        print(f"Kept the old database as {kept.name} in {data_dir}.", file=sys.stderr)
    print(f"Started a new database in {data_dir}.", file=sys.stderr)
    return EXIT_OK
