"""``%%carbon [--country NAME] [--quiet]`` measures a cell with ``track`` into ``_carbon`` (all in
``_carbon_history``) and prints one line.

Example
-------
>>> %%carbon --country France                        # doctest: +SKIP
... model.fit(X, y)
"""

from __future__ import annotations

import argparse
import shlex


def _parse(line: str):
    parser = argparse.ArgumentParser(prog="%%carbon", add_help=False, exit_on_error=False)
    parser.add_argument("--country", default=None)
    parser.add_argument("--quiet", action="store_true")
    try:
        args, extra = parser.parse_known_args(shlex.split(line or ""))
    except (argparse.ArgumentError, ValueError) as err:
        raise ValueError(f"%%carbon options are [--country NAME] [--quiet]; could not read {line!r}: "
                         f"{err}") from None
    if extra:
        raise ValueError(f"%%carbon options are [--country NAME] [--quiet]; unknown {extra}")
    return args


def carbon_cell_magic(line, cell, *, shell):
    """Run ``cell`` in ``shell`` under ``track``; store and (unless --quiet) print the Measurement."""
    from rseai.carbon.measure import track

    try:
        args = _parse(line)
        context = track(country=args.country)
        measurement = context.__enter__()
    except (ValueError, TypeError) as err:
        print(f"⚠ %%carbon: {err}")
        return None
    try:
        result = shell.run_cell(cell)
    finally:
        context.__exit__(None, None, None)
    shell.user_ns["_carbon"] = measurement
    shell.user_ns.setdefault("_carbon_history", []).append(measurement)
    if not args.quiet:
        print("⚡ " + measurement.summary())
    if result is not None and getattr(result, "error_in_exec", None) is not None:
        print("⚠ the cell raised an error (shown above); the energy until then was still measured.")
    return None


def register(ipython) -> None:
    if ipython is None or not hasattr(ipython, "register_magic_function"):
        raise TypeError(f"ipython must be an IPython shell, got {type(ipython).__name__}")

    def carbon(line, cell):
        return carbon_cell_magic(line, cell, shell=ipython)

    carbon.__doc__ = __doc__
    ipython.register_magic_function(carbon, magic_kind="cell", magic_name="carbon")
