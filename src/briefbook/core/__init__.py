"""The bottom layer: what every stage uses, importing no stage.

Takes: nothing from the pipeline. Gives: errors with file:line:column (``errors``), bounded
reads and atomic writes (``fileio``), safe YAML (``safeyaml``), typed models loaded from YAML
with positions (``models``), did-you-mean (``suggest``), character classes (``chars``), the
bundled fonts and their coverage (``fonts``, ``coverage``), the package data folders
(``resources``) and process helpers (``proc``). Every stage package sits above this one; the
import contract in ``pyproject.toml`` keeps it that way.
"""
