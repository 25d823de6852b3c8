"""Positions of errors in a wide mapping are found from one index of its keys: a brief of
90,000 unknown top-level keys scanned every key for every error (quadratic; still running at
300 s). The test counts how often the mapping's key list is walked."""

import yaml

from briefbook.core.models import Locator


class CountingList(list):
    walks = 0

    def __iter__(self):
        CountingList.walks += 1
        return super().__iter__()


def test_the_keys_of_a_mapping_are_walked_once_for_any_number_of_errors(tmp_path):
    text = "".join(f"key{i}: {i}\n" for i in range(3000))
    root = yaml.compose(text)
    root.value = CountingList(root.value)
    CountingList.walks = 0
    locator = Locator(tmp_path / "brief.yaml", root)
    places = [locator.where((f"key{i}",), at_key=True) for i in range(3000)]
    places += [locator.where((f"key{i}",)) for i in range(0, 3000, 7)]
    assert places[0].endswith(":1:1") and places[2999].endswith(":3000:1")
    assert places[3000].endswith(":1:7")  # the value of key0
    assert CountingList.walks <= 1


def test_the_first_of_two_equal_keys_is_the_one_named(tmp_path):
    root = yaml.compose("a: 1\nb: 2\na: 3\n")
    locator = Locator(tmp_path / "brief.yaml", root)
    assert locator.where(("a",), at_key=True).endswith(":1:1")
    assert locator.where(("missing",), at_key=True).endswith(":1:1")  # the nearest: the top
