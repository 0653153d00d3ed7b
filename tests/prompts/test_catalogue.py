from prompts.catalogue import CATALOGUE


def test_x():
    assert CATALOGUE
