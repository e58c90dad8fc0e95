"""Ad texts: Markdown, as recruiters write it, rendered to sanitised HTML.

markdown-it-py renders CommonMark with raw HTML off (typed tags come out as text), and
nh3 keeps only the tags and attributes listed here, so nothing that runs reaches the
page whatever the editor held: no script, no style, no event attribute, no javascript:
link. Links get rel="nofollow noopener".
"""

import html

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "strong", "em", "ul", "ol", "li", "h2", "h3", "h4", "blockquote",
    "a", "code", "pre", "hr",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}}
_markdown = MarkdownIt("commonmark", {"html": False, "linkify": False}).disable("image")


def render_markdown(text: str) -> SafeString:
    rendered = _markdown.render(text or "")
    # An ad's own headings start below the page's h1.
    rendered = rendered.replace("<h1>", "<h2>").replace("</h1>", "</h2>")
    return mark_safe(
        nh3.clean(
            rendered,
            tags=ALLOWED_TAGS,
            attributes=ALLOWED_ATTRIBUTES,
            url_schemes={"https", "http", "mailto"},
            link_rel="nofollow noopener",
        )
    )


def plain_text(text: str) -> str:
    """The ad without markup, for a feed or a link preview: text, decoded, so that
    markup typed in the ad is in it as typed. Escape it wherever it is read as HTML
    (templates do; a feed's <description> must: see feeds.py)."""
    return html.unescape(nh3.clean(_markdown.render(text or ""), tags=set())).strip()
