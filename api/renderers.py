"""The browsable API, with addresses from findings shown inert (the REST_FRAMEWORK setting names it)."""

import re

from rest_framework import renderers

from identifiers.canonical import defang

# Words the browsable API's template would turn into live links (it "urlizes" the JSON it shows).
_LINKABLE = re.compile(r"(?i)\bhttps?://[^\s\"'<>]+|\bwww\.[^\s\"'<>]+|\b[\w.-]+\.(?:com|edu|gov|int|mil|net|org)\b")


class BrowsableAPIRenderer(renderers.BrowsableAPIRenderer):
    """DRF's browsable API, except that addresses from findings are shown defanged, never as links.

    Links into this API itself (the next page, a download) stay clickable.
    """

    def get_content(self, renderer, data, accepted_media_type, renderer_context):
        content = super().get_content(renderer, data, accepted_media_type, renderer_context)
        own = renderer_context["request"].build_absolute_uri("/api/")

        def inert(match):
            word = match.group(0)
            if word.startswith(own):
                return word
            if "://" in word:
                return defang(word)
            return word.replace(".", "[.]")

        return _LINKABLE.sub(inert, content)
