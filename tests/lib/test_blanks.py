import pytest

from safetymonth.lib import blanks
from safetymonth.lib.blanks import Blank, BlankError, Reason, Text

PAPER = "理论学习中心组学习（[[sessions]]）次，参与（[[participants]]）人次；\n专题片 [[watched]]；"


def test_split_keeps_text_between_blanks():
    assert blanks.split(PAPER) == [
        Text("理论学习中心组学习（"),
        Blank("sessions", 10),
        Text("）次，参与（"),
        Blank("participants", 28),
        Text("）人次；\n专题片 "),
        Blank("watched", 53),
        Text("；"),
    ]
    assert "".join(s.text if isinstance(s, Text) else f"[[{s.code}]]" for s in blanks.split(PAPER)) == PAPER


def test_codes_in_order_with_duplicates():
    assert blanks.codes(PAPER) == ["sessions", "participants", "watched"]
    assert blanks.codes("[[a]][[a]]") == ["a", "a"]
    assert blanks.codes("no blanks") == []


@pytest.mark.parametrize(
    ("text", "reason", "position"),
    [
        ("学习（[[sessions）次", Reason.UNCLOSED, 3),
        ("学习（sessions]]）次", Reason.STRAY_CLOSE, 11),
        ("[[ok]] then [[Bad Code]]", Reason.BAD_CODE, 12),
        ("[[]]", Reason.BAD_CODE, 0),
        ("[[a]] [[b", Reason.UNCLOSED, 6),
        ("[[a]]]]", Reason.STRAY_CLOSE, 5),
    ],
)
def test_malformed_markers(text, reason, position):
    with pytest.raises(BlankError) as info:
        blanks.split(text)
    assert (info.value.reason, info.value.position) == (reason, position)


def test_lines_split_on_newlines():
    result = blanks.lines(blanks.split(PAPER))
    assert len(result) == 2
    assert result[1] == [Text("专题片 "), Blank("watched", 53), Text("；")]


def test_fill_numbers_and_yes_no():
    assert blanks.fill(PAPER, {"sessions": 3, "participants": 45, "watched": True}) == (
        "理论学习中心组学习（3）次，参与（45）人次；\n专题片 ☑是□否；"
    )
    assert blanks.fill("[[w]]", {"w": False}) == "□是☑否"
    assert blanks.fill("（[[n]]）", {}) == "（）"
    assert blanks.fill("（[[n]]）", {}, lambda code, value: "  ") == "（  ）"


def test_yes_no_unanswered():
    assert blanks.yes_no(None) == "□是□否"
