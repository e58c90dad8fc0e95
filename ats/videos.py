"""A video on the careers site: a YouTube or Vimeo address, played in the page only
after the visitor chooses to (until then, nothing loads from YouTube or Vimeo, which
would set its cookies and learn of the visit). Each is embedded from the address its
maker offers for that: YouTube's without cookies, Vimeo's with do-not-track."""

import re
from dataclasses import dataclass
from urllib.parse import parse_qs, urlsplit

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

EMBED_ORIGINS = ("https://www.youtube-nocookie.com", "https://player.vimeo.com")  # frame-src
YOUTUBE_ID = re.compile(r"[A-Za-z0-9_-]{11}")
VIMEO_ID = re.compile(r"[0-9]{1,12}")


@dataclass(frozen=True)
class Video:
    watch_url: str  # where a visitor without scripts watches it
    embed_url: str  # what the page plays inside itself, once asked
    site: str  # "YouTube" or "Vimeo", named to the visitor before anything loads


def video(url: str) -> Video | None:
    """The video at `url`, or None when it is not a YouTube or Vimeo video's address."""
    parts = urlsplit(url)
    host = (parts.hostname or "").removeprefix("www.").removeprefix("m.")
    path = parts.path.strip("/").split("/")
    if parts.scheme not in ("https", "http"):
        return None
    if host == "youtu.be":
        youtube_id = path[0]
    elif host == "youtube.com" and path[0] == "watch":
        youtube_id = parse_qs(parts.query).get("v", [""])[0]
    elif host == "youtube.com" and path[0] in ("embed", "shorts", "live") and len(path) > 1:
        youtube_id = path[1]
    elif host == "vimeo.com" and VIMEO_ID.fullmatch(path[-1]):
        return Video(
            watch_url=f"https://vimeo.com/{path[-1]}",
            embed_url=f"https://player.vimeo.com/video/{path[-1]}?autoplay=1&dnt=1",
            site="Vimeo",
        )
    else:
        return None
    if not YOUTUBE_ID.fullmatch(youtube_id):
        return None
    return Video(
        watch_url=f"https://www.youtube.com/watch?v={youtube_id}",
        embed_url=f"https://www.youtube-nocookie.com/embed/{youtube_id}?autoplay=1",
        site="YouTube",
    )


def validate_video_url(url: str) -> None:
    if url and video(url) is None:
        raise ValidationError(
            _("Give the address of a video on YouTube or Vimeo."), code="not_a_video"
        )
