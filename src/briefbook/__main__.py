"""``python -m briefbook`` runs the command line, as the ``briefbook`` console script does."""

from briefbook.cli import main

main()
