"""Commands for workshop data (placeholder until the workshop layer lands)."""


def register_commands(subparsers) -> None:  # noqa: D103
    return None
