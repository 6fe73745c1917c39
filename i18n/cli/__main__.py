"""``python -m i18n.cli``: the same as the ``i18n`` command."""

from i18n.cli import main

main()
