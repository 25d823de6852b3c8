import pytest

from plugins.example import CORPUS_DIR
from briefbook.corpus import load_corpus


@pytest.fixture(scope="session")
def corpus():
    return load_corpus(CORPUS_DIR)
