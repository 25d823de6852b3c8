"""briefbook: a YAML brief in, a typeset Simplified-Chinese briefing book (PDF) out.

Stages, each a package, data flowing one way:
corpus → metrics → brief → charts → render → checks; ``cli`` wires them to commands.
"""

from importlib.metadata import PackageNotFoundError, version as _version

try:  # the one version is pyproject.toml's, read from the installed metadata
    __version__ = _version("briefbook")
except PackageNotFoundError:  # a source tree on sys.path without an install
    __version__ = "0+unknown"
