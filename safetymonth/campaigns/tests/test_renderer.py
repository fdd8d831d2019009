"""{% render_report_form %}: one input per blank, in order, exactly where the blank stands."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pytest
from django.template import Context, Template, TemplateSyntaxError

from safetymonth.campaigns.rendering import form_rows
from safetymonth.lib import blanks


def render(form, **kwargs) -> str:
    kwargs.setdefault("mode", "entry")
    args = " ".join(f"{k}={k}" for k in kwargs)
    template = Template("{% load campaign_forms %}{% render_report_form form " + args + " %}")
    return template.render(Context({"form": form, **kwargs}))


class Progress(HTMLParser):
    """Per progress cell: the visible text with each input replaced by [name], and the inputs."""

    def __init__(self) -> None:
        super().__init__()
        self.cells: list[str] = []
        self.inputs: list[tuple[str, str]] = []  # (type, name)
        self._depth = 0
        self._in_message = 0
        self._last_radio = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "td" and "sm-col-progress" in (a.get("class") or ""):
            self.cells.append("")
            self._depth = 1
            return
        if not self._depth:
            return
        if tag in ("td", "th"):
            self._depth += 1
        if tag == "p" and self.cells[-1]:
            self.cells[-1] += "\n"
        if tag == "span" and "sm-blank-message" in (a.get("class") or ""):
            self._in_message += 1
        if tag == "input":
            self.inputs.append((a["type"], a["name"]))
            if a["type"] != "radio" or a["name"] != self._last_radio:
                self.cells[-1] += f"[{a['name']}]"
            self._last_radio = a["name"] if a["type"] == "radio" else None
        if tag == "label":
            self._in_message += 1

    def handle_endtag(self, tag):
        if not self._depth:
            return
        if tag == "td":
            self._depth -= 1
        if tag in ("span",) and self._in_message:
            self._in_message -= 1
        if tag == "label":
            self._in_message -= 1

    def handle_data(self, data):
        if self._depth and not self._in_message and data.strip():
            self.cells[-1] += data


def parse(html: str) -> Progress:
    parser = Progress()
    parser.feed(html)
    return parser


@pytest.fixture
def form(campaign_2021):
    return campaign_2021.forms.get()


@pytest.mark.parametrize("mode", ["entry", "preview"])
def test_every_indicator_has_exactly_one_input_in_order(form, mode):
    parsed = parse(render(form, mode=mode))
    names = list(dict.fromkeys(name for _type, name in parsed.inputs))
    expected = [f"ind-{i.code}" for i in form.indicators.order_by("item__order", "order")]
    assert names == expected
    kinds = {f"ind-{i.code}": i.kind for i in form.indicators.all()}
    for type_, name in parsed.inputs:
        assert type_ == ("radio" if kinds[name] == "boolean" else "text")
    assert sum(1 for t, _ in parsed.inputs if t == "radio") == 4  # 是/否 for each of the two yes/no blanks


def test_text_between_the_blanks_is_the_paper_text(form):
    parsed = parse(render(form))
    items = list(form.items.order_by("order"))
    assert len(parsed.cells) == len(items)
    for cell, item in zip(parsed.cells, items, strict=True):
        expected = re.sub(r"\[\[([a-z0-9_]+)\]\]", r"[ind-\1]", item.progress_text)
        assert cell.strip() == expected
    assert (
        "理论学习中心组学习（[ind-theory_study_sessions]）次，参与（[ind-theory_study_participants]）人次；"
        in parsed.cells[0]
    )
    assert "电视专题片 [ind-special_film_studied]；" in parsed.cells[0]


def test_three_columns_and_item_texts(form):
    html = render(form)
    assert re.findall(r'<th scope="col"[^>]*>([^<]+)</th>', html) == ["活动项目", "内容要求", "进展情况"]
    for item in form.items.all():
        assert f">{item.title}</th>" in html and item.requirement in html
    assert 'data-label="进展情况"' in html  # the phone layout labels each cell
    assert "css/form.css" in html and "style=" not in html and "<script" not in html


def test_values_errors_and_warnings_are_shown_at_their_box(form):
    html = render(
        form,
        values={"theory_study_sessions": "3", "theory_study_participants": "x", "special_film_studied": True},
        errors={"theory_study_participants": ["请输入整数。"]},
        warnings={"lecture_sessions": "请核对。"},
    )
    assert 'name="ind-theory_study_sessions" id="id_ind-theory_study_sessions" value="3"' in html
    box = re.search(r'<input[^>]*name="ind-theory_study_participants"[^>]*>', html).group(0)
    assert (
        'value="x"' in box
        and "is-invalid" in box
        and 'aria-describedby="id_ind-theory_study_participants-error"' in box
    )
    # The sentence keeps its flow (the box is followed by the paper text), and the message stands
    # right under that sentence, tied to the box by aria-describedby.
    assert re.search(
        r'name="ind-theory_study_participants"[^>]*></span>）人次[^<]*</p>'
        r'<span class="invalid-feedback sm-blank-message" '
        r'id="id_ind-theory_study_participants-error">请输入整数。</span>',
        html,
    )
    assert re.search(r'value="yes" checked>', html)
    assert 'id="id_ind-lecture_sessions-warning">请核对。' in html


def test_readonly_prints_values_into_the_blanks(form):
    html = render(form, mode="readonly", values={"theory_study_sessions": 3, "special_film_studied": True})
    assert "<input" not in html
    assert "理论学习中心组学习（<span" in html and ">3</span>）次" in html
    assert ">☑是□否</span>" in html and ">□是□否</span>" in html


def test_header_fields(form):
    html = render(form, header={"填报科室": "市场运行科"})
    assert '填报科室：</span><span class="sm-form-header-value">市场运行科</span>' in html
    assert "填报日期：" in html


def test_bad_mode(form):
    with pytest.raises(TemplateSyntaxError):
        render(form, mode="print")


def test_form_rows_for_exports(form):
    """Exports walk the same rows: text and blanks, ready for numbers and ☑/□."""
    rows = form_rows(form, {"theory_study_sessions": 3, "uses_national_platform": False})
    first_line = rows[0].lines[0]
    assert [s.text or s.blank.indicator.code for s in first_line] == [
        "理论学习中心组学习（",
        "theory_study_sessions",
        "）次，参与（",
        "theory_study_participants",
        "）人次；",
    ]
    assert first_line[1].blank.display == "3"
    assert rows[4].lines[-1][-1].blank.display == "□是☑否"
    assert blanks.fill(rows[0].item.progress_text, {"theory_study_sessions": 3}).startswith("理论学习中心组学习（3）次")
