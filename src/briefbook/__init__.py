"""briefbook: a YAML brief in, a typeset Simplified-Chinese briefing book (PDF) out.

Stages, each a package, data flowing one way:
corpus → metrics → brief → charts → render → checks → distribute; ``core`` (errors, safe YAML,
files, fonts, character classes …) lies under all of them and ``project`` (the folder and its
settings, handed to each stage as a value) just above it; ``preview``, ``scaffold`` (init) and
``doctor`` sit on top, and ``cli`` wires everything to commands. The import contract in
pyproject.toml (``make lint``) keeps each layer to the layers below it; docs/architecture.md
draws it.
"""

from importlib.metadata import PackageNotFoundError
from importlib.metadata import version as _version

try:  # the one version is pyproject.toml's, read from the installed metadata
    __version__ = _version("briefbook")
except PackageNotFoundError:  # a source tree on sys.path without an install
    __version__ = "0+unknown"
