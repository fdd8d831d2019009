import pytest

from safetymonth.lib.sealed import Sealer, SealError, new_key


def test_seal_and_open():
    s = Sealer([new_key()])
    token = s.seal("13912345678")
    assert "13912345678" not in token
    assert s.open(token) == "13912345678"
    assert s.seal("") == "" and s.open("") == ""


def test_rotation_keeps_old_tokens_readable_and_rewrites_them():
    old, new = new_key(), new_key()
    token = Sealer([old]).seal("王小明")
    both = Sealer([new, old])
    assert both.open(token) == "王小明"
    rotated = both.rotate(token)
    assert Sealer([new]).open(rotated) == "王小明"
    with pytest.raises(SealError):
        Sealer([new]).open(token)


def test_no_key_is_refused():
    with pytest.raises(SealError):
        Sealer([])
