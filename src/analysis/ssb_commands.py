"""Commands for SSB data (placeholder until the SSB layer lands)."""


def register_commands(subparsers) -> None:  # noqa: D103
    return None
