"""The CV as the recruiter's page shows it: a PDF's pages drawn as PNGs in a child process
that a hostile file cannot take the worker down with, a DOCX's or ODT's text as HTML
that nothing in the file can put a script into."""

import re
from html.parser import HTMLParser

import pytest

from ats import cv_render
from ats.cv_render import CannotRender, Kind
from tests.factories import stored_sample_cv
from tests.helpers import docx_with_body, odt_with_text, pdf_with_pages, png_size, sample_bytes

pytestmark = pytest.mark.django_db


class Elements(HTMLParser):
    """Every element of an HTML fragment, as (tag, attributes), and its text."""

    def __init__(self, html: str):
        super().__init__(convert_charrefs=True)
        self.found: list[tuple[str, dict]] = []
        self.text = ""
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.found.append((tag, dict(attrs)))

    def handle_data(self, data):
        self.text += data

    def tags(self) -> list[str]:
        return [tag for tag, _ in self.found]


def texts_of(html: str, tag: str) -> list[str]:
    return [
        " ".join(re.sub(r"<[^>]+>", " ", inner).split())
        for inner in re.findall(rf"<{tag}>(.*?)</{tag}>", html, flags=re.S)
    ]


# PDF


def test_a_pdf_is_its_pages_as_pngs_of_a_screens_width_with_their_text(stored_files):
    key = stored_sample_cv("pdf")

    shown = cv_render.render(key)

    assert (shown.kind, shown.page_count, len(shown.pages)) == (Kind.PDF, 2, 2)
    assert [(p.number, p.width, p.height) for p in shown.pages] == [
        (1, 1200, 1698),  # A4, 595 by 842 points
        (2, 1200, 1698),
    ]
    assert "Profil" in shown.pages[1].text and "Karlstads universitet" in shown.pages[1].text
    for page in shown.pages:
        assert png_size(cv_render.pdf_page_png(key, page.number)) == (page.width, page.height)


def test_a_page_that_is_not_there_is_not_drawn():
    key = stored_sample_cv("pdf")

    for number in (0, 3, cv_render.MAX_PAGES + 1):
        with pytest.raises(CannotRender):
            cv_render.pdf_page_png(key, number)


def test_a_long_pdf_shows_its_first_pages_and_says_how_many_there_are():
    key = stored_sample_cv("pdf", content=pdf_with_pages(*[(595, 842)] * 25))

    shown = cv_render.render(key)

    assert (shown.page_count, len(shown.pages)) == (25, cv_render.MAX_PAGES)
    assert png_size(cv_render.pdf_page_png(key, cv_render.MAX_PAGES))[0] == 1200
    with pytest.raises(CannotRender):
        cv_render.pdf_page_png(key, cv_render.MAX_PAGES + 1)


def test_a_page_hundreds_of_inches_long_is_drawn_smaller_not_in_gigabytes():
    # 1 inch by 200: at 1200 pixels across, 288 million pixels.
    key = stored_sample_cv("pdf", content=pdf_with_pages((72, 14_400)))

    [page] = cv_render.render(key).pages
    width, height = png_size(cv_render.pdf_page_png(key, 1))

    assert (width, height) == (page.width, page.height)
    assert width * height <= cv_render.PAGE_MAX_PIXELS * 1.01  # rounding
    assert height > 20_000 and width < 200  # its shape kept


def test_a_damaged_pdf_cannot_be_shown():
    key = stored_sample_cv("pdf", content=b"%PDF-1.7\n" + b"\x00garbage" * 100)

    with pytest.raises(CannotRender):
        cv_render.render(key)
    with pytest.raises(CannotRender):
        cv_render.pdf_page_png(key, 1)


def test_the_renderer_gets_no_more_memory_than_its_limit(monkeypatch):
    key = stored_sample_cv("pdf")
    assert cv_render.render(key).page_count == 2  # within the limit, it draws

    monkeypatch.setattr(cv_render, "CHILD_MEMORY_BYTES", 32 * 1024 * 1024)

    with pytest.raises(CannotRender):
        cv_render.pdf_page_png(key, 2)


def test_a_renderer_that_takes_too_long_is_stopped(monkeypatch, caplog):
    key = stored_sample_cv("pdf")
    monkeypatch.setattr(cv_render, "CHILD_WALL_SECONDS", 0.001)

    with pytest.raises(CannotRender):
        cv_render.pdf_page_png(key, 1)
    assert "A PDF took longer than 0.001s to render" in caplog.text


def test_the_cv_is_read_from_wherever_it_is_kept(stored_files):
    key = stored_sample_cv("pdf")
    before = stored_files.remaining()

    assert cv_render.render(key).page_count == 2
    assert png_size(cv_render.pdf_page_png(key, 2))[0] == 1200
    assert cv_render.render(stored_sample_cv("docx")).html.startswith("<h2>Astrid Lindqvist</h2>")

    assert len(stored_files.remaining()) == len(before) + 1  # the DOCX: nothing drawn is kept


