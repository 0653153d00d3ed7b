from bot.config import load_settings


def test_x():
    assert load_settings


def test_name():
    import sys

    import bot

    print(__name__, bot.__file__, sys.path[:3])
