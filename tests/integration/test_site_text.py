"""The demo site's own text filters (config/templatetags/site_text.py)."""

from config.templatetags.site_text import breakable


def test_a_user_agent_may_wrap_after_its_slashes_and_stays_escaped():
    assert breakable('Mozilla/5.0 (X11; Linux) <b>"x"</b>') == (
        "Mozilla/<wbr>5.0 (X11;<wbr> Linux) &lt;b&gt;&quot;x&quot;&lt;/<wbr>b&gt;"
    )