# DOCX and ODT


@pytest.mark.parametrize("extension", ["docx", "odt"])
def test_a_document_is_its_text_with_headings_lists_and_tables(extension):
    shown = cv_render.render(stored_sample_cv(extension))

    assert shown.kind == extension
    assert texts_of(shown.html, "h2") == ["Astrid Lindqvist"]  # below the page's own <h1>
    assert texts_of(shown.html, "h3") == ["Profil", "Erfarenhet", "Utbildning", "Språk"]
    assert [item[:9] for item in texts_of(shown.html, "li")] == ["2021\u2013nu: ", "2018\u20132021"]
    assert texts_of(shown.html, "td")[:4] == ["Kompetens", "Nivå", "Python", "Expert"]
    assert "Civilingenjör, datateknik, Karlstads universitet, 2018." in texts_of(shown.html, "p")


def test_nothing_in_a_docx_puts_a_script_link_or_handler_on_the_page():
    body = (
        "<w:p><w:r><w:t>&lt;script&gt;alert(1)&lt;/script&gt;</w:t></w:r></w:p>"
        '<w:p><w:r><w:t>&lt;img src=x onerror="alert(2)"&gt;</w:t></w:r></w:p>'
        '<w:p><w:hyperlink r:id="rIdEvil"><w:r><w:t>Min portfolio</w:t></w:r></w:hyperlink></w:p>'
        '<w:p><w:hyperlink w:anchor="x"><w:r><w:t>Ankare</w:t></w:r></w:hyperlink></w:p>'
    )
    evil = (
        '<Relationship Id="rIdEvil" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/hyperlink" Target="javascript:alert(3)" TargetMode="External"/>'
    )
    key = stored_sample_cv("docx", content=docx_with_body(body, relationships=evil))

    html = cv_render.render(key).html
    elements = Elements(html)

    assert set(elements.tags()) == {"p"}
    assert all(attributes == {} for _, attributes in elements.found)
    assert "<script>alert(1)</script>" in elements.text  # shown as text, never run
    assert "Min portfolio" in elements.text and "javascript" not in html


def test_an_odt_keeps_its_nesting_spaces_and_line_breaks_and_escapes_its_text():
    text = (
        '<text:h text:outline-level="1">Erfarenhet &amp; &lt;b&gt;kunskap&lt;/b&gt;</text:h>'
        "<text:list><text:list-item><text:p>Lager</text:p><text:list>"
        "<text:list-item><text:p>Truck<text:s text:c='3'/>A<text:line-break/>B</text:p>"
        "</text:list-item></text:list></text:list-item></text:list>"
        '<text:section><text:p>I en sektion <text:span text:style-name="T1">med</text:span>'
        ' <text:a xlink:href="javascript:alert(1)">länk</text:a></text:p></text:section>'
        "<text:p/>"
    )
    key = stored_sample_cv("odt", content=odt_with_text(text))

    html = cv_render.render(key).html

    assert html == (
        "<h2>Erfarenhet &amp; &lt;b&gt;kunskap&lt;/b&gt;</h2>"
        "<ul><li><p>Lager</p><ul><li><p>Truck   A<br>B</p></li></ul></li></ul>"
        "<p>I en sektion med länk</p>"
    )


@pytest.mark.parametrize(
    ("extension", "content"),
    [
        ("docx", b"PK\x03\x04 not a zip"),
        ("odt", b"PK\x03\x04 not a zip"),
        ("docx", None),  # the DOCX sample renamed: no word/document.xml in an ODT
    ],
)
def test_a_damaged_document_cannot_be_shown(extension, content):
    key = stored_sample_cv(extension, content=content or sample_bytes("odt"))

    with pytest.raises(CannotRender):
        cv_render.render(key)


def test_a_document_too_large_to_be_a_cv_is_not_converted(monkeypatch):
    key = stored_sample_cv("odt")
    monkeypatch.setattr(cv_render, "OFFICE_XML_MAX_BYTES", 1000)

    with pytest.raises(CannotRender):
        cv_render.render(key)


def test_a_file_of_another_type_is_not_shown():
    assert cv_render.kind_of("cv/abc.PDF") == Kind.PDF
    assert cv_render.kind_of("cv/abc.txt") is None
    with pytest.raises(CannotRender):
        cv_render.render("cv/abc.txt")


def test_a_cv_that_is_gone_from_the_storage_cannot_be_shown(stored_files):
    with pytest.raises(CannotRender):
        cv_render.render("cv/0000000000000000000000000000dead.pdf")
