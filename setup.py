"""Packaging hook: the wheel carries the repository's ``templates/`` and ``assets/fonts/``.

The repository keeps them at the top level (their single source); ``build_py`` copies them
into ``briefbook/_data/`` inside the built package, where ``briefbook.paths`` finds them. An
editable install (``pip install -e .``) reads them straight from the repository instead.
"""

import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
PACKAGE_DATA = {"templates": "templates", "assets/fonts": "assets/fonts"}


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        if getattr(self, "editable_mode", False):
            return  # an editable install reads the repository's folders directly
        target = Path(self.build_lib) / "briefbook" / "_data"
        for source, dest in PACKAGE_DATA.items():
            shutil.copytree(ROOT / source, target / dest, dirs_exist_ok=True,
                            ignore=shutil.ignore_patterns(".*", "__pycache__"))


setup(cmdclass={"build_py": BuildPyWithData})
