"""Python 2 behaviour that iiif-validator 1.0.5 still expects, for running it on Python 3.

Three tests of the PyPI release (format_jp2, format_pdf, format_webp) were written for Python 2: they call
`urllib.urlopen` (Python 2 API; it returned a response for every status and `read()` gave a byte string), compare
bytes with str literals, and use filemagic's `Magic().id_buffer()`, while the package depends on python-magic.
On Python 3 they fail before sending a request, whatever the server does. This module, installed into the
validator's private virtual environment by .ci/install-deps, supplies those Python 2 behaviours; it changes no test.
"""
import urllib
import urllib.error
import urllib.request


class _Python2Response:
    """A response as Python 2's urllib.urlopen returned it: read() gives a byte string (here latin-1 text)."""

    def __init__(self, response):
        self._response = response

    def read(self):
        return self._response.read().decode("latin-1")

    def getcode(self):
        return self._response.getcode()

    def info(self):
        return self._response.info()

    def close(self):
        self._response.close()


def _urlopen(url, *args, **kwargs):
    try:
        return _Python2Response(urllib.request.urlopen(url, *args, **kwargs))
    except urllib.error.HTTPError as error:
        return _Python2Response(error)


if not hasattr(urllib, "urlopen"):
    urllib.urlopen = _urlopen

try:
    import magic

    if not hasattr(magic.Magic, "id_buffer"):
        _Magic = magic.Magic

        class _FileMagicCompatible(_Magic):
            """filemagic's interface (context manager, id_buffer) on python-magic."""

            def __enter__(self):
                return self

            def __exit__(self, *exception):
                return False

            def id_buffer(self, data):
                if isinstance(data, str):
                    data = data.encode("latin-1")
                return self.from_buffer(data)

        magic.Magic = _FileMagicCompatible
except ImportError:
    pass
