"""``python -m briefbook.cli`` runs the command (as the console script does)."""

from briefbook.cli import main

main()
