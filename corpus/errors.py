"""Errors a maintainer can act on; each message names what is wrong with the file."""


class CorpusError(Exception):
    """A document could not be loaded; the message says why, in Vietnamese, for the maintainer."""


class UnsupportedFileError(CorpusError):
    """The file type is not one the corpus reads."""


class EmptyFileError(CorpusError):
    """The file holds no text."""


class BinaryFileError(CorpusError):
    """The file is binary data, not a document of the type its name claims."""


class LegacyEncodingError(CorpusError):
    """The text is in a legacy Vietnamese font encoding (TCVN3/VNI) that would index as mojibake."""


class BrokenFileError(CorpusError):
    """The file claims a format (docx, pdf, html) but cannot be opened as one."""


class FactsError(CorpusError):
    """Front matter or a sidecar holds facts that are malformed."""
